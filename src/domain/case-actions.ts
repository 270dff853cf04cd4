import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import type { StepResult } from '../engine/steps.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { ccOf, insertCc } from '../store/case-cc.ts';
import { latestForm } from '../store/definitions.ts';
import { appendHistory } from '../store/history.ts';
import type { InstanceRow } from '../store/instances.ts';
import { completedElementsOf, getTask, tasksOfInstance, type TaskRow } from '../store/tasks.ts';
import { workersOf } from '../store/warnings.ts';
import { isAssignee, isCandidate } from '../engine/tasks.ts';
import { noticeStep, type CaseEvent } from './case-notices.ts';
import { simpleForm } from './batch.ts';
import { actorOf, type Person } from './org.ts';
import type { SignMode } from '../store/add-signers.ts';

/**
 * The routing actions of a case (issue 13, item 7) that span engine and domain: 退回, 撤回 by the
 * applicant, 抄送, and the check that makes a task fit for 批量审批. Each writes its audit row,
 * history and notifications in the action's own transaction, or changes nothing.
 */

type Audit = (trx: Knex.Transaction, after: Record<string, unknown>) => Promise<void>;

/**
 * 退回: sends the case back from an open task to an earlier step (or the applicant's); the
 * applicant and the step's last handler are told, the new task's people get 新待办.
 * Usage: `await returnCase(engine, taskId, { by, targetElementId, comment, audit })`.
 */
export async function returnCase(
  engine: EngineService,
  taskId: string,
  opts: { by: Person; targetElementId: string; comment: string; audit: Audit },
): Promise<StepResult> {
  if (!opts.comment.trim()) throw new ValidationError([{ field: 'comment', message: '请填写退回理由' }]);
  return engine.returnTask(taskId, {
    by: opts.by,
    targetElementId: opts.targetElementId,
    comment: opts.comment.trim(),
    hook: async (trx, res) => {
      const target = res.tasks.find((t) => t.elementId === opts.targetElementId);
      const toName = target?.name ?? opts.targetElementId;
      await opts.audit(trx, { to: opts.targetElementId, toName, comment: opts.comment.trim(), newTaskId: target?.id ?? null });
      const last = (await tasksOfInstance(trx, res.instance.id)).filter((t) => t.elementId === opts.targetElementId && t.status === 'completed').pop();
      const event: CaseEvent = { kind: 'case.returned', actor: opts.by.id, taskId, headline: `已退回至“${toName}”`, text: opts.comment.trim(), also: last?.completedBy ? [last.completedBy] : [] };
      await noticeStep(trx, res, event, engine.clock.now(), engine);
    },
  });
}

const MODE_TEXT: Record<SignMode, string> = { before: '前加签', after: '后加签', parallel: '并行会签' };

/**
 * 加签: the handler of an open task asks another person into the step (before, after, parallel;
 * see engine/add-signers.ts). 422 ADD_SIGNER_UNKNOWN for an unknown or inactive user; the engine's
 * refusals otherwise. The signer is told (新待办, or for "after" that they will be asked).
 * Usage: `await addSigner(db, engine, taskId, { by, userId: 'leader2', mode: 'before', comment, audit })`.
 */
export async function addSigner(
  db: Knex,
  engine: EngineService,
  taskId: string,
  opts: { by: Person; userId: string; mode: SignMode; comment: string; audit: Audit },
): Promise<StepResult> {
  const signer = await actorOf(db, opts.userId);
  if (!signer) throw new AppError(422, 'ADD_SIGNER_UNKNOWN', `用户 ${opts.userId} 不存在或已停用`, [{ field: 'userId', message: '加签人不存在或已停用' }]);
  const comment = opts.comment.trim();
  return engine.addSigner(taskId, {
    by: opts.by,
    signer,
    mode: opts.mode,
    comment,
    hook: async (trx, res) => {
      await opts.audit(trx, { userId: signer.id, userName: signer.displayName, mode: opts.mode, comment, signerTaskId: res.tasks[0]?.id ?? null });
      const headline = `加签（${MODE_TEXT[opts.mode]}）：${opts.by.displayName}请${signer.displayName}签署`;
      // The applicant is told; the signer gets 新待办 now, or for "after" word that they will be asked.
      await noticeStep(trx, res, { kind: 'case.add-signer', actor: opts.by.id, taskId, headline, text: comment || null, also: opts.mode === 'after' ? [signer.id] : [] }, engine.clock.now(), engine);
    },
  });
}

