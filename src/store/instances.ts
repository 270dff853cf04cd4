import type { Knex } from 'knex';
import { runStatementsIn, valuesPlaceholders, type Statement } from '../db/batch.ts';
import { fromJson, toJson } from './json.ts';

export type InstanceStatus = 'running' | 'completed' | 'cancelled';

export interface InstanceRow {
  id: string;
  definitionId: string;
  processKey: string;
  businessKey: string | null;
  startEventId: string;
  status: InstanceStatus;
  version: number;
  variables: Record<string, unknown>;
  startedBy: string;
  startedAt: number;
  endedAt: number | null;
  endedBy: string | null;
  endReason: string | null;
  /** 流水号, subject line and the applicant's name, set in the start's transaction (case-numbers.ts). */
  caseNumber?: string | null;
  subject?: string | null;
  startedByName?: string | null;
  /** Set on a child started by a call activity: its parent, the call's execution, the tree's root. */
  parentInstanceId?: string | null;
  parentExecutionId?: string | null;
  rootInstanceId?: string | null;
}

const COLUMNS = [
  'id', 'definition_id', 'process_key', 'business_key', 'start_event_id', 'status', 'version', 'variables',
  'started_by', 'started_at', 'ended_at', 'ended_by', 'end_reason', 'case_number', 'subject', 'started_by_name', 'parent_instance_id', 'parent_execution_id', 'root_instance_id',
];

function toRow(r: any): InstanceRow {
  return {
    id: r.id,
    definitionId: r.definition_id,
    processKey: r.process_key,
    businessKey: r.business_key,
    startEventId: r.start_event_id,
    status: r.status,
    version: r.version,
    variables: fromJson(r.variables, {}),
    startedBy: r.started_by,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    endedBy: r.ended_by,
    endReason: r.end_reason,
    caseNumber: r.case_number ?? null,
    subject: r.subject ?? null,
    startedByName: r.started_by_name ?? null,
    parentInstanceId: r.parent_instance_id ?? null,
    parentExecutionId: r.parent_execution_id ?? null,
    rootInstanceId: r.root_instance_id ?? null,
  };
}

const INSERT_COLUMNS = [
  'id', 'definition_id', 'process_key', 'business_key', 'start_event_id', 'status', 'state', 'version', 'variables',
  'started_by', 'started_at', 'ended_at', 'ended_by', 'end_reason', 'case_number', 'subject', 'started_by_name', 'parent_instance_id', 'parent_execution_id', 'root_instance_id',
];

export function insertInstanceStmt(row: InstanceRow, state: string | null): Statement {
  return {
    sql: `INSERT INTO process_instances (${INSERT_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(1, INSERT_COLUMNS.length)}`,
    bindings: [
      row.id, row.definitionId, row.processKey, row.businessKey, row.startEventId, row.status, state, row.version,
      toJson(row.variables), row.startedBy, row.startedAt, row.endedAt, row.endedBy, row.endReason,
      row.caseNumber ?? null, row.subject ?? null, row.startedByName ?? null,
      row.parentInstanceId ?? null, row.parentExecutionId ?? null, row.rootInstanceId ?? null,
    ],
  };
}

export async function insertInstance(db: Knex, row: InstanceRow, state: string | null): Promise<void> {
  await runStatementsIn(db, [insertInstanceStmt(row, state)]);
}

export async function getInstance(db: Knex, id: string): Promise<InstanceRow | undefined> {
  const r = await db('process_instances').select(COLUMNS).where({ id }).first();
  return r && toRow(r);
}

export async function getInstanceState(db: Knex, id: string, version: number): Promise<string | null | undefined> {
  const r = await db('process_instances').select('state').where({ id, version }).first();
  return r ? r.state : undefined;
}

/** The instance's stored version (undefined: no such instance); cheap check of a cached copy. */
export async function getInstanceVersion(db: Knex, id: string): Promise<number | undefined> {
  const r = await db('process_instances').select('version').where({ id }).first();
  return r ? Number(r.version) : undefined;
}

export interface InstancePatch {
  status: InstanceStatus;
  state: string | null;
  variables: Record<string, unknown>;
  endedAt?: number | null;
  endedBy?: string | null;
  endReason?: string | null;
}

/**
 * A step's new instance state, written only if nobody else wrote one since `expectedVersion`
 * (the step fails with StaleWriteError otherwise and is retried from fresh state).
 */
export function updateInstanceStmt(id: string, expectedVersion: number, patch: InstancePatch): Statement {
  const sets = ['status = ?', 'state = ?', 'variables = ?', 'version = ?'];
  const bindings: unknown[] = [patch.status, patch.state, toJson(patch.variables), expectedVersion + 1];
  if (patch.endedAt !== undefined) {
    sets.push('ended_at = ?', 'ended_by = ?', 'end_reason = ?');
    bindings.push(patch.endedAt, patch.endedBy ?? null, patch.endReason ?? null);
  }
  return {
    sql: `UPDATE process_instances SET ${sets.join(', ')} WHERE id = ? AND version = ?`,
    bindings: [...bindings, id, expectedVersion],
    expectOne: true,
  };
}

export interface InstanceFilter {
  processKey?: string;
  status?: InstanceStatus;
  startedBy?: string;
  businessKey?: string;
  /** Children started by this instance's call activities. */
  parentInstanceId?: string;
  ids?: string[];
  startedAfter?: number;
  startedBefore?: number;
  limit?: number;
  offset?: number;
}

function applyFilter(q: Knex.QueryBuilder, f: InstanceFilter): Knex.QueryBuilder {
  if (f.processKey) q.where('process_key', f.processKey);
  if (f.status) q.where('status', f.status);
  if (f.startedBy) q.where('started_by', f.startedBy);
  if (f.businessKey) q.where('business_key', f.businessKey);
  if (f.parentInstanceId) q.where('parent_instance_id', f.parentInstanceId);
  if (f.ids) q.whereIn('id', f.ids);
  if (f.startedAfter !== undefined) q.where('started_at', '>=', f.startedAfter);
  if (f.startedBefore !== undefined) q.where('started_at', '<', f.startedBefore);
  return q;
}

export async function listInstances(db: Knex, f: InstanceFilter): Promise<{ rows: InstanceRow[]; total: number }> {
  const [{ n }] = await applyFilter(db('process_instances'), f).count({ n: '*' });
  const rows = await applyFilter(db('process_instances').select(COLUMNS), f)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0);
  return { rows: rows.map(toRow), total: Number(n) };
}

/** Whether an instance of `processKey` already carries this business key (any status). */
export async function businessKeyTaken(db: Knex, processKey: string, businessKey: string): Promise<boolean> {
  return Boolean(await db('process_instances').where({ process_key: processKey, business_key: businessKey }).first('id'));
}
