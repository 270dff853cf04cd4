import type { Knex } from 'knex';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { EngineService } from '../engine/service.ts';
import { jobTypeOf } from '../domain/notification-delivery.ts';
import { robotRefused, robotText, signedRobotUrl } from '../lib/robot-webhook.ts';
import { deliverable, type Deliverable } from '../store/notification-channels.ts';
import type { JobRow } from '../store/jobs.ts';

/**
 * The notification channels besides in-app (issue 13, item 9), configured by environment
 * (src/config.ts `notify`): e-mail over SMTP and a 钉钉/政务微信 group robot. Each configured
 * channel registers a job runner; steps queue delivery jobs (domain/notification-delivery.ts) and
 * whichever node leases a job sends it. A throw here is a retry with backoff, then an incident.
 */

export interface NotifyConfig {
  /** SMTP_URL, e.g. `smtp://user:pass@mail.example.gov.cn:587` or `smtps://…:465`; null: no e-mail. */
  smtpUrl: string | null;
  /** SMTP_FROM: the sender, e.g. `人防权力运行平台 <noreply@example.gov.cn>`. */
  smtpFrom: string | null;
  /** NOTIFY_WEBHOOK_URL: the group robot's webhook; null: no robot. */
  webhookUrl: string | null;
  /** NOTIFY_WEBHOOK_SECRET: DingTalk 加签 secret (SEC…); null: unsigned (WeCom, or DingTalk by keyword/IP). */
  webhookSecret: string | null;
}

/** How long one delivery may take before it counts as failed (and is retried). */
const TIMEOUT_MS = 15_000;

/** The e-mail's subject: the notification's title, which names the case number (and the platform). */
export const mailSubject = (n: Deliverable): string => `【权力运行平台】${n.title}`;

function mailText(n: Deliverable): string {
  return [`${n.displayName ?? n.userId}：`, '', n.title, ...(n.body ? [n.body] : []), '', '请登录权力运行平台查看和办理。此邮件由系统自动发送，请勿回复。'].join('\n');
}

/** The robot message: addressed by name, since the whole group reads it. */
export const robotContent = (n: Deliverable): string => `【权力运行平台】致 ${n.displayName ?? n.userId}：${n.title}${n.body ? `\n${n.body}` : ''}`;

/** Reads the notification a job carries; undefined when it is gone (retention deleted it): nothing to send. */
async function load(db: Knex, job: JobRow): Promise<Deliverable | undefined> {
  const id = (job.payload as { notificationId?: string } | null)?.notificationId;
  return id ? deliverable(db, id) : undefined;
}

/**
 * Registers a job runner per configured channel on `engine`; answers the channels registered.
 * Usage (main.ts): `registerDelivery({ db, engine, logger }, config.notify)`.
 */
export function registerDelivery(deps: { db: Knex; engine: EngineService; logger?: Logger }, cfg: NotifyConfig): string[] {
  const { db, engine, logger } = deps;
  const on: string[] = [];
  if (cfg.smtpUrl) {
    const transport = nodemailer.createTransport({ url: cfg.smtpUrl, connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS } as Parameters<typeof nodemailer.createTransport>[0]);
    const from = cfg.smtpFrom ?? 'noreply@localhost';
    engine.registerJobRunner(jobTypeOf('email'), {
      incidentType: 'deliveryFailed',
      run: async (job) => {
        const n = await load(db, job);
        // The person removed their address meanwhile: nothing to send to.
        if (!n?.email) return;
        await transport.sendMail({ from, to: n.email, subject: mailSubject(n), text: mailText(n) });
        logger?.debug({ notificationId: n.id, channel: 'email' }, 'notification delivered');
      },
    });
    on.push('email');
  }
  if (cfg.webhookUrl) {
    const url = cfg.webhookUrl;
    engine.registerJobRunner(jobTypeOf('webhook'), {
      incidentType: 'deliveryFailed',
      run: async (job) => {
        const n = await load(db, job);
        if (!n) return;
        const res = await fetch(signedRobotUrl(url, cfg.webhookSecret, Date.now()), {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(robotText(robotContent(n))),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`群机器人 webhook 返回 HTTP ${res.status}`);
        let answer: unknown = null;
        try {
          answer = JSON.parse(text);
        } catch {
          // Not JSON: a plain 2xx is taken as delivered.
        }
        const refused = robotRefused(answer);
        if (refused) throw new Error(`群机器人拒收：${refused}`);
        logger?.debug({ notificationId: n.id, channel: 'webhook' }, 'notification delivered');
      },
    });
    on.push('webhook');
  }
  return on;
}
