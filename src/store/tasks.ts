import type { Knex } from 'knex';
import { runStatementsIn, valuesPlaceholders, type Statement } from '../db/batch.ts';
import { containsPattern, matchCase } from './case-numbers.ts';
import { fromJson, toJson } from './json.ts';

export type TaskStatus = 'open' | 'completed' | 'cancelled';

export interface TaskRow {
  id: string;
  instanceId: string;
  executionId: string;
  elementId: string;
  name: string | null;
  processKey: string;
  definitionId: string;
  businessKey: string | null;
  formKey: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  status: TaskStatus;
  priority: number;
  createdAt: number;
  claimedAt: number | null;
  completedAt: number | null;
  completedBy: string | null;
  dueAt: number | null;
  yellowAt: number | null;
  followUpAt: number | null;
  variables: Record<string, unknown> | null;
  properties: Record<string, string>;
  /** A limit in working days (PnD, PnW): how many, so the due date can be counted again when the calendar changes. */
  limitDays?: number | null;
  /** 加签: the step's task this signer's task belongs to, and how (before | after | parallel). */
  signParentId?: string | null;
  signMode?: string | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const list = (v: string | null) => (v ? v.split(',') : []);

/** A task row as the database returns it, mapped (shared with the inbox query). */
export function taskFromRow(r: any): TaskRow {
  return {
    id: r.id,
    instanceId: r.instance_id,
    executionId: r.execution_id,
    elementId: r.element_id,
    name: r.name,
    processKey: r.process_key,
    definitionId: r.definition_id,
    businessKey: r.business_key,
    formKey: r.form_key,
    candidateGroups: list(r.candidate_groups),
    candidateUsers: list(r.candidate_users),
    assignee: r.assignee,
    status: r.status,
    priority: r.priority,
    createdAt: Number(r.created_at),
    claimedAt: num(r.claimed_at),
    completedAt: num(r.completed_at),
    completedBy: r.completed_by,
    dueAt: num(r.due_at),
    yellowAt: num(r.yellow_at),
    followUpAt: num(r.follow_up_at),
    variables: fromJson(r.variables, null),
    properties: fromJson(r.properties, {}),
    signParentId: r.sign_parent_id ?? null,
    signMode: r.sign_mode ?? null,
  };
}

const TASK_COLUMNS = [
  'id', 'instance_id', 'execution_id', 'element_id', 'name', 'process_key', 'definition_id', 'business_key', 'form_key',
  'candidate_groups', 'candidate_users', 'assignee', 'status', 'priority', 'created_at', 'claimed_at', 'due_at', 'yellow_at',
  'follow_up_at', 'properties', 'limit_days', 'sign_parent_id', 'sign_mode',
];

/** New tasks and their candidate rows: two statements whatever the count. */
export function insertTasksStmts(rows: TaskRow[]): Statement[] {
  if (!rows.length) return [];
  const out: Statement[] = [
    {
      sql: `INSERT INTO tasks (${TASK_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(rows.length, TASK_COLUMNS.length)}`,
      bindings: rows.flatMap((t) => [
        t.id, t.instanceId, t.executionId, t.elementId, t.name, t.processKey, t.definitionId, t.businessKey, t.formKey,
        t.candidateGroups.join(',') || null, t.candidateUsers.join(',') || null, t.assignee, t.status, t.priority,
        t.createdAt, t.claimedAt, t.dueAt, t.yellowAt, t.followUpAt, toJson(t.properties), t.limitDays ?? null,
        t.signParentId ?? null, t.signMode ?? null,
      ]),
    },
  ];
  const candidates = rows.flatMap((t) => [
    ...t.candidateGroups.map((name) => [t.id, 'group', name]),
    ...t.candidateUsers.map((name) => [t.id, 'user', name]),
  ]);
  if (candidates.length) {
    out.push({ sql: `INSERT INTO task_candidates (task_id, kind, name) VALUES ${valuesPlaceholders(candidates.length, 3)}`, bindings: candidates.flat() });
  }
  return out;
}

export async function insertTasks(db: Knex, rows: TaskRow[]): Promise<void> {
  await runStatementsIn(db, insertTasksStmts(rows));
}

/** Closes the open tasks at `executionIds` of an instance. */
export function closeTasksStmt(
  instanceId: string,
  executionIds: string[],
  close: {
    status: 'completed' | 'cancelled';
    at: number;
    by?: string | null;
    variables?: Record<string, unknown>;
    /** The handler's unit then and whom a substitute acted for (委托), kept with the opinion. */
    handler?: { unitId: string | null; onBehalfOf: string | null };
  },
): Statement {
  return {
    sql: `UPDATE tasks SET status = ?, completed_at = ?, completed_by = ?${close.variables ? ', variables = ?' : ''}${close.handler ? ', completed_unit_id = ?, on_behalf_of = ?' : ''}
           WHERE instance_id = ? AND execution_id IN (${executionIds.map(() => '?').join(', ')}) AND status = 'open'`,
    bindings: [
      close.status,
      close.at,
      close.by ?? null,
      ...(close.variables ? [toJson(close.variables)] : []),
      ...(close.handler ? [close.handler.unitId, close.handler.onBehalfOf] : []),
      instanceId,
      ...executionIds,
    ],
  };
}

export async function getTask(db: Knex, id: string): Promise<TaskRow | undefined> {
  const r = await db('tasks').where({ id }).first();
  return r && taskFromRow(r);
}

export async function openTasksOfInstance(db: Knex, instanceId: string): Promise<TaskRow[]> {
  return (await db('tasks').where({ instance_id: instanceId, status: 'open' }).orderBy('created_at')).map(taskFromRow);
}

export async function tasksOfInstance(db: Knex, instanceId: string): Promise<TaskRow[]> {
  return (await db('tasks').where({ instance_id: instanceId }).orderBy('created_at').orderBy('id')).map(taskFromRow);
}

/** The distinct user-task elements of an instance someone completed (where a case may be sent back). */
export async function completedElementsOf(db: Knex, instanceId: string): Promise<string[]> {
  const rows = await db('tasks').distinct('element_id').where({ instance_id: instanceId, status: 'completed' });
  return rows.map((r: any) => r.element_id as string);
}

/** Sets the assignee if it is still `expected` and the task is open; false if someone got there first. */
export async function setAssignee(db: Knex, id: string, expected: string | null, assignee: string | null, at: number): Promise<boolean> {
  const q = db('tasks').where({ id, status: 'open' });
  if (expected === null) q.whereNull('assignee');
  else q.where('assignee', expected);
  const n = await q.update({ assignee, claimed_at: assignee ? at : null });
  return n === 1;
}

/** Who completed the given elements' tasks in an instance (separation of duties). */
export async function completersOf(db: Knex, instanceId: string, elementIds: string[]): Promise<Array<{ elementId: string; by: string }>> {
  if (!elementIds.length) return [];
  const rows = await db('tasks')
    .select('element_id', 'completed_by')
    .where({ instance_id: instanceId, status: 'completed' })
    .whereIn('element_id', elementIds)
    .whereNotNull('completed_by');
  return rows.map((r: any) => ({ elementId: r.element_id, by: r.completed_by }));
}

export interface TaskFilter {
  status?: TaskStatus;
  /** Tasks assigned to this user. */
  assignee?: string;
  /** Unassigned tasks this user (with these groups) may claim. */
  claimableBy?: { user: string; groups: string[] };
  /** Tasks this user may see: assigned to them or claimable by them. */
  visibleTo?: { user: string; groups: string[] };
  processKey?: string;
  instanceId?: string;
  dueBefore?: number;
  overdueAt?: number;
  /** Text in the task's name or business key, or its case's number, subject or applicant's name. */
  q?: string;
  /** Tasks this user completed (已办). */
  completedBy?: string;
  sort?: 'due' | 'created' | '-due' | '-created' | 'completed' | '-completed';
  limit?: number;
  offset?: number;
}

/** Ids of the tasks naming this user or one of their groups as candidates. */
export function candidateIds(db: Knex, who: { user: string; groups: string[] }): Knex.QueryBuilder {
  return db('task_candidates')
    .select('task_id')
    .where((w) => {
      w.where({ kind: 'user', name: who.user });
      if (who.groups.length) w.orWhere((g) => g.where('kind', 'group').whereIn('name', who.groups));
    });
}

/**
 * Adds a task filter's conditions to a query on `tasks`. "May claim" is a parameter because the
 * inbox query writes it two ways (see inbox.ts); by default it is an `id IN (candidate ids)`.
 * Usage: `applyTaskFilter(db, db('tasks'), { processKey: 'item-change' })`.
 */
export function applyTaskFilter(
  db: Knex,
  q: Knex.QueryBuilder,
  f: TaskFilter,
  mayClaim: (b: Knex.QueryBuilder, who: { user: string; groups: string[] }) => Knex.QueryBuilder = (b, who) => b.whereIn('id', candidateIds(db, who)),
): Knex.QueryBuilder {
  if (f.status) q.where('status', f.status);
  if (f.assignee) q.where('assignee', f.assignee);
  if (f.claimableBy) mayClaim(q.whereNull('assignee'), f.claimableBy);
  if (f.visibleTo) {
    const v = f.visibleTo;
    q.where((w) => w.where('assignee', v.user).orWhere((c) => mayClaim(c.whereNull('assignee'), v)));
  }
  if (f.processKey) q.where('process_key', f.processKey);
  if (f.instanceId) q.where('instance_id', f.instanceId);
  if (f.dueBefore !== undefined) q.where('due_at', '<', f.dueBefore);
  if (f.overdueAt !== undefined) q.where('due_at', '<', f.overdueAt);
  if (f.completedBy) q.where('completed_by', f.completedBy);
  if (f.q) {
    const text = f.q;
    const like = containsPattern(text);
    q.where((w) =>
      w
        .whereRaw("name LIKE ? ESCAPE '\\'", [like])
        .orWhereRaw("business_key LIKE ? ESCAPE '\\'", [like])
        .orWhereIn('instance_id', db('process_instances').select('id').where((c) => matchCase(c, text))),
    );
  }
  return q;
}

/** The column a task sort orders by. */
export function sortColumn(sort: NonNullable<TaskFilter['sort']>): 'due_at' | 'created_at' | 'completed_at' {
  const key = sort.replace('-', '');
  return key === 'due' ? 'due_at' : key === 'completed' ? 'completed_at' : 'created_at';
}

/**
 * The plain form of the task list: the reference the inbox query (inbox.ts, what the engine and API
 * use) is tested against.
 */
export async function listTasks(db: Knex, f: TaskFilter): Promise<{ rows: TaskRow[]; total: number }> {
  const [{ n }] = await applyTaskFilter(db, db('tasks'), f).count({ n: '*' });
  const q = applyTaskFilter(db, db('tasks').select('*'), f);
  const sort = f.sort ?? 'created';
  const desc = sort.startsWith('-');
  const col = sortColumn(sort);
  // Tasks without a due date sort last either way.
  if (col === 'due_at') q.orderByRaw(`CASE WHEN due_at IS NULL THEN 1 ELSE 0 END`);
  q.orderBy(col, desc ? 'desc' : 'asc').orderBy('id');
  const rows = await q.limit(f.limit ?? 50).offset(f.offset ?? 0);
  return { rows: rows.map(taskFromRow), total: Number(n) };
}
