import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ValidationError } from '../errors.ts';
import { insertJobs, type JobRow, type JobType } from '../store/jobs.ts';
import {
  contactsOf,
  existingNotificationIds,
  getPreferences,
  preferencesOf,
  savePreferences,
  setEmail,
  type ChannelPreferences,
} from '../store/notification-channels.ts';
import type { NotificationRow } from '../store/notifications.ts';

/**
 * Delivery of notifications beyond the in-app list (issue 13, item 9): e-mail and a group robot's
 * webhook, each configured by environment (src/services/delivery.ts registers a job runner per
 * configured channel). The step that writes a notification only queues a delivery job in the same
 * transaction; the job runner sends it after commit, retries with backoff and finally raises a
 * `deliveryFailed` incident — a mail server that is down never holds up a case.
 */

export const CHANNELS = ['email', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Who wants what until they choose: e-mail on (their own address), the group robot off (others read it). */
export const DEFAULT_PREFERENCES: ChannelPreferences = { email: true, webhook: false };

/** Attempts per delivery: five, 30 s apart doubling (30 s, 1 min, 2 min, 4 min), then an incident. */
export const DELIVERY_RETRY_CYCLE = 'R5/PT30S';

export const jobTypeOf = (c: Channel): JobType => `notify-${c}`;

/** Which channels this node delivers through (a runner is registered for them). */
export interface DeliveryRunners {
  hasJobRunner(type: JobType): boolean;
}

export function configuredChannels(engine: DeliveryRunners): Channel[] {
  return CHANNELS.filter((c) => engine.hasJobRunner(jobTypeOf(c)));
}

/**
 * Queues a delivery job per notification and channel its addressee wants (and, for e-mail, has
 * an address for), in the caller's transaction. Notifications skipped by their dedupe key get none.
 * Usage (right after insertNotifications): `await queueDeliveries(trx, rows, now, engine)`.
 */
export async function queueDeliveries(trx: Knex.Transaction, rows: NotificationRow[], now: number, engine: DeliveryRunners): Promise<number> {
  const channels = configuredChannels(engine);
  if (!channels.length || !rows.length) return 0;
  const exist = await existingNotificationIds(trx, rows.map((r) => r.id));
  const fresh = rows.filter((r) => exist.has(r.id));
  const users = [...new Set(fresh.map((r) => r.userId))];
  const [prefs, contacts] = await Promise.all([preferencesOf(trx, users), contactsOf(trx, users)]);
  const jobs: JobRow[] = [];
  for (const n of fresh) {
    const p = prefs.get(n.userId) ?? DEFAULT_PREFERENCES;
    for (const c of channels) {
      if (!p[c] || (c === 'email' && !contacts.get(n.userId)?.email)) continue;
      jobs.push({
        id: randomUUID(),
        type: jobTypeOf(c),
        instanceId: null,
        definitionId: null,
        executionId: null,
        elementId: c,
        dueAt: now,
        lockedBy: null,
        lockedUntil: null,
        attempts: 0,
        retries: 5,
        retryCycle: DELIVERY_RETRY_CYCLE,
        lastError: null,
        payload: { notificationId: n.id, userId: n.userId },
        createdAt: now,
      });
    }
  }
  await insertJobs(trx, jobs);
  return jobs.length;
}

/** A person's notification settings as the personal page shows them. */
export interface NotificationSettings {
  channels: { inApp: true; email: boolean; webhook: boolean };
  /** The address e-mails go to (null: none, so no e-mail is sent). */
  email: string | null;
  /** Which channels this platform has configured (an unconfigured one delivers nothing). */
  available: { email: boolean; webhook: boolean };
}

/** Reads a person's settings (the defaults when they never chose). */
export async function notificationSettings(db: Knex, engine: DeliveryRunners, userId: string): Promise<NotificationSettings> {
  const p = (await getPreferences(db, userId)) ?? DEFAULT_PREFERENCES;
  const email = (await contactsOf(db, [userId])).get(userId)?.email ?? null;
  const on = configuredChannels(engine);
  return { channels: { inApp: true, email: p.email, webhook: p.webhook }, email, available: { email: on.includes('email'), webhook: on.includes('webhook') } };
}

/** Loose e-mail shape check: one @, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Saves a person's channel choice (and, if given, their e-mail address) with an audit row, in one
 * transaction. In-app cannot be turned off: `inApp: false` is a 422 and changes nothing.
 * Usage: `await saveNotificationSettings(db, me.id, { channels: { inApp: true, email: false, webhook: true } }, { now, audit })`.
 */
export async function saveNotificationSettings(
  db: Knex,
  userId: string,
  input: { channels: { inApp: boolean; email: boolean; webhook: boolean }; email?: string | null },
  opts: { now: number; audit: (trx: Knex.Transaction, entry: { before: unknown; after: unknown }) => Promise<void> },
): Promise<void> {
  if (input.channels.inApp !== true) throw new ValidationError([{ field: 'channels.inApp', message: '站内通知不能关闭' }]);
  const email = input.email === undefined ? undefined : input.email === null || input.email.trim() === '' ? null : input.email.trim();
  if (email && (!EMAIL.test(email) || email.length > 200)) throw new ValidationError([{ field: 'email', message: '电子邮箱格式不正确' }]);
  await db.transaction(async (trx) => {
    const before = { ...((await getPreferences(trx, userId)) ?? DEFAULT_PREFERENCES), address: (await contactsOf(trx, [userId])).get(userId)?.email ?? null };
    await savePreferences(trx, userId, { email: input.channels.email, webhook: input.channels.webhook }, opts.now);
    if (email !== undefined) await setEmail(trx, userId, email);
    await opts.audit(trx, { before, after: { email: input.channels.email, webhook: input.channels.webhook, address: email === undefined ? before.address : email } });
  });
}
