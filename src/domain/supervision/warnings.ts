import { randomUUID } from 'node:crypto';
import { caseRef } from '../cases.ts';
import type { Knex } from 'knex';
import { beijingDate } from '../../lib/workdays.ts';
import { insertNotifications, type NotificationRow } from '../../store/notifications.ts';
import { activeMembers, advanceWarnedLevel, unitPeople, workersOf, type WarnedTask } from '../../store/warnings.ts';

/**
 * Warnings (预警): when an open task turns yellow (80 % of its working-day limit used), its
 * assignee — or, unclaimed, its candidates — and the unit's contact person are notified; when it
 * turns red (past due), the unit's head and the supervision office too. Each level change is
 * announced once: the task's warned level moves in the same transaction as the notifications are
 * written, and notifications carry a unique dedupe key.
 * Usage: `await scanWarnings(db, clock.now())` — every node may run it on a timer.
 */
export async function scanWarnings(db: Knex, now: number): Promise<{ yellow: number; red: number }> {
  return db.transaction(async (trx) => {
    // Red first: a task that jumped past yellow straight to red is announced once, as red.
    const red = await advanceWarnedLevel(trx, 'red', now);
    const yellow = await advanceWarnedLevel(trx, 'yellow', now);
    const notes: NotificationRow[] = [];
    const supervision = red.length ? await activeMembers(trx, ['supervision']) : [];
    for (const task of yellow) notes.push(...(await notify(trx, task, 'yellow', [], now)));
    for (const task of red) notes.push(...(await notify(trx, task, 'red', supervision, now)));
    await insertNotifications(trx, notes);
    return { yellow: yellow.length, red: red.length };
  });
}

async function notify(trx: Knex, task: WarnedTask, level: 'yellow' | 'red', supervision: string[], now: number): Promise<NotificationRow[]> {
  const unit = await unitPeople(trx, task.starterUnit);
  const recipients = new Set(await workersOf(trx, task));
  if (unit.contact) recipients.add(unit.contact);
  if (level === 'red') {
    if (unit.head) recipients.add(unit.head);
    for (const s of supervision) recipients.add(s);
  }
  const what = `${task.name ?? '任务'}${caseRef(task)}`;
  const title = level === 'yellow' ? `黄色预警：${what}即将到期` : `红色预警：${what}已超期`;
  const body = `${task.subject ? `事项：${task.subject}。` : ''}办理期限：${beijingDate(task.dueAt - 1)}。${task.assignee ? `办理人：${task.assignee}。` : '尚未认领。'}`;
  return [...recipients].map((userId) => ({
    id: randomUUID(),
    userId,
    kind: `task.${level}`,
    level,
    title,
    body,
    taskId: task.id,
    instanceId: task.instanceId,
    dedupeKey: `task:${task.id}:${level}:${userId}`,
    createdAt: now,
    readAt: null,
  }));
}
