import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '../errors.ts';
import { closeTaskRow, insertSigner, openSignerTasks, setSignerStatus, signerByTask, signersOf, type SignMode } from '../store/add-signers.ts';
import { getTask, insertTasks, setAssignee, type TaskRow } from '../store/tasks.ts';
import type { StepContext } from './steps.ts';
import type { Actor } from './types.ts';

/**
 * 加签 (issue 13, item 7) inside engine steps. A signer's task is a task row of the same step
 * (same element) that the engine does not know: the step's own task is what the engine waits on.
 * - before: the signer signs first; the handler cannot complete until then, the task stays theirs.
 * - parallel: both sign, in any order.
 * - after: the signer's task is made when the handler has signed.
 * The handler's completion is held (their task completed, their values kept) while a parallel or
 * after signer has not signed; the last signer's completion then completes the step in the engine
 * with the handler's values. The handler's decision routes the case; signers' opinions are recorded
 * with the step. Every change runs in an engine step (the instance's version), so two signers
 * finishing at once cannot both miss or both release the step, and a restart loses nothing.
 */

export const SIGN_MODES: readonly SignMode[] = ['before', 'after', 'parallel'];

const shortId = () => randomUUID().slice(0, 8);

/** A signer's task in the step of `parent`, assigned to `userId`. */
function signerTask(parent: TaskRow, userId: string, mode: SignMode, now: number): TaskRow {
  return {
    ...parent,
    id: randomUUID(),
    executionId: `${parent.executionId}~sign~${shortId()}`.slice(0, 100),
    name: `${parent.name ?? parent.elementId}（加签）`,
    candidateGroups: [],
    candidateUsers: [],
    assignee: userId,
    status: 'open',
    createdAt: now,
    claimedAt: now,
    completedAt: null,
    completedBy: null,
    variables: null,
    signParentId: parent.id,
    signMode: mode,
  };
}

/**
 * Adds a signer to the step of `task` (already checked: the actor may act on it, the signer may
 * sign it). The actor's unclaimed task becomes theirs (it comes back to them). 409
 * ADD_SIGNER_DUPLICATE when the person is already asked and has not signed.
 */
export async function addSignerInStep(ctx: StepContext, task: TaskRow, opts: { by: Actor; signer: string; mode: SignMode; comment: string; now: number }): Promise<TaskRow | null> {
  const trx = ctx.trx!;
  const pending = (await signersOf(trx, task.id)).filter((s) => s.status === 'waiting' || s.status === 'active');
  if (pending.some((s) => s.userId === opts.signer)) throw new ConflictError('已向此人加签，尚未签署', 'ADD_SIGNER_DUPLICATE');
  if (!task.assignee && !(await setAssignee(trx, task.id, null, opts.by.id, opts.now))) throw new ConflictError('任务已被他人认领', 'TASK_CLAIMED');
  const child = opts.mode === 'after' ? null : signerTask(task, opts.signer, opts.mode, opts.now);
  if (child) await insertTasks(trx, [child]);
  await insertSigner(trx, {
    id: randomUUID(), taskId: task.id, instanceId: task.instanceId, userId: opts.signer, mode: opts.mode, comment: opts.comment || null,
    by: opts.by.id, createdAt: opts.now, signerTaskId: child?.id ?? null, status: child ? 'active' : 'waiting',
  });
  ctx.history.push({
    instanceId: task.instanceId, type: 'task.signer-added', elementId: task.elementId, elementName: task.name, executionId: task.executionId, taskId: task.id,
    actor: opts.by.id, at: opts.now, data: { userId: opts.signer, mode: opts.mode, comment: opts.comment || null, signerTaskId: child?.id ?? null },
  });
  ctx.adHocTasks = child ? [child] : [];
  return child;
}

/**
 * The handler completes a step that has signers: 409 ADD_SIGNER_PENDING while a "before" signer
 * has not signed; with parallel or after signers outstanding their completion is held (true) and
 * the after signers' tasks are made; false: nobody to wait for, the engine completes the step.
 */
