import type { Knex } from 'knex';
import type { Approval } from './catalog.ts';
import { fromJson, toJson } from './json.ts';

/** Accountability cases (Art. 13) and the annual appraisal records their decisions go into. */

export interface AccountabilityCase {
  id: string;
  instanceId: string;
  source: string;
  sourceRef: string | null;
  category: number;
  subjectKind: 'person' | 'unit';
  userId: string | null;
  unitId: string | null;
  facts: string;
  status: 'open' | 'decided' | 'dismissed';
  opinion: string | null;
  outcome: string | null;
  serious: boolean;
  openedBy: string;
  openedAt: number;
  closedAt: number | null;
}

export interface AppraisalRecord {
  id: string;
  year: number;
  subjectKind: 'person' | 'unit';
  userId: string | null;
  unitId: string | null;
  kind: string;
  category: number | null;
  outcome: string;
  deduction: number;
  serious: boolean;
  facts: string;
  decision: string;
  measures: string | null;
  approvals: Approval[];
  caseId: string | null;
  instanceId: string | null;
  enteredAt: number;
}

const toCase = (r: any): AccountabilityCase => ({
  id: r.id,
  instanceId: r.instance_id,
  source: r.source,
  sourceRef: r.source_ref,
  category: Number(r.category),
  subjectKind: r.subject_kind,
  userId: r.user_id,
  unitId: r.unit_id,
  facts: r.facts,
  status: r.status,
  opinion: r.opinion,
  outcome: r.outcome,
  serious: Boolean(r.serious),
  openedBy: r.opened_by,
  openedAt: Number(r.opened_at),
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
});

const toAppraisal = (r: any): AppraisalRecord => ({
  id: r.id,
  year: Number(r.year),
  subjectKind: r.subject_kind,
  userId: r.user_id,
  unitId: r.unit_id,
  kind: r.kind,
  category: r.category === null ? null : Number(r.category),
  outcome: r.outcome,
  deduction: Number(r.deduction),
  serious: Boolean(r.serious),
  facts: r.facts,
  decision: r.decision,
  measures: r.measures,
  approvals: fromJson(r.approvals, []),
  caseId: r.case_id,
  instanceId: r.instance_id,
  enteredAt: Number(r.entered_at),
});

/** Creates the case row of an instance, or returns the existing one (a retried handler). */
export async function upsertCase(trx: Knex | Knex.Transaction, c: AccountabilityCase): Promise<AccountabilityCase> {
  const existing = await trx('accountability_cases').where({ instance_id: c.instanceId }).first();
  if (existing) return toCase(existing);
  await trx('accountability_cases').insert({
    id: c.id,
    instance_id: c.instanceId,
    source: c.source,
    source_ref: c.sourceRef,
    category: c.category,
    subject_kind: c.subjectKind,
    user_id: c.userId,
    unit_id: c.unitId,
    facts: c.facts,
    status: c.status,
    opinion: c.opinion,
    outcome: c.outcome,
    serious: c.serious,
    opened_by: c.openedBy,
    opened_at: c.openedAt,
    closed_at: c.closedAt,
  });
  return c;
}

export async function closeCase(
  trx: Knex | Knex.Transaction,
  instanceId: string,
  patch: { status: 'decided' | 'dismissed'; opinion: string | null; outcome: string | null; serious: boolean; closedAt: number },
): Promise<void> {
  await trx('accountability_cases').where({ instance_id: instanceId }).update({
    status: patch.status,
    opinion: patch.opinion,
    outcome: patch.outcome,
    serious: patch.serious,
    closed_at: patch.closedAt,
  });
}

export async function caseOfInstance(db: Knex | Knex.Transaction, instanceId: string): Promise<AccountabilityCase | undefined> {
  const r = await db('accountability_cases').where({ instance_id: instanceId }).first();
  return r && toCase(r);
}

export async function listCases(db: Knex, f: { status?: string; userId?: string } = {}): Promise<AccountabilityCase[]> {
  const q = db('accountability_cases').orderBy('opened_at', 'desc').orderBy('id');
  if (f.status) q.where('status', f.status);
  if (f.userId) q.where('user_id', f.userId);
  return (await q).map(toCase);
}

/** Adds an appraisal record unless the instance already entered one (a retried handler). */
export async function insertAppraisal(trx: Knex | Knex.Transaction, a: AppraisalRecord): Promise<AppraisalRecord> {
  if (a.instanceId) {
    const existing = await trx('appraisal_records').where({ instance_id: a.instanceId, kind: a.kind }).first();
    if (existing) return toAppraisal(existing);
  }
  await trx('appraisal_records').insert({
    id: a.id,
    year: a.year,
    subject_kind: a.subjectKind,
    user_id: a.userId,
    unit_id: a.unitId,
    kind: a.kind,
    category: a.category,
    outcome: a.outcome,
    deduction: a.deduction,
    serious: a.serious,
    facts: a.facts,
    decision: a.decision,
    measures: a.measures,
    approvals: toJson(a.approvals),
    case_id: a.caseId,
    instance_id: a.instanceId,
    entered_at: a.enteredAt,
  });
  return a;
}

export async function appraisalRecords(db: Knex, f: { userId?: string; unitId?: string; year?: number } = {}): Promise<AppraisalRecord[]> {
  const q = db('appraisal_records').orderBy('entered_at').orderBy('id');
  if (f.userId) q.where('user_id', f.userId);
  if (f.unitId) q.where('unit_id', f.unitId);
  if (f.year) q.where('year', f.year);
  return (await q).map(toAppraisal);
}
