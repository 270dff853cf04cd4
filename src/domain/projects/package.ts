import type { Knex } from 'knex';
import { beijingDate } from '../../lib/workdays.ts';
import { contractsOf, ledgerOf, listProjectWarnings, projectsForPackage } from '../../store/projects.ts';
import type { Period } from '../supervision/periods.ts';
import { PROJECT_PROCESS } from './procedure.ts';

/** A self-built project as the provincial monthly package carries it (`projects` of pcp-operations/1). */
export interface PackagedProject {
  id: string;
  name: string;
  unitId: string;
  budget: number;
  fundSource: string | null;
  approvalDoc: string | null;
  stage: string;
  instanceId: string;
  caseNumber: string | null;
  status: string;
  startedAt: string;
  endedAt: string | null;
  acceptedOn: string | null;
  contracts: Array<{ lotName: string; procurementMethod: string; vendor: string; amount: number; signedOn: string; contractNo: string | null }>;
  contractTotal: number;
  approvedChanges: number;
  paid: number;
  progressReports: Array<{ month: string; percent: number | null }>;
  warnings: Array<{ kind: string; text: string; at: string }>;
}

const iso = (ms: unknown) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

/**
 * The projects the self-built-project procedure ran during a period (started before its end, not
 * ended before its start), with contracts, money, progress and the period's warnings.
 * Usage: `await projectsPackage(db, monthPeriod('2026-11'))`.
 */
export async function projectsPackage(db: Knex, period: Period): Promise<PackagedProject[]> {
  const rows = (await projectsForPackage(db, PROJECT_PROCESS)).filter(
    (r) => Number(r.run_started_at) < period.to && (r.run_ended_at === null || Number(r.run_ended_at) >= period.from),
  );
  const out: PackagedProject[] = [];
  for (const r of rows) {
    const contracts = await contractsOf(db, r.id);
    const ledger = await ledgerOf(db, r.id);
    const sum = (xs: Array<{ amount: number | null }>) => xs.reduce((n, x) => n + (x.amount ?? 0), 0);
    out.push({
      id: r.id,
      name: r.name,
      unitId: r.unit_id,
      budget: Number(r.investment_fen) / 100,
      fundSource: r.fund_source ?? null,
      approvalDoc: r.approval_doc ?? null,
      stage: r.stage,
      instanceId: r.instance_id,
      caseNumber: r.run_case_number ?? null,
      status: r.run_status,
      startedAt: iso(r.run_started_at)!,
      endedAt: iso(r.run_ended_at),
      acceptedOn: r.accepted_on ?? null,
      contracts: contracts.map((c) => ({ lotName: c.lotName, procurementMethod: c.procurementMethod, vendor: c.vendor, amount: c.amount, signedOn: c.signedOn, contractNo: c.contractNo })),
      contractTotal: sum(contracts),
      approvedChanges: sum(ledger.filter((e) => e.kind === 'change' && e.status === 'approved')),
      paid: sum(ledger.filter((e) => e.kind === 'payment')),
      progressReports: ledger.filter((e) => e.kind === 'progress').map((e) => ({ month: e.entryDate, percent: e.percent })),
      warnings: (await listProjectWarnings(db, { projectId: r.id, from: period.from, to: period.to })).map((w) => ({ kind: w.kind, text: w.text, at: beijingDate(w.createdAt) })),
    });
  }
  return out;
}

/** Every project risk warning, oldest first, with its evidence (what supervision reads). */
export async function projectWarnings(db: Knex) {
  return listProjectWarnings(db);
}
