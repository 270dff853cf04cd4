import type { Knex } from 'knex';

export interface HandledTaskRow {
  completedBy: string;
  unitId: string | null;
  createdAt: number;
  completedAt: number;
  dueAt: number | null;
  yellowAt: number | null;
}

/** Tasks completed by people in [from, to), with the completer's unit. */
export async function handledTasks(db: Knex, from: number, to: number): Promise<HandledTaskRow[]> {
  const rows = await db('tasks as t')
    .leftJoin('users as u', 'u.id', 't.completed_by')
    .where('t.status', 'completed')
    .whereNotNull('t.completed_by')
    .where('t.completed_at', '>=', from)
    .where('t.completed_at', '<', to)
    .select('t.completed_by', 'u.unit_id', 't.created_at', 't.completed_at', 't.due_at', 't.yellow_at');
  return rows.map((r: any) => ({
    completedBy: r.completed_by,
    unitId: r.unit_id,
    createdAt: Number(r.created_at),
    completedAt: Number(r.completed_at),
    dueAt: r.due_at === null ? null : Number(r.due_at),
    yellowAt: r.yellow_at === null ? null : Number(r.yellow_at),
  }));
}

/** Open tasks past due at `at`, by assignee (unassigned ones count for nobody). */
export async function overdueOpenByAssignee(db: Knex, at: number): Promise<Map<string, number>> {
  const rows = await db('tasks').where('status', 'open').whereNotNull('assignee').where('due_at', '<', at).groupBy('assignee').select('assignee').count({ n: '*' });
  return new Map(rows.map((r: any) => [r.assignee as string, Number(r.n)]));
}

/** Accountability cases opened against each person in [from, to). */
export async function accountabilityCountsByPerson(db: Knex, from: number, to: number): Promise<Map<string, number>> {
  const rows = await db('accountability_cases').whereNotNull('user_id').where('opened_at', '>=', from).where('opened_at', '<', to).groupBy('user_id').select('user_id').count({ n: '*' });
  return new Map(rows.map((r: any) => [r.user_id as string, Number(r.n)]));
}

/**
 * Reminders (催办) in [from, to) about tasks a person held: a reminder of a claimed task has one
 * recipient, its assignee; reminders of unclaimed tasks go to every candidate and count for nobody.
 */
export async function remindersByPerson(db: Knex, from: number, to: number): Promise<Map<string, number>> {
  // The type as a literal, so that the planner can use the partial index on reminders.
  const rows = await db('history').whereRaw("type = 'task.reminded'").where('at', '>=', from).where('at', '<', to).select('data');
  const out = new Map<string, number>();
  for (const r of rows) {
    const data = typeof r.data === 'string' ? JSON.parse(r.data) : r.data;
    const recipients: unknown = data?.recipients;
    if (Array.isArray(recipients) && recipients.length === 1 && typeof recipients[0] === 'string') out.set(recipients[0], (out.get(recipients[0]) ?? 0) + 1);
  }
  return out;
}
