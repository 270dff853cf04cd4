import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import type { StepResult } from '../engine/steps.ts';
import { isAssignee, isCandidate } from '../engine/tasks.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { appendHistory } from '../store/history.ts';
import type { InstanceRow } from '../store/instances.ts';
import { openTasksOfInstance, type TaskRow } from '../store/tasks.ts';
import { workersOf } from '../store/warnings.ts';
import { decideWithdrawRequest, getWithdrawRequest, insertWithdrawRequest, pendingWithdrawRequest, withdrawRequestsOf, type WithdrawRequestRow } from '../store/withdraw-requests.ts';
import { someoneActed } from './case-actions.ts';
import { noticeStep } from './case-notices.ts';
import type { Person } from './org.ts';

/**
 * 收回 and 申请撤回 (issue 13, item 7). 收回: the previous handler takes the case back before the
 * next one acts. 申请撤回: once someone has acted, the applicant asks; whoever may act on the
 * current step decides — approved, the case is withdrawn; rejected, it goes on.
 */

type Audit = (trx: Knex.Transaction, after: Record<string, unknown>) => Promise<void>;

const workersOfAll = async (trx: Knex, tasks: TaskRow[]) => [...new Set((await Promise.all(tasks.map((t) => workersOf(trx, t)))).flat())];

/**
 * 收回: see EngineService#recall. The next step's people are told it was taken back.
 * Usage: `await recallCase(db, engine, completedTaskId, { by, audit })`.
 */
export async function recallCase(db: Knex, engine: EngineService, taskId: string, opts: { by: Person; audit: Audit }): Promise<StepResult> {
  const mine = await engine.getTask(taskId);
  const waiting = mine ? await openTasksOfInstance(db, mine.instanceId) : [];
  return engine.recall(taskId, {
    by: opts.by,
    hook: async (trx, res) => {
      const again = res.tasks.find((t) => t.elementId === mine?.elementId);
      await opts.audit(trx, { recalled: waiting.map((t) => t.id), newTaskId: again?.id ?? null });
      const also = await workersOfAll(trx, waiting);
      // The applicant and the next step's people learn it was taken back (no 新待办 for the handler themselves).
      await noticeStep(trx, { instance: res.instance, tasks: [] }, { kind: 'case.recalled', actor: opts.by.id, taskId, headline: `${opts.by.displayName}已收回“${mine?.name ?? ''}”环节重新办理`, also }, engine.clock.now(), engine);
    },
  });
}

/**
 * 申请撤回: the applicant asks to withdraw a case someone has acted on. 403 NOT_APPLICANT; 409
 * INSTANCE_ENDED; 409 WITHDRAW_NOT_NEEDED while nobody has acted (withdraw it directly); 409
 * WITHDRAW_REQUEST_PENDING; 422 without a reason. The current step's people are told.
 * Usage: `await requestWithdraw(db, engine, instanceId, { by, reason, audit })`.
 */
export async function requestWithdraw(db: Knex, engine: EngineService, instanceId: string, opts: { by: Person; reason: string; audit: Audit }): Promise<WithdrawRequestRow> {
  const instance = await engine.getInstance(instanceId);
  if (!instance) throw new NotFoundError(`流程实例 ${instanceId} 不存在`, 'INSTANCE_NOT_FOUND');
  if (instance.startedBy !== opts.by.id) throw new ForbiddenError('只有申请人可以申请撤回', 'NOT_APPLICANT');
  if (instance.status !== 'running') throw new ConflictError('该申请已结束，不能撤回', 'INSTANCE_ENDED');
  const reason = opts.reason.trim();
  if (!reason) throw new ValidationError([{ field: 'reason', message: '请填写撤回原因' }]);
  if (!(await someoneActed(db, engine, instance))) throw new ConflictError('尚无人办理，可直接撤回', 'WITHDRAW_NOT_NEEDED');
  const now = engine.clock.now();
  const row: WithdrawRequestRow = { id: randomUUID(), instanceId, reason, requestedBy: opts.by.id, requestedAt: now, status: 'pending', decidedBy: null, decidedAt: null, comment: null };
  await db.transaction(async (trx) => {
    if (await pendingWithdrawRequest(trx, instanceId)) throw new ConflictError('已申请撤回，等待当前环节办理人决定', 'WITHDRAW_REQUEST_PENDING');
    await insertWithdrawRequest(trx, row);
    await appendHistory(trx, [{ instanceId, type: 'case.withdraw-requested', actor: opts.by.id, at: now, data: { requestId: row.id, reason } }]);
    await opts.audit(trx, { requestId: row.id, reason });
    const also = await workersOfAll(trx, await openTasksOfInstance(trx, instanceId));
    await noticeStep(trx, { instance, tasks: [] }, { kind: 'case.withdraw-requested', actor: opts.by.id, headline: '申请人申请撤回，请决定', text: reason, also }, now, engine);
  });
  return row;
}

