import type { Handler } from '../engine/types.ts';
import { appendAudit } from '../domain/audit.ts';
import { completerOf } from '../domain/approvals.ts';
import { cancellationByApproval, decideCancellation } from '../store/cancellations.ts';

/** The approval step of platform-cancellation.bpmn whose decision these handlers carry out. */
const APPROVAL = 'Task_Approval';

/**
 * The request this approval instance decides and who approved it. A platform-cancellation
 * instance not started by the cancel endpoint has no request: refused (an incident), nothing changes.
 */
async function decided(ctx: Parameters<Handler>[0]) {
  const request = await cancellationByApproval(ctx.trx, ctx.instance.id);
  if (!request || request.status !== 'pending') throw new Error('撤销申请不存在或已处理');
  const approver = await completerOf(ctx.trx, ctx.instance.id, APPROVAL);
  if (!approver || approver === request.requestedBy) throw new Error('撤销申请未经第二人审批');
  const comment = typeof ctx.variables.comment === 'string' ? ctx.variables.comment : null;
  return { request, approver, comment };
}

/** Handlers of platform-cancellation.bpmn: carry out or reject an approved request to cancel a case. */
export const cancellationHandlers: Record<string, Handler> = {
  /** Approved: the request is closed and the case cancelled right after this step commits. */
  'platform.cancelInstance': async (ctx) => {
    const { request, approver, comment } = await decided(ctx);
    await decideCancellation(ctx.trx, request.id, { status: 'approved', decidedBy: approver, comment, at: ctx.now });
    await ctx.cancelInstance(request.instanceId, { by: request.requestedBy, reason: `${request.reason}（经 ${approver} 审批同意撤销）` });
    await appendAudit(
      ctx.trx,
      {
        actor: approver,
        action: 'process.cancel-approved',
        objectType: 'process-instance',
        objectId: request.instanceId,
        instanceId: request.instanceId,
        after: { requestId: request.id, requestedBy: request.requestedBy, approvedBy: approver, reason: request.reason, comment },
      },
      ctx.now,
    );
    return { cancelled: true };
  },

  /** Rejected: the request is closed and the case goes on. */
  'platform.rejectCancellation': async (ctx) => {
    const { request, approver, comment } = await decided(ctx);
    await decideCancellation(ctx.trx, request.id, { status: 'rejected', decidedBy: approver, comment, at: ctx.now });
    await appendAudit(
      ctx.trx,
      {
        actor: approver,
        action: 'process.cancel-rejected',
        objectType: 'process-instance',
        objectId: request.instanceId,
        instanceId: request.instanceId,
        after: { requestId: request.id, requestedBy: request.requestedBy, rejectedBy: approver, comment },
      },
      ctx.now,
    );
    return { cancelled: false };
  },
};