/**
 * Whom a signer's (加签) signature is also told to: the handler of the step they were asked into.
 * Usage: `event.also = await signedFor(trx, task)`.
 */
export async function signedFor(db: Knex, task: Pick<TaskRow, 'signParentId'> | undefined): Promise<string[]> {
  if (!task?.signParentId) return [];
  const parent = await getTask(db, task.signParentId);
  const who = parent?.completedBy ?? parent?.assignee;
  return who ? [who] : [];
}

/** Whether someone other than the applicant has acted on the case: a completed step, or a task claimed from a group. */
export async function someoneActed(trx: Knex, engine: EngineService, instance: InstanceRow): Promise<boolean> {
  if ((await completedElementsOf(trx, instance.id)).length) return true;
  for (const t of await tasksOfInstance(trx, instance.id)) {
    if (t.assignee && t.assignee !== instance.startedBy && !(await engine.assignedByProcess(t))) return true;
  }
  return false;
}

/**
 * 撤回 by the applicant while nobody has acted on the case: the instance is cancelled with the
 * reason, and whoever it waited on is told. 403 NOT_APPLICANT for anyone else; 409
 * WITHDRAW_TOO_LATE once a step was done or a task claimed (then 申请撤回 at the current step);
 * 409 INSTANCE_ENDED for an ended case. Checked again inside the cancel's transaction.
 * Usage: `await withdrawCase(db, engine, instanceId, { by, reason, audit })`.
 */
export async function withdrawCase(db: Knex, engine: EngineService, instanceId: string, opts: { by: Person; reason: string; audit: Audit }): Promise<InstanceRow> {
  const instance = await engine.getInstance(instanceId);
  if (!instance) throw new NotFoundError(`流程实例 ${instanceId} 不存在`, 'INSTANCE_NOT_FOUND');
  if (instance.startedBy !== opts.by.id) throw new ForbiddenError('只有申请人可以撤回本申请', 'NOT_APPLICANT');
  if (instance.status !== 'running') throw new ConflictError('该申请已结束，不能撤回', 'INSTANCE_ENDED');
  const tooLate = () => new ConflictError('已有人办理本申请，不能直接撤回；请在当前环节申请撤回', 'WITHDRAW_TOO_LATE');
  if (await someoneActed(db, engine, instance)) throw tooLate();
  const reason = opts.reason.trim();
  if (!reason) throw new ValidationError([{ field: 'reason', message: '请填写撤回原因' }]);
  const waiting = (await tasksOfInstance(db, instanceId)).filter((t) => t.status === 'open');
  return engine.cancel(instanceId, {
    by: opts.by,
    reason: `申请人撤回：${reason}`,
    hook: async (trx, res) => {
      if (await someoneActed(trx, engine, { ...instance, ...res.instance })) throw tooLate();
      await appendHistory(trx, [{ instanceId, type: 'case.withdrawn', actor: opts.by.id, at: engine.clock.now(), data: { reason } }]);
      await opts.audit(trx, { status: 'cancelled', reason });
      const also = [...new Set((await Promise.all(waiting.map((t) => workersOf(trx, t)))).flat())];
      await noticeStep(trx, { ...res, tasks: [] }, { kind: 'case.withdrawn', actor: opts.by.id, headline: '申请人已撤回', text: reason, also }, engine.clock.now(), engine);
    },
  });
}

