import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { checkDeployment, planDeployment, type CheckedDeployment } from '../../engine/deployer.ts';
import type { EngineService } from '../../engine/service.ts';
import type { StepResult } from '../../engine/steps.ts';
import type { Actor, DeployedItem, DeployFile } from '../../engine/types.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { latestDefinition } from '../../store/definitions.ts';
import { openTasksOfInstance, type TaskRow } from '../../store/tasks.ts';
import { insertProposal, pendingWithHash, proposalById, type ProposalRow } from '../../store/proposals.ts';

/** The procedure that approves deployments (processes/platform-deployment.bpmn). */
export const PLATFORM_PROCESS = 'platform-deployment';
export const APPROVAL_TASK = 'Task_Approval';

/**
 * Groups that carry power over deployments: a proposer's colleagues in them may not approve
 * (four eyes means a second person from a different group). `staff`, which nearly everyone
 * shares, is not one of them.
 */
const DEPLOYMENT_GROUPS = ['process-owners', 'leaders', 'supervision'];

export type ProposeOutcome =
  | { id: null; status: 'unchanged'; items: DeployedItem[]; notes: Array<{ file: string; message: string }> }
  | { id: string; status: 'pending'; items: DeployedItem[]; notes: Array<{ file: string; message: string }>; approverGroup: string; instanceId: string };

/**
 * Checks `files` with every deploy check and, if anything changes, stores them as a pending
 * proposal and starts its approval (platform-deployment) in one transaction. Nothing of it can be
 * started until the approval's effect handler activates it.
 * Usage: `await propose(engine, files, { proposer: person, name, source: 'api', hook })`.
 */
export async function propose(
  engine: EngineService,
  files: DeployFile[],
  opts: { proposer: Actor; name?: string; source: string; hook?: (trx: Knex.Transaction, p: ProposalRow) => Promise<void> },
): Promise<ProposeOutcome> {
  const checked = await checkDeployment(engine.db, files, engine.checkOptions());
  const items = await planDeployment(engine.db, checked);
  if (items.every((i) => i.unchanged)) return { id: null, status: 'unchanged', items, notes: checked.notes };
  const filesHash = hashFiles(files);
  const again = await pendingWithHash(engine.db, opts.proposer.id, filesHash);
  if (again) return { id: again.id, status: 'pending', items: again.items, notes: checked.notes, approverGroup: again.approverGroup, instanceId: again.instanceId! };

  const { def } = await engine.definitions.latest(PLATFORM_PROCESS).catch(() => {
    throw new ConflictError('部署审批流程（platform-deployment）尚未部署，无法提交部署方案', 'APPROVAL_PROCEDURE_MISSING');
  });
  const start = def.model.startEvents.find((s) => s.kind === 'none');
  if (!start) throw new ConflictError('部署审批流程缺少开始事件', 'APPROVAL_PROCEDURE_MISSING');
  const proposerGroups = opts.proposer.groups.filter((g) => DEPLOYMENT_GROUPS.includes(g));
  const approverGroup = await approverGroupFor(engine.db, opts.proposer, checked, items);
  const row: ProposalRow = {
    id: randomUUID(),
    status: 'pending',
    name: (opts.name ?? items.filter((i) => !i.unchanged).map((i) => i.file).join(', ')).slice(0, 200),
    source: opts.source,
    proposedBy: opts.proposer.id,
    proposerGroups,
    approverGroup,
    proposedAt: engine.clock.now(),
    files,
    items,
    filesHash,
    instanceId: null,
    decidedBy: null,
    decidedAt: null,
    comment: null,
    deploymentId: null,
  };
  const res = await engine.steps.start(def, start.id, {
    businessKey: row.id,
    by: opts.proposer.id,
    variables: { proposalId: row.id, proposer: opts.proposer.id, proposerGroups, approverGroup, proposalSummary: summary(row) },
    hook: async (trx: Knex.Transaction, step: StepResult) => {
      row.instanceId = step.instance.id;
      await insertProposal(trx, row);
      await opts.hook?.(trx, row);
    },
  });
  return { id: row.id, status: 'pending', items, notes: checked.notes, approverGroup, instanceId: res.instance.id };
}

/**
 * Leaders approve; supervision approves supervision's own procedures (those it starts), and a
 * proposal by a member of the preferred group goes to the other one.
 */
async function approverGroupFor(db: Knex, proposer: Actor, checked: CheckedDeployment, items: DeployedItem[]): Promise<string> {
  const changed = new Set(items.filter((i) => i.kind === 'process' && !i.unchanged).map((i) => i.key));
  let supervisionOwn = false;
  for (const p of checked.processes.filter((x) => changed.has(x.model.processId))) {
    const current = await latestDefinition(db, p.model.processId);
    if (p.model.starterGroups?.includes('supervision') || current?.starterGroups?.includes('supervision')) supervisionOwn = true;
  }
  const preferred = supervisionOwn ? 'supervision' : 'leaders';
  const other = supervisionOwn ? 'leaders' : 'supervision';
  return proposer.groups.includes(preferred) ? other : preferred;
}

const KIND_NAMES: Record<DeployedItem['kind'], string> = { process: '流程', form: '表单', decision: '决策表' };

function summary(p: ProposalRow): string {
  const changed = p.items.filter((i) => !i.unchanged).map((i) => `${KIND_NAMES[i.kind]} ${i.key} → 第 ${i.version} 版`);
  return `${p.name}\n${changed.join('\n')}`.slice(0, 2000);
}

function hashFiles(files: DeployFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) h.update(f.name).update('\0').update(f.content).update('\0');
  return h.digest('hex');
}

/** The proposal and, while it waits, its open approval task. 404 for an unknown id. */
export async function proposalWithTask(db: Knex, id: string): Promise<{ proposal: ProposalRow; task: TaskRow | undefined }> {
  const proposal = await proposalById(db, id);
  if (!proposal) throw new NotFoundError(`部署方案 ${id} 不存在`, 'PROPOSAL_NOT_FOUND');
  const tasks = proposal.instanceId ? await openTasksOfInstance(db, proposal.instanceId) : [];
  return { proposal, task: tasks.find((t) => t.elementId === APPROVAL_TASK) };
}
