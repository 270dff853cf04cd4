import type { Knex } from 'knex';
import type { DeployedItem, DeployFile } from './definitions.ts';
import { fromJson, toJson } from './json.ts';

export type ProposalStatus = 'pending' | 'active' | 'rejected';

export interface ProposalRow {
  id: string;
  status: ProposalStatus;
  name: string;
  source: string;
  proposedBy: string;
  proposerGroups: string[];
  approverGroup: string;
  proposedAt: number;
  files: DeployFile[];
  items: DeployedItem[];
  filesHash: string;
  instanceId: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  comment: string | null;
  deploymentId: string | null;
}

const LIST_COLUMNS = [
  'id', 'status', 'name', 'source', 'proposed_by', 'proposer_groups', 'approver_group', 'proposed_at', 'items', 'files_hash',
  'instance_id', 'decided_by', 'decided_at', 'comment', 'deployment_id',
];

function toRow(r: any): ProposalRow {
  return {
    id: r.id,
    status: r.status,
    name: r.name,
    source: r.source,
    proposedBy: r.proposed_by,
    proposerGroups: fromJson(r.proposer_groups, []),
    approverGroup: r.approver_group,
    proposedAt: Number(r.proposed_at),
    files: fromJson(r.files, []),
    items: fromJson(r.items, []),
    filesHash: r.files_hash,
    instanceId: r.instance_id ?? null,
    decidedBy: r.decided_by ?? null,
    decidedAt: r.decided_at === null || r.decided_at === undefined ? null : Number(r.decided_at),
    comment: r.comment ?? null,
    deploymentId: r.deployment_id ?? null,
  };
}

export async function insertProposal(db: Knex, p: ProposalRow): Promise<void> {
  await db('deployment_proposals').insert({
    id: p.id,
    status: p.status,
    name: p.name,
    source: p.source,
    proposed_by: p.proposedBy,
    proposer_groups: toJson(p.proposerGroups),
    approver_group: p.approverGroup,
    proposed_at: p.proposedAt,
    files: toJson(p.files),
    items: toJson(p.items),
    files_hash: p.filesHash,
    instance_id: p.instanceId,
    decided_by: null,
    decided_at: null,
    comment: null,
    deployment_id: null,
  });
}

export async function setProposalInstance(db: Knex, id: string, instanceId: string): Promise<void> {
  await db('deployment_proposals').where({ id }).update({ instance_id: instanceId });
}

/** Decides a pending proposal; false when it was no longer pending (decided meanwhile). */
export async function decideProposal(
  db: Knex,
  id: string,
  d: { status: 'active' | 'rejected'; decidedBy: string; decidedAt: number; comment: string | null; deploymentId: string | null },
): Promise<boolean> {
  const n = await db('deployment_proposals')
    .where({ id, status: 'pending' })
    .update({ status: d.status, decided_by: d.decidedBy, decided_at: d.decidedAt, comment: d.comment, deployment_id: d.deploymentId });
  return n === 1;
}

/** One proposal with its files (what activation stores and the approver's diff shows). */
export async function proposalById(db: Knex, id: string): Promise<ProposalRow | undefined> {
  const r = await db('deployment_proposals').where({ id }).first();
  return r && toRow(r);
}

/** Proposals without their files, newest first. */
export async function listProposals(db: Knex, f: { status?: ProposalStatus; limit: number }): Promise<ProposalRow[]> {
  const q = db('deployment_proposals').select(LIST_COLUMNS).orderBy('proposed_at', 'desc').orderBy('id').limit(f.limit);
  if (f.status) q.where({ status: f.status });
  return (await q).map((r: any) => toRow({ ...r, files: '[]' }));
}

/** A pending proposal of exactly these files by this proposer (a restarted node proposes once). */
export async function pendingWithHash(db: Knex, proposedBy: string, filesHash: string): Promise<ProposalRow | undefined> {
  const r = await db('deployment_proposals').select(LIST_COLUMNS).where({ status: 'pending', proposed_by: proposedBy, files_hash: filesHash }).first();
  return r && toRow({ ...r, files: '[]' });
}

export async function countDefinitions(db: Knex): Promise<number> {
  const r = await db('process_definitions').count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

/** The XML of the newest stored version of `key` (null for a new process): the diff's old side. */
export async function definitionVersionXml(db: Knex, key: string): Promise<string | null> {
  const r = await db('process_definitions').select('bpmn_xml').where({ key }).orderBy('version', 'desc').first();
  return r?.bpmn_xml ?? null;
}
