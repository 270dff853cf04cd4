import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { StepResult } from '../engine/steps.ts';
import { caseInfoOf, type CaseInfo } from '../store/case-numbers.ts';
import type { InstanceRow } from '../store/instances.ts';
import { insertNotifications, type NotificationRow } from '../store/notifications.ts';
import { workersOf } from '../store/warnings.ts';
import { caseRef } from './cases.ts';
import { queueDeliveries, type DeliveryRunners } from './notification-delivery.ts';
import { standIns } from './substitutes.ts';

/**
 * Notifications people get about their cases (issue 13, item 9), written in the step's
 * transaction: the applicant on every decision, return, withdrawal and on completion; whoever may
 * do a new task (its assignee, or its candidates); each names the case number and subject.
 */

/** What happened in a step, as the applicant is told it. */
export interface CaseEvent {
  /** notification kind, e.g. `case.decision`, `case.returned`. */
  kind: string;
  /** Who acted (not told about their own act). */
  actor: string;
  /** The task the event concerns, if any. */
  taskId?: string | null;
  /** One line for the applicant, e.g. `分管局领导审批：同意`; none: only new tasks are told. */
  headline?: string;
  /** More words (a comment). */
  text?: string | null;
  /** Also tell these users (e.g. the handler a case was returned to). */
  also?: string[];
}

/**
 * The notifications of one step: the event to the applicant (and `also`), 办结 when the case
 * ended, and 新待办 to those who may do each new task. Duplicates (same key) are skipped. With
 * `delivery` (the engine), each is also queued for the e-mail/webhook channels its addressee wants.
 * Usage: `await noticeStep(trx, result, { kind: 'case.decision', actor: 'leader', headline: '分管局领导审批：同意' }, now, engine)`.
 */
export async function noticeStep(trx: Knex.Transaction, result: StepResult, event: CaseEvent, now: number, delivery?: DeliveryRunners): Promise<NotificationRow[]> {
  const info = await labelOf(trx, result.instance);
  const ref = caseRef({ caseNumber: info?.caseNumber, businessKey: result.instance.businessKey });
  const subject = info?.subject ? `“${info.subject}”` : '';
  const rows: NotificationRow[] = [];
  const add = (userId: string, kind: string, title: string, body: string | null, taskId: string | null, level: NotificationRow['level'] = 'info') => {
    if (userId === event.actor) return;
    rows.push({ id: randomUUID(), userId, kind, level, title, body, taskId, instanceId: result.instance.id, dedupeKey: `${kind}:${result.instance.id}:${taskId ?? '-'}:${userId}:${now}`, createdAt: now, readAt: null });
  };
  const applicant = info?.startedBy ?? result.instance.startedBy;
  const body = `${subject}${event.text ? `：${event.text}` : ''}`.replace(/^：/, '') || null;
  if (event.headline) for (const u of new Set([applicant, ...(event.also ?? [])])) add(u, event.kind, `${event.headline}${ref}`, body, event.taskId ?? null, event.kind === 'case.returned' ? 'yellow' : 'info');
  if (result.instance.status === 'completed') add(applicant, 'case.completed', `已办结${ref}`, subject ? `您的申请${subject}已办结。` : '您的申请已办结。', null);
  for (const t of result.tasks) {
    for (const u of await workersOf(trx, t)) {
      add(u, 'task.new', `新待办：${t.name ?? '任务'}${ref}`, `${subject}${info?.startedByName ? `，申请人 ${info.startedByName}` : ''}`.replace(/^，/, '') || null, t.id);
    }
  }
  // 委托: whoever stands in for someone told of a new task is told too ("代 X").
  const told = rows.filter((r) => r.kind === 'task.new');
  for (const sub of await standIns(trx, told.map((r) => r.userId), now)) {
    for (const r of told.filter((x) => x.userId === sub.userId && x.userId !== sub.substituteId)) {
      add(sub.substituteId, 'task.new', `${r.title}（代 ${sub.userName ?? sub.userId}）`, r.body, r.taskId);
    }
  }
  await insertNotifications(trx, rows);
  if (delivery) await queueDeliveries(trx, rows, now, delivery);
  return rows;
}

/** The case's number, subject and applicant: on the step's row when it carries them (they never change after the start), else read. */
async function labelOf(trx: Knex.Transaction, instance: InstanceRow): Promise<CaseInfo | undefined> {
  if (instance.caseNumber === undefined) return (await caseInfoOf(trx, [instance.id])).get(instance.id);
  return { instanceId: instance.id, caseNumber: instance.caseNumber, subject: instance.subject ?? null, startedBy: instance.startedBy, startedByName: instance.startedByName ?? null, status: instance.status };
}
