import type { Knex } from 'knex';

export interface WarnedTask {
  id: string;
  instanceId: string;
  name: string | null;
  processKey: string;
  businessKey: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueAt: number;
  startedBy: string;
  starterUnit: string | null;
  caseNumber: string | null;
  subject: string | null;
}

/**
 * Moves open tasks that reached `level` at `now` to that warned level and returns them. The
 * conditional UPDATE is the once-only guard: a task already moved (by this or another node, before
 * or after a restart) is not returned again.
 */
export async function advanceWarnedLevel(db: Knex, level: 'yellow' | 'red', now: number): Promise<WarnedTask[]> {
  const where =
    level === 'yellow'
      ? `status = 'open' AND warned_level IS NULL AND yellow_at IS NOT NULL AND yellow_at <= ? AND due_at > ?`
      : `status = 'open' AND (warned_level IS NULL OR warned_level = 'yellow') AND due_at IS NOT NULL AND due_at <= ?`;
  const bindings = level === 'yellow' ? [level, now, now] : [level, now];
  const res = await db.raw(`UPDATE tasks SET warned_level = ? WHERE ${where} RETURNING id`, bindings);
  const ids: string[] = (Array.isArray(res) ? res : res.rows).map((r: { id: string }) => r.id);
  if (!ids.length) return [];
  const rows = await db('tasks as t')
    .join('process_instances as i', 'i.id', 't.instance_id')
    .leftJoin('users as u', 'u.id', 'i.started_by')
    .whereIn('t.id', ids)
    .select(
      't.id', 't.instance_id', 't.name', 't.process_key', 't.business_key', 't.assignee', 't.candidate_groups',
      't.candidate_users', 't.due_at', 'i.started_by', 'u.unit_id', 'i.case_number', 'i.subject',
    );
  return rows.map((r: any) => ({
    id: r.id,
    instanceId: r.instance_id,
    name: r.name,
    processKey: r.process_key,
    businessKey: r.business_key,
    assignee: r.assignee,
    candidateGroups: r.candidate_groups ? r.candidate_groups.split(',') : [],
    candidateUsers: r.candidate_users ? r.candidate_users.split(',') : [],
    dueAt: Number(r.due_at),
    startedBy: r.started_by,
    starterUnit: r.unit_id,
    caseNumber: r.case_number ?? null,
    subject: r.subject ?? null,
  }));
}

/** Active members of the given groups. */
export async function activeMembers(db: Knex, groups: string[]): Promise<string[]> {
  if (!groups.length) return [];
  const rows = await db('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .whereIn('m.group_id', groups)
    .where('u.status', 'active')
    .distinct('m.user_id');
  return rows.map((r: { user_id: string }) => r.user_id).sort();
}

/**
 * Who must act on a task: its assignee, or, unclaimed, its candidate users and the active members
 * of its candidate groups (sorted, each once). Warnings and reminders go to them.
 */
export async function workersOf(db: Knex, task: { assignee: string | null; candidateUsers: string[]; candidateGroups: string[] }): Promise<string[]> {
  if (task.assignee) return [task.assignee];
  return [...new Set([...task.candidateUsers, ...(await activeMembers(db, task.candidateGroups))])].sort();
}

/** Head and contact person of a unit. */
export async function unitPeople(db: Knex, unitId: string | null): Promise<{ head: string | null; contact: string | null }> {
  if (!unitId) return { head: null, contact: null };
  const r = await db('units').where({ id: unitId }).first();
  return { head: r?.head_user_id ?? null, contact: r?.contact_user_id ?? null };
}
