import { completerOf } from '../domain/approvals.ts';
import { appendAudit } from '../domain/audit.ts';
import { APPROVAL_TASK, PLATFORM_PROCESS } from '../domain/deployments/proposals.ts';
import { checkDeployment, storeDeployment } from '../engine/deployer.ts';
import type { EngineService } from '../engine/service.ts';
import type { Handler, HandlerContext, TaskCheck } from '../engine/types.ts';
import { decideProposal, proposalById, type ProposalRow } from '../store/proposals.ts';

/**
 * The effect handlers of platform-deployment.bpmn: after the approval task, activate (store the
 * proposal's checked files as new versions) or reject. Each refuses to act for any other process,
 * for a proposal not bound to this instance, or without a decider other than the proposer; the
 * effect, its audit row and the proposal's new status commit in the step's transaction.
 */
export function deploymentHandlers(engine: EngineService): Record<string, Handler> {
  return {
    'platform.activateDeployment': async (ctx) => {
      const { proposal, decider } = await boundProposal(ctx);
      // Checked again against the platform as it is now (a handler or form may have gone since).
      const checked = await checkDeployment(ctx.trx, proposal.files, engine.checkOptions());
      const stored = await storeDeployment(ctx.trx, checked, { by: proposal.proposedBy, source: 'proposal', name: proposal.name, now: ctx.now });
      const comment = stringOrNull(ctx.variables.comment);
      if (!(await decideProposal(ctx.trx, proposal.id, { status: 'active', decidedBy: decider, decidedAt: ctx.now, comment, deploymentId: stored.result.id }))) {
        throw new Error(`部署方案 ${proposal.id} 已不是待审批状态`);
      }
      await appendAudit(ctx.trx, {
        actor: 'system',
        action: 'deployment.activate',
        objectType: 'deployment',
        objectId: stored.result.id ?? proposal.id,
        instanceId: ctx.instance.id,
        after: {
          proposalId: proposal.id,
          proposedBy: proposal.proposedBy,
          approvedBy: decider,
          comment,
          items: stored.result.items.filter((i) => !i.unchanged).map((i) => ({ file: i.file, kind: i.kind, key: i.key, version: i.version })),
        },
      }, ctx.now);
      // The engine's cache learns the new versions only once they are committed.
      ctx.trx.executionPromise
        .then(() => {
          engine.definitions.deployed();
          stored.compiled.forEach((d) => engine.definitions.put(d));
        })
        .catch(() => undefined);
      return { deploymentId: stored.result.id, proposalStatus: 'active' };
    },

    'platform.rejectDeployment': async (ctx) => {
      const { proposal, decider } = await boundProposal(ctx);
      const comment = stringOrNull(ctx.variables.comment);
      if (!(await decideProposal(ctx.trx, proposal.id, { status: 'rejected', decidedBy: decider, decidedAt: ctx.now, comment, deploymentId: null }))) {
        throw new Error(`部署方案 ${proposal.id} 已不是待审批状态`);
      }
      await appendAudit(ctx.trx, {
        actor: 'system',
        action: 'deployment.rejected',
        objectType: 'deployment-proposal',
        objectId: proposal.id,
        instanceId: ctx.instance.id,
        after: { proposedBy: proposal.proposedBy, rejectedBy: decider, comment },
      }, ctx.now);
      return { proposalStatus: 'rejected' };
    },
  };
}

/** The approval task refuses "reject" without a reason: the proposer must learn why. */
export const deploymentChecks: Record<string, TaskCheck> = {
  'platform.commentOnReject': ({ variables }) =>
    variables.decision === 'reject' && !String(variables.comment ?? '').trim() ? [{ field: 'comment', message: '驳回部署方案须填写理由' }] : [],
};

async function boundProposal(ctx: HandlerContext): Promise<{ proposal: ProposalRow; decider: string }> {
  if (ctx.instance.processKey !== PLATFORM_PROCESS) throw new Error(`处理程序只能由 ${PLATFORM_PROCESS} 流程调用`);
  const proposal = await proposalById(ctx.trx, String(ctx.variables.proposalId ?? ''));
  if (!proposal || proposal.instanceId !== ctx.instance.id) throw new Error('部署方案与本审批流程实例不对应');
  if (proposal.status !== 'pending') throw new Error(`部署方案 ${proposal.id} 已不是待审批状态`);
  const decider = await completerOf(ctx.trx, ctx.instance.id, APPROVAL_TASK);
  if (!decider || decider === proposal.proposedBy) throw new Error('部署方案缺少提交人以外的审批人');
  return { proposal, decider };
}

function stringOrNull(v: unknown): string | null {
  const s = typeof v === 'string' ? v.trim() : '';
  return s ? s.slice(0, 1000) : null;
}
