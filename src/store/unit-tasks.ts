import type { Knex } from 'knex';
import { taskFromRow, type TaskRow } from './tasks.ts';
import { workersOf } from './warnings.ts';

/** Active users of a unit (a sub-query). */
function unitUsers(db: Knex, unitId: string): Knex.QueryBuilder {
  return db('users').select('id').where({ unit_id: unitId, status: 'active' });
}

/**
 * The open tasks that wait on people of a unit: assigned to one of them, or unclaimed and naming
 * one of them — or a group one of them belongs to — as candidates. Most urgent first.
 * Usage: `const { rows, total } = await openTasksOfUnit(db, 'inspection-brigade', { limit: 50 })`.
 */
export async function openTasksOfUnit(db: Knex, unitId: string, page: { limit?: number; offset?: number } = {}): Promise<{ rows: TaskRow[]; total: number }> {
  const groupsOfUnit = db('memberships as m').join('users as u', 'u.id', 'm.user_id').where({ 'u.unit_id': unitId, 'u.status': 'active' }).select('m.group_id');
  const base = () =>
    db('tasks')
      .where('status', 'open')
      .where((w) =>
        w.whereIn('assignee', unitUsers(db, unitId)).orWhere((u) =>
          u.whereNull('assignee').whereIn(
            'id',
            db('task_candidates')
              .select('task_id')
              .where((c) => c.where('kind', 'user').whereIn('name', unitUsers(db, unitId)))
              .orWhere((c) => c.where('kind', 'group').whereIn('name', groupsOfUnit)),
          ),
        ),
      );
  const [{ n }] = await base().count({ n: '*' });
  const rows = await base()
    .select('*')
    .orderByRaw('CASE WHEN due_at IS NULL THEN 1 ELSE 0 END')
    .orderBy('due_at')
    .orderBy('created_at')
    .limit(page.limit ?? 50)
    .offset(page.offset ?? 0);
  return { rows: rows.map(taskFromRow), total: Number(n) };
}

/** The units whose people must act on a task: the assignee's, or, unclaimed, its candidates'. */
export async function unitsOfWorkers(db: Knex, task: TaskRow): Promise<string[]> {
  const ids = await workersOf(db, task);
  const rows = await db('users').distinct('unit_id').whereIn('id', ids).whereNotNull('unit_id').where('status', 'active');
  return rows.map((r: { unit_id: string }) => r.unit_id).sort();
}
