import { decisionFile } from '../domain/decisions.ts';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { proposalWithTask } from '../domain/deployments/proposals.ts';
import { AppError, ConflictError, ForbiddenError } from '../errors.ts';
import { latestForm } from '../store/definitions.ts';
import { definitionVersionXml, listProposals, proposalById, type ProposalRow } from '../store/proposals.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import * as api from './contracts/deployments.ts';
import { routeMounter } from './route.ts';
import { iso } from './present.ts';

/** Who sees proposals: the approvers and the process owners who make them. */
const READERS = ['leaders', 'supervision', 'process-owners'];

export function proposalJson(p: ProposalRow, taskId?: string | null) {
  return {
    id: p.id,
    status: p.status,
    name: p.name,
    source: p.source,
    proposedBy: p.proposedBy,
    proposedAt: iso(p.proposedAt),
    approverGroup: p.approverGroup,
    items: p.items,
    instanceId: p.instanceId,
    taskId: taskId ?? null,
    decidedBy: p.decidedBy,
    decidedAt: iso(p.decidedAt),
    comment: p.comment,
    deploymentId: p.deploymentId,
  };
}

/**
 * GET /deployments?status=pending, GET /deployments/:id (with each changed file's old and new
 * content, for the approver's diff), POST /deployments/:id/approve {comment?} and
 * /deployments/:id/reject {comment}. Deciding completes the proposal's approval task
 * (platform-deployment.bpmn), so the engine's candidate and separation-of-duties rules decide who
 * may; the effect (activation or rejection) then runs at once, and the answer shows its result.
 */
export function addProposalRoutes(r: Router, deps: ApiDeps): void {
  const route = routeMounter(r, deps.limits.jsonBytes);
  const { engine, db } = deps;

  route(
    api.deploymentList,
    async (_ctx, { query }) => {
      const rows = await listProposals(db, { status: query.status, limit: query.limit });
      return { items: rows.map((p) => proposalJson(p)) };
    },
    { guard: requireReader },
  );

  route(api.deploymentGet, async (ctx, { params }) => {
    requireReader(ctx);
    const { proposal, task } = await proposalWithTask(db, params.id);
    const files = [];
    for (const item of proposal.items) {
      const file = proposal.files.find((f) => f.name === item.file);
      if (!file || item.unchanged) continue;
      const previous = item.kind === 'process'
        ? await definitionVersionXml(db, item.key)
        : item.kind === 'decision'
          ? await decisionFile(db, item.key).then((d) => d?.xml ?? null)
          : await latestForm(db, item.key).then((f) => (f ? JSON.stringify(f.schema, null, 2) : null));
      files.push({ file: item.file, kind: item.kind, key: item.key, version: item.version, content: file.content, previous });
    }
    return { ...proposalJson(proposal, task?.id), files };
  });

  const decide = (decision: 'approve' | 'reject') => async (ctx: Context, { params, body }: { params: { id: string }; body: { comment?: string } }) => {
    const { comment } = body;
    const { proposal, task } = await proposalWithTask(db, params.id);
    if (proposal.status !== 'pending' || !task) throw decided(proposal);
    try {
      await engine.complete(task.id, {
        by: me(ctx),
        variables: { decision, comment: comment ?? '' },
        hook: auditHook(ctx, deps, () => ({
          action: `deployment.${decision}`,
          objectType: 'deployment-proposal',
          objectId: proposal.id,
          instanceId: proposal.instanceId,
          before: { status: 'pending' },
          after: { decision, comment: comment ?? null, items: proposal.items.filter((i) => !i.unchanged) },
        })),
      });
    } catch (err) {
      // The other approver was first: the task is no longer open.
      if (err instanceof AppError && (err.code === 'TASK_NOT_OPEN' || err.code === 'INSTANCE_ENDED')) throw decided(proposal);
      throw err;
    }
    await engine.jobs.runDueOf(proposal.instanceId!);
    return proposalJson((await proposalById(db, proposal.id))!);
  };
  route(api.deploymentApprove, decide('approve'));
  route(api.deploymentReject, decide('reject'));
}

function decided(p: ProposalRow): ConflictError {
  return new ConflictError('该部署方案已经审批过，不能重复审批', 'PROPOSAL_DECIDED', { status: p.status, decidedBy: p.decidedBy });
}

function requireReader(ctx: Context): void {
  if (!me(ctx).groups.some((g) => READERS.includes(g))) throw new ForbiddenError('仅分管局领导、监察室和流程管理员可以查看部署方案');
}


