import type { Knex } from 'knex';
import { getTask, type TaskRow } from './tasks.ts';

/** A task with the people a reminder (催办) concerns: the instance's starter and their unit. */
export interface ReminderContext {
  task: TaskRow;
  startedBy: string;
  starterUnit: string | null;
}

/** Usage: `const c = await reminderContext(db, taskId)` — undefined for an unknown task. */
export async function reminderContext(db: Knex | Knex.Transaction, taskId: string): Promise<ReminderContext | undefined> {
  const task = await getTask(db as Knex, taskId);
  if (!task) return undefined;
  const row = await db('process_instances as i')
    .leftJoin('users as s', 's.id', 'i.started_by')
    .where('i.id', task.instanceId)
    .first('i.started_by', 's.unit_id as starter_unit');
  return { task, startedBy: row?.started_by, starterUnit: row?.starter_unit ?? null };
}

/** When `by` last reminded anyone of this task (ms), or null. */
export async function lastReminderBy(db: Knex | Knex.Transaction, taskId: string, by: string): Promise<number | null> {
  const r = await db('notifications')
    .where({ kind: 'task.remind', task_id: taskId })
    .where('dedupe_key', 'like', `remind:${taskId}:${by}:%`)
    .max({ at: 'created_at' })
    .first();
  return r?.at === null || r?.at === undefined ? null : Number(r.at);
}
