import type { Knex } from 'knex';
import type { Statement } from '../db/batch.ts';
import { toJson } from './json.ts';
import { taskFromRow, type TaskRow } from './tasks.ts';

/** 加签 (issue 13, item 7): the signers asked into a step and their tasks. */

export type SignMode = 'before' | 'after' | 'parallel';
export type SignerStatus = 'waiting' | 'active' | 'done' | 'cancelled';

export interface SignerRow {
  id: string;
  taskId: string;
  instanceId: string;
  userId: string;
  mode: SignMode;
  comment: string | null;
  by: string;
  createdAt: number;
  signerTaskId: string | null;
  status: SignerStatus;
}

const fromRow = (r: any): SignerRow => ({
  id: r.id,
  taskId: r.task_id,
  instanceId: r.instance_id,
  userId: r.user_id,
  mode: r.mode,
  comment: r.comment ?? null,
  by: r.by,
  createdAt: Number(r.created_at),
  signerTaskId: r.signer_task_id ?? null,
  status: r.status,
});

export async function insertSigner(db: Knex, row: SignerRow): Promise<void> {
  await db('task_signers').insert({
    id: row.id, task_id: row.taskId, instance_id: row.instanceId, user_id: row.userId, mode: row.mode, comment: row.comment,
    by: row.by, created_at: row.createdAt, signer_task_id: row.signerTaskId, status: row.status,
  });
}

/** The signers asked into a step's task, oldest first. */
export async function signersOf(db: Knex, taskId: string): Promise<SignerRow[]> {
  return (await db('task_signers').where({ task_id: taskId }).orderBy('created_at').orderBy('id')).map(fromRow);
}

/** The signers asked into any of these tasks (for lists and task pages). */
export async function signersOfTasks(db: Knex, taskIds: string[]): Promise<SignerRow[]> {
  if (!taskIds.length) return [];
  return (await db('task_signers').whereIn('task_id', taskIds).orderBy('created_at')).map(fromRow);
}

export async function setSignerStatus(db: Knex, id: string, status: SignerStatus, signerTaskId?: string): Promise<void> {
  await db('task_signers').where({ id }).update({ status, ...(signerTaskId && { signer_task_id: signerTaskId }) });
}

/** The signer record behind a signer's task. */
export async function signerByTask(db: Knex, signerTaskId: string): Promise<SignerRow | undefined> {
  const r = await db('task_signers').where({ signer_task_id: signerTaskId }).first();
  return r && fromRow(r);
}

/** The open signers' tasks of a step's task. */
export async function openSignerTasks(db: Knex, parentTaskId: string): Promise<TaskRow[]> {
  return (await db('tasks').where({ sign_parent_id: parentTaskId, status: 'open' })).map(taskFromRow);
}

/** Closes one task row by id (a signer's task, or a step's task held for its signers) if still open. */
export async function closeTaskRow(
  db: Knex,
  id: string,
  close: { at: number; by: string; variables: Record<string, unknown>; handler?: { unitId: string | null; onBehalfOf: string | null } },
): Promise<boolean> {
  const handler = close.handler ? { completed_unit_id: close.handler.unitId, on_behalf_of: close.handler.onBehalfOf } : {};
  const n = await db('tasks').where({ id, status: 'open' }).update({ status: 'completed', completed_at: close.at, completed_by: close.by, variables: toJson(close.variables), ...handler });
  return n === 1;
}

/**
 * When step tasks leave (cancelled, or the instance ended): their signers' open tasks are
 * cancelled too, and waiting signers with them. `executionIds` null: every signer of the instance.
 */
export function cancelSignersStmts(instanceId: string, executionIds: string[] | null, at: number): Statement[] {
  const parents = executionIds
    ? `SELECT id FROM tasks WHERE instance_id = ? AND execution_id IN (${executionIds.map(() => '?').join(', ')})`
    : `SELECT id FROM tasks WHERE instance_id = ?`;
  const bind = [instanceId, ...(executionIds ?? [])];
  return [
    {
      sql: `UPDATE tasks SET status = 'cancelled', completed_at = ? WHERE instance_id = ? AND status = 'open' AND sign_parent_id IN (${parents})`,
      bindings: [at, instanceId, ...bind],
    },
    {
      sql: `UPDATE task_signers SET status = 'cancelled' WHERE instance_id = ? AND status IN ('waiting', 'active') AND task_id IN (${parents})`,
      bindings: [instanceId, ...bind],
    },
  ];
}