/**
 * 抄送: the person who may act on an open task copies the case to others for their information
 * (read-only: they may read the case, nothing more). 422 for unknown or inactive users or the
 * sender themselves; 403 NOT_CANDIDATE for someone who may not act on the task; 409 TASK_NOT_OPEN.
 * Returns the users newly copied (a repeated copy is not sent twice).
 * Usage: `await ccCase(db, engine, taskId, { by, userIds: ['supervisor'], comment, audit })`.
 */
export async function ccCase(
  db: Knex,
  engine: EngineService,
  taskId: string,
  opts: { by: Person; userIds: string[]; comment: string | null; audit: Audit },
): Promise<{ task: TaskRow; copied: string[] }> {
  const task = await engine.getTask(taskId);
  if (!task) throw new NotFoundError(`任务 ${taskId} 不存在`, 'TASK_NOT_FOUND');
  if (!(isAssignee(task, opts.by) || (!task.assignee && isCandidate(task, opts.by)))) {
    throw new ForbiddenError('只有本环节的办理人可以抄送', 'NOT_CANDIDATE');
  }
  if (task.status !== 'open') throw new ConflictError('任务已办结或已取消', 'TASK_NOT_OPEN');
  const ids = [...new Set(opts.userIds.map((u) => u.trim()).filter(Boolean))];
  if (!ids.length || ids.length > 20) throw new ValidationError([{ field: 'userIds', message: '请选择 1 至 20 名抄送人' }]);
  const problems = [];
  for (const id of ids) {
    if (id === opts.by.id) problems.push({ field: 'userIds', message: '不能抄送给自己' });
    else if (!(await actorOf(db, id))) problems.push({ field: 'userIds', message: `用户 ${id} 不存在或已停用` });
  }
  if (problems.length) throw new ValidationError(problems);
  const now = engine.clock.now();
  const instance = (await engine.getInstance(task.instanceId))!;
  const copied = await db.transaction(async (trx) => {
    const fresh = await insertCc(trx, ids.map((userId) => ({ id: randomUUID(), instanceId: task.instanceId, taskId, userId, by: opts.by.id, comment: opts.comment, createdAt: now, readAt: null })));
    await appendHistory(trx, [{ instanceId: task.instanceId, type: 'case.cc', elementId: task.elementId, elementName: task.name, taskId, actor: opts.by.id, at: now, data: { userIds: fresh, comment: opts.comment } }]);
    await opts.audit(trx, { userIds: fresh, comment: opts.comment });
    await noticeStep(trx, { instance, tasks: [] }, { kind: 'case.cc', actor: opts.by.id, taskId, headline: `抄送：${opts.by.displayName}抄送给您`, text: opts.comment, also: fresh }, now, engine);
    return fresh;
  });
  return { task, copied };
}

/**
 * 批量审批: the values for a task whose form asks only for a decision and a comment, or a 422
 * BATCH_NOT_SIMPLE naming why this task needs its own form.
 * Usage: `const variables = await batchValues(db, task, 'approve', '同意')`.
 */
export async function batchValues(db: Knex, task: TaskRow, decision: string, comment: string | null): Promise<Record<string, unknown>> {
  const form = simpleForm(task.formKey ? (await latestForm(db, task.formKey))?.schema ?? null : null);
  if (!form) throw new AppError(422, 'BATCH_NOT_SIMPLE', `“${task.name ?? task.elementId}”需要填写审批结论和意见以外的内容，请逐件办理`);
  const { choice, text } = form;
  if (!choice.values?.some((o) => o.value === decision)) throw new AppError(422, 'BATCH_NOT_SIMPLE', `“${task.name ?? task.elementId}”没有“${decision}”这一审批结论，请逐件办理`);
  return { [choice.key!]: decision, ...(text && comment ? { [text.key!]: comment } : {}) };
}

/**
 * 抄送我的: the cases copied to a person, newest first.
 * Usage: `const { rows, total } = await copiedTo(db, person.id, { limit: 20, offset: 0 })`.
 */
export function copiedTo(db: Knex, userId: string, paging: { limit: number; offset: number }): ReturnType<typeof ccOf> {
  return ccOf(db, userId, paging);
}
