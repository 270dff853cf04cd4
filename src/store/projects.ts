import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

/**
 * The self-built project procedure's records (self-built-project.bpmn): the 立项 details on the
 * project row, its contracts, its ledger (progress reports, payments, change orders) and the risk
 * warnings raised on it. Amounts are stored in fen (exact) and answered in yuan.
 */

export type ProcurementMethod = 'public-tender' | 'comparison' | 'inquiry';

export interface ProjectContract {
  id: string;
  projectId: string;
  instanceId: string;
  lotName: string;
  procurementMethod: ProcurementMethod;
  vendor: string;
  amount: number;
  signedOn: string;
  contractNo: string | null;
  createdAt: number;
}

export interface LedgerEntry {
  id: string;
  projectId: string;
  instanceId: string;
  kind: 'progress' | 'payment' | 'change';
  entryDate: string;
  amount: number | null;
  percent: number | null;
  status: 'recorded' | 'pending' | 'approved' | 'rejected';
  afterAcceptance: boolean;
  note: string | null;
  createdBy: string;
  createdAt: number;
}

export interface ProjectWarning {
  id: string;
  projectId: string;
  instanceId: string;
  kind: 'split-contract' | 'change-after-acceptance' | 'overpayment' | 'missed-report';
  text: string;
  evidence: Record<string, unknown>;
  dedupeKey: string;
  createdAt: number;
}

const fen = (yuan: number | null) => (yuan === null ? null : Math.round(yuan * 100));
const yuan = (f: unknown) => (f === null || f === undefined ? null : Number(f) / 100);

const toContract = (r: any): ProjectContract => ({
  id: r.id,
  projectId: r.project_id,
  instanceId: r.instance_id,
  lotName: r.lot_name,
  procurementMethod: r.procurement_method,
  vendor: r.vendor,
  amount: Number(r.amount_fen) / 100,
  signedOn: r.signed_on,
  contractNo: r.contract_no,
  createdAt: Number(r.created_at),
});

const toEntry = (r: any): LedgerEntry => ({
  id: r.id,
  projectId: r.project_id,
  instanceId: r.instance_id,
  kind: r.kind,
  entryDate: r.entry_date,
  amount: yuan(r.amount_fen),
  percent: r.percent === null ? null : Number(r.percent),
  status: r.status,
  afterAcceptance: Boolean(r.after_acceptance),
  note: r.note,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
});

const toWarning = (r: any): ProjectWarning => ({
  id: r.id,
  projectId: r.project_id,
  instanceId: r.instance_id,
  kind: r.kind,
  text: r.text,
  evidence: fromJson(r.evidence, {}),
  dedupeKey: r.dedupe_key,
  createdAt: Number(r.created_at),
});

/** The project an instance of the procedure runs, if any. */
export async function projectOfInstance(db: Knex | Knex.Transaction, instanceId: string): Promise<{ id: string; name: string; unitId: string; investment: number; acceptedOn: string | null } | undefined> {
  const r = await db('self_built_projects').where({ instance_id: instanceId }).first('id', 'name', 'unit_id', 'investment_fen', 'accepted_on');
  return r && { id: r.id, name: r.name, unitId: r.unit_id, investment: Number(r.investment_fen) / 100, acceptedOn: r.accepted_on ?? null };
}

/** Writes the 立项 details (and the budget) of a project the procedure runs. */
export async function updateProjectInitiation(
  db: Knex | Knex.Transaction,
  id: string,
  x: { name: string; investment: number; fundSource: string; approvalDoc: string; location: string | null; plannedStart: string | null; instanceId: string },
): Promise<void> {
  await db('self_built_projects').where({ id }).update({
    name: x.name,
    investment_fen: Math.round(x.investment * 100),
    online_required: x.investment >= 300_000 ? true : db.raw('online_required'),
    fund_source: x.fundSource,
    approval_doc: x.approvalDoc,
    location: x.location,
    planned_start: x.plannedStart,
    instance_id: x.instanceId,
  });
}

