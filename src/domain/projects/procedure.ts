import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { beijingDate } from '../../lib/workdays.ts';
import { insertNotifications } from '../../store/notifications.ts';
import {
  contractsOf,
  insertContract,
  insertLedgerEntry,
  insertProjectWarning,
  ledgerOf,
  projectOfInstance,
  setLedgerStatus,
  setProjectStage,
  updateProjectInitiation,
  type ProcurementMethod,
  type ProjectWarning,
} from '../../store/projects.ts';
import { getProject } from '../../store/records.ts';
import { activeMembers, unitPeople } from '../../store/warnings.ts';
import { createProject } from '../records.ts';
import { changeNeedsCollective, cny, METHOD_NAMES, splitContracts, type ProjectThresholds } from './rules.ts';

/** The process key of the procedure every self-built project of ≥ 300,000 CNY runs on (Art. 3). */
export const PROJECT_PROCESS = 'self-built-project';

/** What an effect of the procedure knows about its step. */
export interface Step {
  trx: Knex.Transaction;
  instanceId: string;
  by: string;
  now: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : v === null || v === undefined ? '' : String(v));
const amount = (v: unknown) => Math.round(Number(v) * 100) / 100;

async function projectOf(s: Step) {
  const p = await projectOfInstance(s.trx, s.instanceId);
  if (!p) throw new Error(`流程实例 ${s.instanceId} 没有登记的自建工程项目`);
  return p;
}

/**
 * 立项: registers the project on this instance — a project entered in the register before the
 * platform (`projectId`, not yet online) is put online on it; otherwise a new project is entered.
 * On a revision the same project's details are updated. Returns the project's id and unit.
 */
export async function registerRun(s: Step, v: Record<string, unknown>, unitId: string): Promise<{ projectId: string; projectUnitId: string }> {
  const details = {
    name: str(v.projectName),
    investment: amount(v.budget),
    fundSource: str(v.fundSource),
    approvalDoc: str(v.approvalDoc),
    location: str(v.location) || null,
    plannedStart: str(v.plannedStart) || null,
    instanceId: s.instanceId,
  };
  const existing = (await projectOfInstance(s.trx, s.instanceId)) ?? (str(v.projectId) && str(v.projectId) !== 'new' ? await getProject(s.trx, str(v.projectId)) : undefined);
  if (existing) {
    const row = await getProject(s.trx, existing.id);
    if (row?.instanceId && row.instanceId !== s.instanceId) throw new Error(`自建工程项目 ${existing.id} 已在另一流程实例中运行`);
    await updateProjectInitiation(s.trx, existing.id, details);
    return { projectId: existing.id, projectUnitId: existing.unitId };
  }
  const created = await createProject(
    s.trx,
    { name: details.name, unitId, investment: details.investment, location: details.location, plannedStart: details.plannedStart, stage: 'planned' },
    { by: s.by, now: s.now, instanceId: s.instanceId },
  );
  await updateProjectInitiation(s.trx, created.id, details);
  return { projectId: created.id, projectUnitId: unitId };
}

/** Raises a project risk warning once (dedupe key) and tells supervision and the unit's head. */
export async function raiseWarning(s: Step, w: Omit<ProjectWarning, 'id' | 'createdAt' | 'instanceId'>, projectName: string, unitId: string): Promise<boolean> {
  const fresh = await insertProjectWarning(s.trx, { ...w, id: randomUUID(), instanceId: s.instanceId, createdAt: s.now });
  if (!fresh) return false;
  const to = new Set(await activeMembers(s.trx, ['supervision']));
  const head = (await unitPeople(s.trx, unitId)).head;
  if (head) to.add(head);
  await insertNotifications(
    s.trx,
    [...to].map((userId) => ({
      id: randomUUID(),
      userId,
      kind: `project.${w.kind}`,
      level: 'red' as const,
      title: `自建工程风险预警：${projectName}`,
      body: w.text,
      taskId: null,
      instanceId: s.instanceId,
      dedupeKey: `${w.dedupeKey}:${userId}`,
      createdAt: s.now,
      readAt: null,
    })),
  );
  return true;
}

