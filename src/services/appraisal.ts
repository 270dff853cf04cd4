import { appendAudit } from '../domain/audit.ts';
import { completerOf } from '../domain/approvals.ts';
import type { Handler } from '../engine/types.ts';
import { currentScheme, decideSchemeChange, insertSchemeVersion, schemeChangeByApproval } from '../store/appraisal.ts';

/** The change this approval instance decides, and the second person who decided it. */
async function decidedChange(ctx: Parameters<Handler>[0]) {
  const change = await schemeChangeByApproval(ctx.trx, ctx.instance.id);
  if (!change || change.status !== 'pending') throw new Error('考核评分方案变更不存在或已处理');
  const approver = await completerOf(ctx.trx, ctx.instance.id, 'Task_Approval');
  if (!approver || approver === change.requestedBy) throw new Error('考核评分方案变更未经第二人审批');
  const comment = typeof ctx.variables.comment === 'string' && ctx.variables.comment ? ctx.variables.comment : null;
  return { change, approver, comment };
}

/** Handlers of appraisal-scheme-change.bpmn (issue 18, item 7): the second person's decision on the scoring scheme. */
export const appraisalSchemeHandlers: Record<string, Handler> = {
  /** Approved: the proposal becomes the next scheme version; audited with both people. */
  'appraisal.applySchemeChange': async (ctx) => {
    const { change, approver, comment } = await decidedChange(ctx);
    const version = ((await currentScheme(ctx.trx))?.version ?? 0) + 1;
    await insertSchemeVersion(ctx.trx, { version, scheme: change.proposal, createdAt: ctx.now, requestedBy: change.requestedBy, approvedBy: approver, changeId: change.id });
    if (!(await decideSchemeChange(ctx.trx, change.id, { status: 'approved', decidedBy: approver, comment, at: ctx.now }))) throw new Error('考核评分方案变更已处理');
    await appendAudit(
      ctx.trx,
      { actor: approver, action: 'appraisal-scheme.change-approved', objectType: 'appraisal-scheme', objectId: String(version), instanceId: ctx.instance.id, before: change.before, after: { version, ...change.proposal, changeId: change.id, requestedBy: change.requestedBy, approvedBy: approver, comment } },
      ctx.now,
    );
    return { applied: true, schemeVersion: version };
  },

  /** Rejected: the scheme stays as it was. */
  'appraisal.rejectSchemeChange': async (ctx) => {
    const { change, approver, comment } = await decidedChange(ctx);
    if (!(await decideSchemeChange(ctx.trx, change.id, { status: 'rejected', decidedBy: approver, comment, at: ctx.now }))) throw new Error('考核评分方案变更已处理');
    await appendAudit(ctx.trx, { actor: approver, action: 'appraisal-scheme.change-rejected', objectType: 'appraisal-scheme', objectId: change.id, instanceId: ctx.instance.id, after: { changeId: change.id, requestedBy: change.requestedBy, rejectedBy: approver, comment } }, ctx.now);
    return { applied: false };
  },
};
