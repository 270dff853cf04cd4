import type { Knex } from 'knex';
import { matchCase } from './case-numbers.ts';
import type { InstanceStatus } from './instances.ts';

/**
 * Which process instances a person may look at: those they started, those with a task they are or
 * were assignee or completer of, and those with an open unclaimed task they are a candidate of.
 * (Supervision sees all: no `viewer`.)
 */
export interface Viewer {
  user: string;
  groups: string[];
}

export interface InstanceListFilter {
  viewer?: Viewer;
  processKey?: string;
  status?: InstanceStatus;
  startedBy?: string;
  businessKey?: string;
  /** Instances with an open task past its due time at this moment. */
  overdueAt?: number;
  /** Instances started by people of this unit. */
  unitId?: string;
  startedFrom?: number;
  startedTo?: number;
  /** Text in the case number, subject or applicant's name. */
  q?: string;
  limit: number;
  offset: number;
}

export interface InstanceListRow {
  id: string;
  definitionId: string;
  processKey: string;
  businessKey: string | null;
  status: InstanceStatus;
  startedBy: string;
  startedAt: number;
  endedAt: number | null;
  endedBy: string | null;
  endReason: string | null;
  caseNumber: string | null;
  subject: string | null;
  startedByName: string | null;
}

/** Open, unclaimed tasks naming the viewer or one of their groups as candidate: those they may still take. */
function openTaskIdsOfCandidate(db: Knex, v: Viewer): Knex.QueryBuilder {
  return db('task_candidates')
    .join('tasks as ct', 'ct.id', 'task_candidates.task_id')
    .select('task_candidates.task_id')
    .where('ct.status', 'open')
    .whereNull('ct.assignee')
    .where((w) => {
      w.where({ 'task_candidates.kind': 'user', 'task_candidates.name': v.user });
      if (v.groups.length) w.orWhere((g) => g.where('task_candidates.kind', 'group').whereIn('task_candidates.name', v.groups));
    });
}

/**
 * Instances the viewer acted on (assignee or completer of a task) or may act on now (candidate of
 * an open, unclaimed task). Having once been a candidate is not enough: a whole group must not keep
 * reading a case after one of them took it (issue 10, finding 8).
 */
function participatedIn(db: Knex, v: Viewer): Knex.QueryBuilder {
  return db('tasks')
    .select('instance_id')
    .where((w) => w.where('assignee', v.user).orWhere('completed_by', v.user).orWhereIn('id', openTaskIdsOfCandidate(db, v)));
}

function applyFilter(db: Knex, q: Knex.QueryBuilder, f: InstanceListFilter): Knex.QueryBuilder {
  if (f.viewer) {
    const v = f.viewer;
    q.where((w) => w.where('started_by', v.user).orWhereIn('id', participatedIn(db, v)));
  }
  if (f.processKey) q.where('process_key', f.processKey);
  if (f.status) q.where('status', f.status);
  if (f.startedBy) q.where('started_by', f.startedBy);
  if (f.businessKey) q.where('business_key', f.businessKey);
  if (f.unitId) q.whereIn('started_by', db('users').select('id').where('unit_id', f.unitId));
  if (f.startedFrom !== undefined) q.where('started_at', '>=', f.startedFrom);
  if (f.startedTo !== undefined) q.where('started_at', '<', f.startedTo);
  if (f.q) q.where((w) => matchCase(w, f.q!));
  if (f.overdueAt !== undefined) {
    q.whereIn('id', db('tasks').select('instance_id').where('status', 'open').where('due_at', '<', f.overdueAt));
  }
  return q;
}

const COLUMNS = [
  'id', 'definition_id', 'process_key', 'business_key', 'status', 'started_by', 'started_at', 'ended_at', 'ended_by', 'end_reason',
  'case_number', 'subject', 'started_by_name',
];

/** A page of instances (newest first) with the total, without their variables. */
export async function listVisibleInstances(db: Knex, f: InstanceListFilter): Promise<{ rows: InstanceListRow[]; total: number }> {
  const [{ n }] = await applyFilter(db, db('process_instances'), f).count({ n: '*' });
  const rows = await applyFilter(db, db('process_instances').select(COLUMNS), f)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(f.limit)
    .offset(f.offset);
  return {
    rows: rows.map((r: any) => ({
      id: r.id,
      definitionId: r.definition_id,
      processKey: r.process_key,
      businessKey: r.business_key,
      status: r.status,
      startedBy: r.started_by,
      startedAt: Number(r.started_at),
      endedAt: r.ended_at === null ? null : Number(r.ended_at),
      endedBy: r.ended_by,
      endReason: r.end_reason,
      caseNumber: r.case_number,
      subject: r.subject,
      startedByName: r.started_by_name,
    })),
    total: Number(n),
  };
}

/** Whether the viewer took part in the instance (assignee or completer of a task) or is a candidate of an open unclaimed task. */
export async function tookPart(db: Knex, instanceId: string, v: Viewer): Promise<boolean> {
  const row = await participatedIn(db, v).where('instance_id', instanceId).first();
  return Boolean(row);
}

/** The open tasks of some instances (what they wait for), in one query. */
export async function openTasksOf(db: Knex, instanceIds: string[]): Promise<Map<string, Array<{ id: string; elementId: string; name: string | null; assignee: string | null; dueAt: number | null }>>> {
  const out = new Map<string, Array<{ id: string; elementId: string; name: string | null; assignee: string | null; dueAt: number | null }>>();
  if (!instanceIds.length) return out;
  const rows = await db('tasks').whereIn('instance_id', instanceIds).where('status', 'open').orderBy('created_at').select('id', 'instance_id', 'element_id', 'name', 'assignee', 'due_at');
  for (const r of rows as any[]) {
    const list = out.get(r.instance_id) ?? [];
    list.push({ id: r.id, elementId: r.element_id, name: r.name, assignee: r.assignee, dueAt: r.due_at === null ? null : Number(r.due_at) });
    out.set(r.instance_id, list);
  }
  return out;
}

/**
 * Whether the viewer must act on the instance now: assignee of one of its open tasks, or named
 * personally (the one candidate user, not a group nor one of a pool of named officers such as
 * `certifiedOfficersIn(unit)`) on an open unclaimed task. They read personal data in full; a pool
 * reads it masked until one of them claims the task.
 */
export async function mustActOn(db: Knex, instanceId: string, user: string): Promise<boolean> {
  const row = await db('tasks')
    .select('id')
    .where({ instance_id: instanceId, status: 'open' })
    .where((w) =>
      w
        .where('assignee', user)
        .orWhere((c) =>
          c
            .whereNull('assignee')
            .whereIn('id', db('task_candidates').select('task_id').where({ kind: 'user', name: user }))
            .whereNotIn('id', db('task_candidates').select('task_id').where({ kind: 'user' }).whereNot('name', user)),
        ),
    )
    .first();
  return Boolean(row);
}