/** 合同: records a contract approved by legal review, and checks for 化整为零 across the project's contracts. */
export async function recordContract(s: Step, v: Record<string, unknown>, t: ProjectThresholds): Promise<{ contractTotal: number; splitWarning: boolean }> {
  const p = await projectOf(s);
  const before = await contractsOf(s.trx, p.id);
  const contract = {
    id: randomUUID(),
    projectId: p.id,
    instanceId: s.instanceId,
    lotName: str(v.lotName),
    procurementMethod: str(v.procurementMethod) as ProcurementMethod,
    vendor: str(v.vendor),
    amount: amount(v.contractAmount),
    signedOn: str(v.signedOn),
    contractNo: str(v.contractNo) || null,
    createdAt: s.now,
  };
  await insertContract(s.trx, contract);
  const split = splitContracts(before, contract, t);
  let splitWarning = false;
  if (split.length) {
    const total = split.reduce((n, c) => n + c.amount, 0);
    splitWarning = await raiseWarning(
      s,
      {
        projectId: p.id,
        kind: 'split-contract',
        text: `疑似化整为零规避招标：${p.name}与“${contract.vendor}”在 ${t.splitWindowMonths} 个月内签订 ${split.length} 份合同，单份均低于公开招标限额 ${cny(t.tenderThreshold)}，合计 ${cny(total)}`,
        evidence: { vendor: contract.vendor, tenderThreshold: t.tenderThreshold, windowMonths: t.splitWindowMonths, total, contracts: split.map((c) => ({ id: c.id, lotName: c.lotName, amount: c.amount, signedOn: c.signedOn, procurementMethod: METHOD_NAMES[c.procurementMethod] ?? c.procurementMethod })) },
        dedupeKey: `project:${p.id}:split:${contract.id}`,
      },
      p.name,
      p.unitId,
    );
  }
  await setProjectStage(s.trx, p.id, 'building');
  return { contractTotal: before.reduce((n, c) => n + c.amount, 0) + contract.amount, splitWarning };
}

/** The contract total, approved changes and payments of a project. */
async function money(s: Step, projectId: string) {
  const contracts = await contractsOf(s.trx, projectId);
  const ledger = await ledgerOf(s.trx, projectId);
  const contractTotal = contracts.reduce((n, c) => n + c.amount, 0);
  const approvedChanges = ledger.filter((e) => e.kind === 'change' && e.status === 'approved').reduce((n, e) => n + Math.abs(e.amount ?? 0), 0);
  const netChanges = ledger.filter((e) => e.kind === 'change' && e.status === 'approved').reduce((n, e) => n + (e.amount ?? 0), 0);
  const payments = ledger.filter((e) => e.kind === 'payment');
  return { contracts, contractTotal, approvedChanges, netChanges, payments, paid: payments.reduce((n, e) => n + (e.amount ?? 0), 0) };
}

/** Records a payment and warns when the payments exceed the contract amount (with approved changes). */
async function recordPayment(s: Step, p: { id: string; name: string; unitId: string }, paid: number, date: string, note: string | null): Promise<{ totalPaid: number; overpaid: boolean }> {
  const id = randomUUID();
  if (paid > 0) await insertLedgerEntry(s.trx, { id, projectId: p.id, instanceId: s.instanceId, kind: 'payment', entryDate: date, amount: paid, percent: null, status: 'recorded', afterAcceptance: false, note, createdBy: s.by, createdAt: s.now });
  const m = await money(s, p.id);
  const limit = m.contractTotal + m.netChanges;
  if (paid > 0 && m.paid > limit + 0.001) {
    await raiseWarning(
      s,
      {
        projectId: p.id,
        kind: 'overpayment',
        text: `超合同金额支付：${p.name}累计支付 ${cny(m.paid)}，超过合同金额 ${cny(m.contractTotal)}${m.netChanges ? `（含已批准变更 ${cny(m.netChanges)}，合计 ${cny(limit)}）` : ''} ${cny(m.paid - limit)}`,
        evidence: { totalPaid: m.paid, contractTotal: m.contractTotal, approvedChanges: m.netChanges, limit, payments: m.payments.map((e) => ({ date: e.entryDate, amount: e.amount, note: e.note })), contracts: m.contracts.map((c) => ({ vendor: c.vendor, amount: c.amount, contractNo: c.contractNo })) },
        dedupeKey: `project:${p.id}:overpayment:${id}`,
      },
      p.name,
      p.unitId,
    );
    return { totalPaid: m.paid, overpaid: true };
  }
  return { totalPaid: m.paid, overpaid: false };
}

/** 施工: a monthly progress report (with the month's payment). */
export async function recordProgress(s: Step, v: Record<string, unknown>): Promise<Record<string, unknown>> {
  const p = await projectOf(s);
  const month = str(v.reportMonth);
  await insertLedgerEntry(s.trx, { id: randomUUID(), projectId: p.id, instanceId: s.instanceId, kind: 'progress', entryDate: month, amount: null, percent: Math.round(Number(v.progressPercent)), status: 'recorded', afterAcceptance: false, note: str(v.progressNote) || null, createdBy: s.by, createdAt: s.now });
  const pay = await recordPayment(s, p, amount(v.paymentAmount || 0), `${month}`, `${month} 进度款`);
  return { lastReportMonth: month, lastProgressPercent: Math.round(Number(v.progressPercent)), totalPaid: pay.totalPaid, paymentAmount: 0 };
}