export async function holdForSigners(ctx: StepContext, task: TaskRow, by: Actor, values: Record<string, unknown>, now: number): Promise<boolean> {
  const trx = ctx.trx!;
  const signers = (await signersOf(trx, task.id)).filter((s) => s.status === 'waiting' || s.status === 'active');
  if (!signers.length) return false;
  if (signers.some((s) => s.mode === 'before')) throw new ConflictError('加签人尚未签署，签署后方可办理', 'ADD_SIGNER_PENDING');
  if (!(await closeTaskRow(trx, task.id, { at: now, by: by.id, variables: values, handler: handlerOf(by) }))) throw new ConflictError('任务已办结或已取消', 'TASK_NOT_OPEN');
  const made: TaskRow[] = [];
  for (const s of signers.filter((x) => x.status === 'waiting')) {
    const child = signerTask(task, s.userId, s.mode, now);
    made.push(child);
    await setSignerStatus(trx, s.id, 'active', child.id);
  }
  if (made.length) await insertTasks(trx, made);
  ctx.history.push({
    instanceId: task.instanceId, type: 'task.completed', elementId: task.elementId, elementName: task.name, executionId: task.executionId, taskId: task.id,
    actor: by.id, at: now, data: { variables: values, awaitingSigners: signers.map((s) => s.userId) },
  });
  ctx.adHocTasks = made;
  return true;
}

/**
 * A signer signs (their task is open and theirs, checked by the caller): their opinion is kept
 * with their task; when the step's handler has already signed and nobody else is outstanding, the
 * engine completes the step with the handler's values (the step moves on).
 */
export async function completeSignerInStep(ctx: StepContext, child: TaskRow, by: Actor, values: Record<string, unknown>, now: number): Promise<void> {
  const trx = ctx.trx!;
  if (!(await closeTaskRow(trx, child.id, { at: now, by: by.id, variables: values, handler: handlerOf(by) }))) throw new ConflictError('任务已办结或已取消', 'TASK_NOT_OPEN');
  const record = await signerByTask(trx, child.id);
  if (record) await setSignerStatus(trx, record.id, 'done');
  ctx.history.push({
    instanceId: child.instanceId, type: 'task.completed', elementId: child.elementId, elementName: child.name, executionId: child.executionId, taskId: child.id,
    actor: by.id, at: now, data: { variables: values, signer: true, mode: child.signMode, parentTaskId: child.signParentId },
  });
  const parent = child.signParentId ? await getTask(trx, child.signParentId) : undefined;
  if (!parent || parent.status !== 'completed') return;
  const outstanding = (await openSignerTasks(trx, parent.id)).length + (await signersOf(trx, parent.id)).filter((s) => s.status === 'waiting').length;
  if (outstanding || !ctx.live.hasTask(parent.executionId)) return;
  const held = parent.variables ?? {};
  ctx.completion = { executionId: parent.executionId, by: parent.completedBy ?? by.id, variables: held };
  ctx.history.push({ instanceId: child.instanceId, type: 'task.signers-done', elementId: parent.elementId, elementName: parent.name, executionId: parent.executionId, taskId: parent.id, actor: by.id, at: now });
  ctx.live.completeTask(parent.executionId, held);
}

/** 422 for a mode that is none of before, after, parallel. */
export function signMode(value: unknown): SignMode {
  if (!SIGN_MODES.includes(value as SignMode)) throw new ValidationError([{ field: 'mode', message: '加签方式应为 before（前加签）、after（后加签）或 parallel（并行会签）' }]);
  return value as SignMode;
}

/** The handler's unit and whom a substitute acts for, when the actor carries them (a Person does). */
export function handlerOf(by: Actor): { unitId: string | null; onBehalfOf: string | null } | undefined {
  return by.unitId === undefined ? undefined : { unitId: by.unitId, onBehalfOf: by.actingFor?.id ?? null };
}
