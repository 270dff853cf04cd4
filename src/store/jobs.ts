import type { Knex } from 'knex';
import { skipLocked } from '../db/knex.ts';
import { fromJson, toJson } from './json.ts';

export type JobType = 'timer' | 'service' | 'timer-start';

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

export async function insertJobs(db: Knex, rows: JobRow[]): Promise<void> {
  if (!rows.length) return;
  await db('jobs').insert(
    rows.map((j) => ({
      id: j.id,
      type: j.type,
      instance_id: j.instanceId,
      definition_id: j.definitionId,
      execution_id: j.executionId,
      element_id: j.elementId,
      due_at: j.dueAt,
      locked_by: j.lockedBy,
      locked_until: j.lockedUntil,
      attempts: j.attempts,
      retries: j.retries,
      retry_cycle: j.retryCycle,
      last_error: j.lastError,
      payload: toJson(j.payload),
      created_at: j.createdAt,
    })),
  );
}

export async function deleteInstanceJobs(db: Knex, instanceId: string, type: JobType, executionIds: string[]): Promise<void> {
  if (!executionIds.length) return;
  await db('jobs').where({ instance_id: instanceId, type }).whereIn('execution_id', executionIds).delete();
}

export async function deleteAllInstanceJobs(db: Knex, instanceId: string): Promise<void> {
  await db('jobs').where({ instance_id: instanceId }).delete();
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

/** Removes a job this node holds (it ran). False if the lease was lost meanwhile. */
export async function deleteLeasedJob(db: Knex, id: string, node: string): Promise<boolean> {
  return (await db('jobs').where({ id, locked_by: node }).delete()) === 1;
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

/** Sets a recurring job's next due time (timer start cycles) and releases it. */
export async function rescheduleJob(db: Knex, id: string, dueAt: number, payload: Record<string, unknown>): Promise<void> {
  await db('jobs').where({ id }).update({ due_at: dueAt, locked_by: null, locked_until: null, attempts: 0, payload: toJson(payload) });
}

/** Makes a suspended job (open incident) due again with `retries` attempts. */
export async function resumeJob(db: Knex, id: string, dueAt: number, retries: number): Promise<boolean> {
  return (await db('jobs').where({ id }).whereNull('due_at').update({ due_at: dueAt, retries, locked_by: null, locked_until: null })) === 1;
}