/** 施工: no progress report within the month after the last one — a warning. */
export async function missedReport(s: Step, v: Record<string, unknown>): Promise<void> {
  const p = await projectOf(s);
  const last = str(v.lastReportMonth) || null;
  const today = beijingDate(s.now);
  await raiseWarning(
    s,
    {
      projectId: p.id,
      kind: 'missed-report',
      text: `未按月报告施工进度：${p.name}${last ? `上次报告为 ${last}` : '开工后尚未报告进度'}，截至 ${today} 已超过一个月未报告`,
      evidence: { lastReportMonth: last, checkedOn: today, reportsFiled: (await ledgerOf(s.trx, p.id, 'progress')).map((e) => e.entryDate) },
      dedupeKey: `project:${p.id}:missed:${last ?? 'none'}:${today.slice(0, 7)}`,
    },
    p.name,
    p.unitId,
  );
}

/** 变更签证: records the change order (pending) and whether cumulative changes need the leaders' collective decision. */
export async function recordChange(s: Step, v: Record<string, unknown>, t: ProjectThresholds, opts: { afterAcceptance?: boolean } = {}): Promise<Record<string, unknown>> {
  const p = await projectOf(s);
  const m = await money(s, p.id);
  const change = amount(v.changeAmount);
  const id = randomUUID();
  const after = opts.afterAcceptance || Boolean(p.acceptedOn);
  await insertLedgerEntry(s.trx, { id, projectId: p.id, instanceId: s.instanceId, kind: 'change', entryDate: str(v.changeDate) || beijingDate(s.now), amount: change, percent: null, status: 'pending', afterAcceptance: after, note: str(v.changeReason) || null, createdBy: s.by, createdAt: s.now });
  const c = changeNeedsCollective(m.approvedChanges, change, m.contractTotal, t);
  if (after) {
    await raiseWarning(
      s,
      {
        projectId: p.id,
        kind: 'change-after-acceptance',
        text: `竣工验收后发生变更签证：${p.name}于 ${p.acceptedOn ?? '—'} 通过竣工验收，其后签证 ${cny(change)}（${str(v.changeReason)}）`,
        evidence: { acceptedOn: p.acceptedOn, changeDate: str(v.changeDate) || beijingDate(s.now), changeAmount: change, reason: str(v.changeReason), changeId: id },
        dedupeKey: `project:${p.id}:late-change:${id}`,
      },
      p.name,
      p.unitId,
    );
  }
  return { changeId: id, cumulativeChange: c.cumulative, changeRatioPercent: Math.round(c.ratio * 1000) / 10, needsCollective: c.needsCollective, contractTotal: m.contractTotal };
}

/** The decision on the pending change order: approved by the approver (and, when needed, the leaders collectively). */
export async function decideChange(s: Step, v: Record<string, unknown>): Promise<{ changeStatus: string }> {
  const approved = v.changeDecision === 'approve' && (v.needsCollective !== true || v.collectiveDecision === 'approve');
  const status = approved ? 'approved' : 'rejected';
  await setLedgerStatus(s.trx, str(v.changeId), status);
  return { changeStatus: status };
}

export async function recordAcceptance(s: Step, v: Record<string, unknown>): Promise<void> {
  const p = await projectOf(s);
  await setProjectStage(s.trx, p.id, 'completed', { acceptedOn: str(v.acceptedOn) || beijingDate(s.now) });
}

/** 决算: the final payment, and any change order signed after 竣工验收 (补办签证). */
export async function recordFinalAccount(s: Step, v: Record<string, unknown>, t: ProjectThresholds): Promise<Record<string, unknown>> {
  const p = await projectOf(s);
  let late = false;
  if (Number(v.lateChangeAmount) > 0) {
    await recordChange(s, { changeAmount: v.lateChangeAmount, changeReason: v.lateChangeReason, changeDate: beijingDate(s.now) }, t, { afterAcceptance: true });
    late = true;
  }
  const pay = await recordPayment(s, p, amount(v.finalPayment || 0), beijingDate(s.now), '决算支付');
  return { totalPaid: pay.totalPaid, overpaid: pay.overpaid, lateChange: late };
}

export async function archiveRun(s: Step): Promise<void> {
  const p = await projectOf(s);
  await setProjectStage(s.trx, p.id, 'archived', { archivedAt: s.now });
}
