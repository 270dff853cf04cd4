import { randomUUID } from 'node:crypto';
import { caseInfoOf } from '../../store/case-numbers.ts';
import { caseRef } from '../cases.ts';
import type { Knex } from 'knex';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { appendHistory } from '../../store/history.ts';
import { countNotifications, insertNotifications } from '../../store/notifications.ts';
import { lastReminderBy, reminderContext, type ReminderContext } from '../../store/reminders.ts';
import { unitsOfWorkers } from '../../store/unit-tasks.ts';
import { unitPeople, workersOf } from '../../store/warnings.ts';
import type { Person } from '../org.ts';

/**
 * 催办 (Art. 5: contact persons remind colleagues of pending work; the supervision office
 * supervises): a reminder about an open task goes to whoever must act on it — its assignee, or,
 * unclaimed, its candidates — as a notification, and is kept in the instance's history.
 *
 * Who may remind: the supervision office; the instance's starter; the head and the contact person
 * of the starter's unit and of the units whose people must act (the assignee's, or, unclaimed, the
 * candidates'). One reminder per person and task per hour.
 */
export const REMIND_INTERVAL_MS = 60 * 60 * 1000;

export interface Reminder {
  taskId: string;
  instanceId: string;
  recipients: string[];
  at: number;
}

/** Usage: `await remindTask(db, taskId, { by: person, message: '请尽快办理', now: clock.now() })`. */
export async function remindTask(
  db: Knex,
  taskId: string,
  opts: { by: Person; message?: string; now: number; hook?: (trx: Knex.Transaction, r: Reminder) => Promise<void> },
): Promise<Reminder> {
  const message = (opts.message ?? '').trim();
  if (message.length > 200) throw new ValidationError([{ field: 'message', message: '催办留言不能超过 200 个字' }]);
  const c = await reminderContext(db, taskId);
  if (!c) throw new NotFoundError(`任务 ${taskId} 不存在`, 'TASK_NOT_FOUND');
  if (!(await mayRemind(db, c, opts.by))) throw new ForbiddenError('只有监察室、申请人或相关单位的负责人、联络员可以催办', 'NOT_ALLOWED_TO_REMIND');
  if (c.task.status !== 'open') throw new ConflictError('任务已办结或已取消，无需催办', 'TASK_NOT_OPEN');
  const last = await lastReminderBy(db, taskId, opts.by.id);
  if (last !== null && opts.now - last < REMIND_INTERVAL_MS) {
    throw new ConflictError(`您已于 ${Math.max(1, Math.round((opts.now - last) / 60000))} 分钟前催办过，一小时内不能重复催办`, 'REMIND_TOO_SOON');
  }
  const task = c.task;
  const recipients = (await workersOf(db, task)).filter((u) => u !== opts.by.id);
  if (!recipients.length) throw new ConflictError('该任务没有可以催办的办理人', 'NO_ONE_TO_REMIND');
  const label = (await caseInfoOf(db, [task.instanceId])).get(task.instanceId);
  const what = `${task.name ?? '任务'}${caseRef({ caseNumber: label?.caseNumber, businessKey: task.businessKey })}`;
  // The hour bucket makes two simultaneous requests one reminder, whichever node takes them.
  const bucket = Math.floor(opts.now / REMIND_INTERVAL_MS);
  const reminder: Reminder = { taskId, instanceId: task.instanceId, recipients, at: opts.now };
  const ids = recipients.map(() => randomUUID());
  await db.transaction(async (trx) => {
    await insertNotifications(
      trx,
      recipients.map((userId, i) => ({
        id: ids[i],
        userId,
        kind: 'task.remind',
        level: 'info' as const,
        title: `催办：${what}`,
        body: `${opts.by.displayName}催办此任务${message ? `：${message}` : '，请尽快办理'}。`,
        taskId,
        instanceId: task.instanceId,
        dedupeKey: `remind:${taskId}:${opts.by.id}:${bucket}:${userId}`,
        createdAt: opts.now,
        readAt: null,
      })),
    );
    // A simultaneous request of the same person (another node) got there first: its dedupe keys won.
    if (!(await countNotifications(trx, ids))) throw new ConflictError('您刚刚已催办过，一小时内不能重复催办', 'REMIND_TOO_SOON');
    await appendHistory(trx, [
      {
        instanceId: task.instanceId,
        type: 'task.reminded',
        elementId: task.elementId,
        elementName: task.name,
        executionId: task.executionId,
        taskId,
        actor: opts.by.id,
        at: opts.now,
        data: { comment: message || null, recipients },
      },
    ]);
    await opts.hook?.(trx, reminder);
  });
  return reminder;
}

/** Whether this person may remind people of this task (see remindTask). */
export async function mayRemind(db: Knex | Knex.Transaction, c: ReminderContext, person: Person): Promise<boolean> {
  if (person.groups.includes('supervision') || person.id === c.startedBy) return true;
  for (const unit of new Set([c.starterUnit, ...(await unitsOfWorkers(db, c.task))])) {
    const p = await unitPeople(db as Knex, unit);
    if (person.id === p.head || person.id === p.contact) return true;
  }
  return false;
}