/** Whether `by` may act on one of the case's open tasks now (the current handler). */
async function isCurrentHandler(engine: EngineService, instance: InstanceRow, tasks: TaskRow[], by: Person): Promise<boolean> {
  for (const t of tasks) {
    if (!(isAssignee(t, by) || (!t.assignee && isCandidate(t, by)))) continue;
    if (!(await engine.dutyProblem(t, by, instance))) return true;
  }
  return false;
}

/**
 * The current step's handler decides a 申请撤回: approve → the case is withdrawn (cancelled);
 * reject → it goes on. 404 WITHDRAW_REQUEST_NOT_FOUND; 409 WITHDRAW_REQUEST_DECIDED; 403
 * NOT_HANDLER for anyone who may not act on the current step. The applicant is told.
 * Usage: `await decideWithdraw(db, engine, requestId, { by, approve: true, comment, audit })`.
 */
export async function decideWithdraw(
  db: Knex,
  engine: EngineService,
  requestId: string,
  opts: { by: Person; approve: boolean; comment: string | null; audit: Audit },
): Promise<WithdrawRequestRow> {
  const req = await getWithdrawRequest(db, requestId);
  if (!req) throw new NotFoundError('撤回申请不存在', 'WITHDRAW_REQUEST_NOT_FOUND');
  const decided = () => new ConflictError('该撤回申请已处理', 'WITHDRAW_REQUEST_DECIDED');
  if (req.status !== 'pending') throw decided();
  const instance = await engine.getInstance(req.instanceId);
  if (!instance || instance.status !== 'running') throw new ConflictError('该申请已结束', 'INSTANCE_ENDED');
  if (!(await isCurrentHandler(engine, instance, await openTasksOfInstance(db, req.instanceId), opts.by))) throw new ForbiddenError('只有当前环节的办理人可以决定撤回申请', 'NOT_HANDLER');
  const now = engine.clock.now();
  const status = opts.approve ? ('approved' as const) : ('rejected' as const);
  const write = async (trx: Knex.Transaction, res: StepResult) => {
    if (!(await decideWithdrawRequest(trx, requestId, { status, by: opts.by.id, at: now, comment: opts.comment }))) throw decided();
    await appendHistory(trx, [{ instanceId: req.instanceId, type: opts.approve ? 'case.withdrawn' : 'case.withdraw-rejected', actor: opts.by.id, at: now, data: { requestId, reason: req.reason, comment: opts.comment } }]);
    await opts.audit(trx, { requestId, instanceId: req.instanceId, approve: opts.approve, comment: opts.comment });
    const headline = opts.approve ? `撤回申请已同意，申请已撤回（${opts.by.displayName}）` : `撤回申请未获同意，案件继续办理（${opts.by.displayName}）`;
    await noticeStep(trx, { ...res, tasks: [] }, { kind: opts.approve ? 'case.withdrawn' : 'case.withdraw-rejected', actor: opts.by.id, headline, text: opts.comment }, now, engine);
  };
  if (opts.approve) {
    await engine.cancel(req.instanceId, { by: opts.by, reason: `申请人撤回（经${opts.by.displayName}同意）：${req.reason}`, hook: write });
  } else {
    await db.transaction((trx) => write(trx, { instance, tasks: [] }));
  }
  return { ...req, status, decidedBy: opts.by.id, decidedAt: now, comment: opts.comment };
}

/** A case's withdraw requests, newest first. */
export function withdrawRequests(db: Knex, instanceId: string): Promise<WithdrawRequestRow[]> {
  return withdrawRequestsOf(db, instanceId);
}