export async function setProjectStage(db: Knex | Knex.Transaction, id: string, stage: string, extra: { acceptedOn?: string; archivedAt?: number } = {}): Promise<void> {
  await db('self_built_projects')
    .where({ id })
    .update({ stage, ...(extra.acceptedOn ? { accepted_on: extra.acceptedOn } : {}), ...(extra.archivedAt ? { archived_at: extra.archivedAt } : {}) });
}

export async function insertContract(db: Knex | Knex.Transaction, c: ProjectContract): Promise<void> {
  await db('project_contracts').insert({
    id: c.id,
    project_id: c.projectId,
    instance_id: c.instanceId,
    lot_name: c.lotName,
    procurement_method: c.procurementMethod,
    vendor: c.vendor,
    amount_fen: fen(c.amount),
    signed_on: c.signedOn,
    contract_no: c.contractNo,
    created_at: c.createdAt,
  });
}

export async function contractsOf(db: Knex | Knex.Transaction, projectId: string): Promise<ProjectContract[]> {
  return (await db('project_contracts').where({ project_id: projectId }).orderBy('signed_on').orderBy('created_at')).map(toContract);
}

export async function insertLedgerEntry(db: Knex | Knex.Transaction, e: LedgerEntry): Promise<void> {
  await db('project_ledger').insert({
    id: e.id,
    project_id: e.projectId,
    instance_id: e.instanceId,
    kind: e.kind,
    entry_date: e.entryDate,
    amount_fen: fen(e.amount),
    percent: e.percent,
    status: e.status,
    after_acceptance: e.afterAcceptance,
    note: e.note,
    created_by: e.createdBy,
    created_at: e.createdAt,
  });
}

export async function setLedgerStatus(db: Knex | Knex.Transaction, id: string, status: LedgerEntry['status']): Promise<void> {
  await db('project_ledger').where({ id }).update({ status });
}

export async function ledgerOf(db: Knex | Knex.Transaction, projectId: string, kind?: LedgerEntry['kind']): Promise<LedgerEntry[]> {
  const q = db('project_ledger').where({ project_id: projectId }).orderBy('created_at').orderBy('id');
  if (kind) q.where({ kind });
  return (await q).map(toEntry);
}

/** Inserts a warning once (by its dedupe key, unique in the table); true when it is new. */
export async function insertProjectWarning(db: Knex | Knex.Transaction, w: ProjectWarning): Promise<boolean> {
  if (await db('project_warnings').where({ dedupe_key: w.dedupeKey }).first('id')) return false;
  await db('project_warnings').insert({ id: w.id, project_id: w.projectId, instance_id: w.instanceId, kind: w.kind, text: w.text, evidence: toJson(w.evidence), dedupe_key: w.dedupeKey, created_at: w.createdAt });
  return true;
}

export async function listProjectWarnings(db: Knex | Knex.Transaction, f: { projectId?: string; instanceId?: string; from?: number; to?: number } = {}): Promise<ProjectWarning[]> {
  const q = db('project_warnings').orderBy('created_at').orderBy('id');
  if (f.projectId) q.where('project_id', f.projectId);
  if (f.instanceId) q.where('instance_id', f.instanceId);
  if (f.from !== undefined) q.where('created_at', '>=', f.from);
  if (f.to !== undefined) q.where('created_at', '<', f.to);
  return (await q).map(toWarning);
}

/** Projects with their run for a period's package: every project the procedure ran, with its contracts, ledger and warnings. */
export async function projectsForPackage(db: Knex, processKey: string): Promise<Array<Record<string, any>>> {
  const rows = await db('self_built_projects as p')
    .join('process_instances as i', 'i.id', 'p.instance_id')
    .where('i.process_key', processKey)
    .orderBy('p.id')
    .select('p.*', 'i.status as run_status', 'i.started_at as run_started_at', 'i.ended_at as run_ended_at', 'i.case_number as run_case_number');
  return rows;
}
