import type { Knex } from 'knex';
import { skipLocked } from '../db/knex.ts';
import { runStatementsIn, valuesPlaceholders, type Statement } from '../db/batch.ts';
import { fromJson, toJson } from './json.ts';

export type JobType =
  | 'timer' | 'service' | 'timer-start' | 'message' | 'cancel' | 'call' | 'call-return' | 'signal' | 'signal-deliver' | 'signal-start'
  // Deliveries of a notification through a channel (run by a registered JobRunner, engine/jobs.ts).
  | 'notify-email' | 'notify-webhook';

export interface JobRow {
  id: string;
  type: JobType;
  instanceId: string | null;
  definitionId: string | null;
  executionId: string | null;
  elementId: string;
  dueAt: number | null;
  lockedBy: string | null;
  lockedUntil: number | null;
  attempts: number;
  retries: number;
  retryCycle: string | null;
  lastError: string | null;
  payload: Record<string, unknown> | null;
  createdAt: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toRow(r: any): JobRow {
  return {
    id: r.id,
    type: r.type,
    instanceId: r.instance_id,
    definitionId: r.definition_id,
    executionId: r.execution_id,
    elementId: r.element_id,
    dueAt: num(r.due_at),
    lockedBy: r.locked_by,
    lockedUntil: num(r.locked_until),
    attempts: r.attempts,
    retries: r.retries,
    retryCycle: r.retry_cycle,
    lastError: r.last_error,
    payload: fromJson(r.payload, null),
    createdAt: Number(r.created_at),
  };
}

const JOB_COLUMNS = [
  'id', 'type', 'instance_id', 'definition_id', 'execution_id', 'element_id', 'due_at', 'locked_by', 'locked_until',
  'attempts', 'retries', 'retry_cycle', 'last_error', 'payload', 'created_at',
];

export function insertJobsStmt(rows: JobRow[]): Statement[] {
  if (!rows.length) return [];
  return [
    {
      sql: `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(rows.length, JOB_COLUMNS.length)}`,
      bindings: rows.flatMap((j) => [
        j.id, j.type, j.instanceId, j.definitionId, j.executionId, j.elementId, j.dueAt, j.lockedBy, j.lockedUntil,
        j.attempts, j.retries, j.retryCycle, j.lastError, toJson(j.payload), j.createdAt,
      ]),
    },
  ];
}

export async function insertJobs(db: Knex, rows: JobRow[]): Promise<void> {
  await runStatementsIn(db, insertJobsStmt(rows));
}

export function deleteInstanceJobsStmt(instanceId: string, type: JobType, executionIds: string[]): Statement[] {
  if (!executionIds.length) return [];
  return [
    {
      sql: `DELETE FROM jobs WHERE instance_id = ? AND type = ? AND execution_id IN (${executionIds.map(() => '?').join(', ')})`,
      bindings: [instanceId, type, ...executionIds],
    },
  ];
}

export async function jobsOfInstance(db: Knex, instanceId: string): Promise<JobRow[]> {
  return (await db('jobs').where({ instance_id: instanceId }).orderBy('created_at')).map(toRow);
}

export async function getJob(db: Knex, id: string): Promise<JobRow | undefined> {
  const r = await db('jobs').where({ id }).first();
  return r && toRow(r);
}

/**
 * Leases up to `limit` due jobs to `node` until `until`. A job whose lease expired (its node died)
 * is due again. On PostgreSQL concurrent nodes skip each other's rows instead of waiting.
 */
export async function acquireDueJobs(db: Knex, node: string, now: number, until: number, limit: number): Promise<JobRow[]> {
  const rows = await db.raw(
    `UPDATE jobs SET locked_by = ?, locked_until = ?
      WHERE id IN (SELECT id FROM jobs
                    WHERE due_at IS NOT NULL AND due_at <= ? AND (locked_until IS NULL OR locked_until < ?)
                    ORDER BY due_at LIMIT ?${skipLocked(db)})
        AND due_at IS NOT NULL AND (locked_until IS NULL OR locked_until < ?)
      RETURNING *`,
    [node, until, now, now, limit, now],
  );
  const list = Array.isArray(rows) ? rows : rows.rows;
  return list.map(toRow).sort((a: JobRow, b: JobRow) => (a.dueAt ?? 0) - (b.dueAt ?? 0));
}

/** Leases the due jobs of one instance (see JobExecutor#runDueOf). */
export async function acquireDueJobsOf(db: Knex, node: string, instanceId: string, now: number, until: number): Promise<JobRow[]> {
  const rows = await db.raw(
    `UPDATE jobs SET locked_by = ?, locked_until = ?
      WHERE instance_id = ? AND due_at IS NOT NULL AND due_at <= ? AND (locked_until IS NULL OR locked_until < ?)
      RETURNING *`,
    [node, until, instanceId, now, now],
  );
  const list = Array.isArray(rows) ? rows : rows.rows;
  return list.map(toRow).sort((a: JobRow, b: JobRow) => (a.dueAt ?? 0) - (b.dueAt ?? 0));
}

/** Removes a job this node holds (it ran); the step fails if the lease was lost meanwhile. */
export function deleteLeasedJobStmt(id: string, node: string): Statement {
  return { sql: 'DELETE FROM jobs WHERE id = ? AND locked_by = ?', bindings: [id, node], expectOne: true };
}

/** Renews this node's leases on jobs it is running; answers how many it still held. */
export async function extendLeases(db: Knex, node: string, ids: string[], until: number): Promise<number> {
  if (!ids.length) return 0;
  return db('jobs').whereIn('id', ids).where({ locked_by: node }).update({ locked_until: until });
}

/** Hands back every lease `node` holds (graceful shutdown): the jobs are due again for any node. */
export async function releaseLeases(db: Knex, node: string): Promise<number> {
  return db('jobs').where({ locked_by: node }).update({ locked_by: null, locked_until: null });
}

export async function deleteJob(db: Knex, id: string): Promise<void> {
  await db('jobs').where({ id }).delete();
}

export interface JobPatch {
  dueAt: number | null;
  attempts?: number;
  retries?: number;
  lastError?: string | null;
}

/** Releases a leased job with a new due time (retry later, or null = suspended). */
export async function releaseJob(db: Knex, id: string, node: string | null, patch: JobPatch): Promise<boolean> {
  const q = db('jobs').where({ id });
  if (node) q.where({ locked_by: node });
  const n = await q.update({
    due_at: patch.dueAt,
    locked_by: null,
    locked_until: null,
    ...(patch.attempts !== undefined && { attempts: patch.attempts }),
    ...(patch.retries !== undefined && { retries: patch.retries }),
    ...(patch.lastError !== undefined && { last_error: patch.lastError }),
  });
  return n === 1;
}

export async function deleteTimerStartJobs(db: Knex, definitionIds: string[]): Promise<void> {
  if (!definitionIds.length) return;
  await db('jobs').where({ type: 'timer-start' }).whereIn('definition_id', definitionIds).delete();
}

export async function nextDueAt(db: Knex): Promise<number | null> {
  const r = await db('jobs').min({ due: 'due_at' }).first();
  return r?.due === null || r?.due === undefined ? null : Number(r.due);
}

/** Sets a recurring job's next due time (timer start cycles) and releases it, if this node holds it. */
export function rescheduleJobStmt(id: string, node: string, dueAt: number, payload: Record<string, unknown>): Statement {
  return {
    sql: 'UPDATE jobs SET due_at = ?, locked_by = NULL, locked_until = NULL, attempts = 0, payload = ? WHERE id = ? AND locked_by = ?',
    bindings: [dueAt, toJson(payload), id, node],
    expectOne: true,
  };
}

/** Makes a suspended job (open incident) due again with `retries` attempts. */
export async function resumeJob(db: Knex, id: string, dueAt: number, retries: number): Promise<boolean> {
  return (await db('jobs').where({ id }).whereNull('due_at').update({ due_at: dueAt, retries, locked_by: null, locked_until: null })) === 1;
}
