import type { Handler } from '../engine/types.ts';
import { appendAudit } from '../domain/audit.ts';
import { completerOf } from '../domain/approvals.ts';
import { notify, RESET_APPROVAL_MS } from '../domain/password-resets.ts';
import { decidePasswordReset, passwordResetByApproval } from '../store/password-resets.ts';

/** The approval step of platform-password-reset.bpmn whose decision these handlers record. */
const APPROVAL = 'Task_Approval';

/**
 * The request this approval instance decides and who decided it. An instance not started by the
 * request endpoint has no request: refused (an incident), nothing changes.
 */
async function decided(ctx: Parameters<Handler>[0]) {
  const request = await passwordResetByApproval(ctx.trx, ctx.instance.id);
  if (!request || request.status !== 'pending') throw new Error('密码重置申请不存在或已处理');
  const approver = await completerOf(ctx.trx, ctx.instance.id, APPROVAL);
  if (!approver || approver === request.requestedBy || approver === request.userId) throw new Error('密码重置申请未经第二人审批');
  const comment = typeof ctx.variables.comment === 'string' ? ctx.variables.comment : null;
  return { request, approver, comment };
}

/** Handlers of platform-password-reset.bpmn: record the second person's decision on a reset request. */
export const passwordResetHandlers: Record<string, Handler> = {
  /** Approved: the vendor who asked may set the password once within a day; both are told. */
  'auth.approvePasswordReset': async (ctx) => {
    const { request, approver, comment } = await decided(ctx);
    const expiresAt = ctx.now + RESET_APPROVAL_MS;
    if (!(await decidePasswordReset(ctx.trx, request.id, { status: 'approved', decidedBy: approver, comment, at: ctx.now, expiresAt }))) throw new Error('密码重置申请已处理');
    await appendAudit(
      ctx.trx,
      { actor: approver, action: 'auth.password.reset-approved', objectType: 'user', objectId: request.userId, instanceId: ctx.instance.id, after: { resetRequestId: request.id, requestedBy: request.requestedBy, approvedBy: approver, comment, expiresAt } },
      ctx.now,
    );
    await notify(ctx.trx, [request.requestedBy], {
      kind: 'password.reset-approved',
      level: 'info',
      title: '密码重置申请已批准',
      body: `重置 ${request.userId} 密码的申请已由 ${approver} 批准，请在 24 小时内设置新的初始密码。`,
      key: `password.reset-approved:${request.id}`,
      at: ctx.now,
      instanceId: ctx.instance.id,
    });
    return { approved: true };
  },

  /** Rejected: nothing may be set; the vendor and the owner are told. */
  'auth.rejectPasswordReset': async (ctx) => {
    const { request, approver, comment } = await decided(ctx);
    if (!(await decidePasswordReset(ctx.trx, request.id, { status: 'rejected', decidedBy: approver, comment, at: ctx.now, expiresAt: null }))) throw new Error('密码重置申请已处理');
    await appendAudit(
      ctx.trx,
      { actor: approver, action: 'auth.password.reset-rejected', objectType: 'user', objectId: request.userId, instanceId: ctx.instance.id, after: { resetRequestId: request.id, requestedBy: request.requestedBy, rejectedBy: approver, comment } },
      ctx.now,
    );
    await notify(ctx.trx, [request.requestedBy, request.userId], {
      kind: 'password.reset-rejected',
      level: 'info',
      title: '密码重置申请未获批准',
      body: `重置 ${request.userId} 密码的申请未获 ${approver} 批准${comment ? `：${comment}` : ''}。`,
      key: `password.reset-rejected:${request.id}`,
      at: ctx.now,
      instanceId: ctx.instance.id,
    });
    return { approved: false };
  },
};
