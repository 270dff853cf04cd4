import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

/**
 * Scored appraisal (issue 18, item 7): scheme versions and their four-eyes changes, and the facts
 * each score is computed from — completed tasks with their process, 预警 (rule_warnings) and their
 * 督办 cards, returns (退回) of a person's work, complaints found true, accountability deductions.
 */

export interface SchemeRow {
  version: number;
  scheme: Record<string, unknown>;
  createdAt: number;
  requestedBy: string;
  approvedBy: string;
  changeId: string;
}

export interface SchemeChangeRow {
  id: string;
  proposal: Record<string, unknown>;
  before: Record<string, unknown>;
  baseVersion: number;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  reason: string;
  approvalInstanceId: string | null;
  decidedBy: string | null;
  comment: string | null;
  requestedAt: number;
  decidedAt: number | null;
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const toScheme = (r: any): SchemeRow => ({ version: Number(r.version), scheme: fromJson(r.scheme, {}), createdAt: Number(r.created_at), requestedBy: r.requested_by, approvedBy: r.approved_by, changeId: r.change_id });

const toChange = (r: any): SchemeChangeRow => ({
  id: r.id,
  proposal: fromJson(r.proposal, {}),
  before: fromJson(r.before, {}),
  baseVersion: Number(r.base_version),
  status: r.status,
  requestedBy: r.requested_by,
  reason: r.reason,
  approvalInstanceId: r.approval_instance_id ?? null,
  decidedBy: r.decided_by ?? null,
  comment: r.comment ?? null,
  requestedAt: Number(r.requested_at),
  decidedAt: n(r.decided_at),
});

/** The scheme version in force (the highest), or undefined while the built-in default applies. */
export async function currentScheme(db: Knex | Knex.Transaction): Promise<SchemeRow | undefined> {
  const r = await db('appraisal_schemes').orderBy('version', 'desc').first();
  return r ? toScheme(r) : undefined;
}

export async function schemeVersions(db: Knex): Promise<SchemeRow[]> {
  return (await db('appraisal_schemes').orderBy('version', 'desc')).map(toScheme);
}

export async function insertSchemeVersion(trx: Knex.Transaction, s: SchemeRow): Promise<void> {
  await trx('appraisal_schemes').insert({ version: s.version, scheme: toJson(s.scheme), created_at: s.createdAt, requested_by: s.requestedBy, approved_by: s.approvedBy, change_id: s.changeId });
}

export async function insertSchemeChange(trx: Knex.Transaction, c: SchemeChangeRow): Promise<void> {
  await trx('appraisal_scheme_changes').insert({
    id: c.id,
    proposal: toJson(c.proposal),
    before: toJson(c.before),
    base_version: c.baseVersion,
    status: c.status,
    requested_by: c.requestedBy,
    reason: c.reason,
    approval_instance_id: c.approvalInstanceId,
    decided_by: c.decidedBy,
    comment: c.comment,
    requested_at: c.requestedAt,
    decided_at: c.decidedAt,
  });
}

export async function getSchemeChange(db: Knex | Knex.Transaction, id: string): Promise<SchemeChangeRow | undefined> {
  const r = await db('appraisal_scheme_changes').where({ id }).first();
  return r ? toChange(r) : undefined;
}

export async function schemeChangeByApproval(db: Knex | Knex.Transaction, instanceId: string): Promise<SchemeChangeRow | undefined> {
  const r = await db('appraisal_scheme_changes').where({ approval_instance_id: instanceId }).first();
  return r ? toChange(r) : undefined;
}

export async function listSchemeChanges(db: Knex, f: { status?: SchemeChangeRow['status'] } = {}): Promise<SchemeChangeRow[]> {
  const q = db('appraisal_scheme_changes').orderBy('requested_at', 'desc').orderBy('id').limit(200);
  if (f.status) q.where({ status: f.status });
  return (await q).map(toChange);
}

/** Closes a pending change; false when it was no longer pending (decided twice). */
export async function decideSchemeChange(trx: Knex.Transaction, id: string, d: { status: 'approved' | 'rejected'; decidedBy: string; comment: string | null; at: number }): Promise<boolean> {
  const updated = await trx('appraisal_scheme_changes').where({ id, status: 'pending' }).update({ status: d.status, decided_by: d.decidedBy, comment: d.comment, decided_at: d.at });
  return updated === 1;
}

// ---- the facts behind the points ----

export interface ScoredTask {
  taskId: string;
  instanceId: string;
  processKey: string;
  caseNumber: string | null;
  name: string | null;
  completedBy: string;
  createdAt: number;
  completedAt: number;
  dueAt: number | null;
  yellowAt: number | null;
}

/** Tasks people completed in [from, to), with their case. */
export async function completedTasksIn(db: Knex, from: number, to: number): Promise<ScoredTask[]> {
  const rows = await db('tasks as t')
    .join('process_instances as i', 'i.id', 't.instance_id')
    .where('t.status', 'completed')
    .whereNotNull('t.completed_by')
    .where('t.completed_at', '>=', from)
    .where('t.completed_at', '<', to)
    .select('t.id', 't.instance_id', 'i.process_key', 'i.case_number', 't.name', 't.completed_by', 't.created_at', 't.completed_at', 't.due_at', 't.yellow_at');
  return rows.map((r: any) => ({
    taskId: r.id,
    instanceId: r.instance_id,
    processKey: r.process_key,
    caseNumber: r.case_number ?? null,
    name: r.name ?? null,
    completedBy: r.completed_by,
    createdAt: Number(r.created_at),
    completedAt: Number(r.completed_at),
    dueAt: n(r.due_at),
    yellowAt: n(r.yellow_at),
  }));
}

/** The process keys of the 权力清单 (catalog items), whatever their status. */
export async function catalogProcessKeys(db: Knex): Promise<Set<string>> {
  return new Set((await db('power_items').distinct('process_key')).map((r: any) => r.process_key as string).filter(Boolean));
}

export interface ScoredWarning {
  id: string;
  ruleKind: string;
  level: string;
  instanceId: string | null;
  caseNumber: string | null;
  unitId: string | null;
  people: string[];
  summary: string;
  stage: string;
  outcome: string | null;
  createdAt: number;
  yellowCardAt: number | null;
  redCardAt: number | null;
  answeredAt: number | null;
}

/** 预警 raised in [from, to) by the monitoring rules, with their 督办 stage and cards. */
export async function warningsIn(db: Knex, from: number, to: number): Promise<ScoredWarning[]> {
  const rows = await db('rule_warnings as w')
    .leftJoin('process_instances as i', 'i.id', 'w.instance_id')
    .where('w.created_at', '>=', from)
    .where('w.created_at', '<', to)
    .orderBy('w.created_at')
    .select('w.id', 'w.rule_kind', 'w.level', 'w.instance_id', 'i.case_number', 'w.unit_id', 'w.people', 'w.summary', 'w.stage', 'w.outcome', 'w.created_at', 'w.yellow_card_at', 'w.red_card_at', 'w.answered_at');
  return rows.map((r: any) => ({
    id: r.id,
    ruleKind: r.rule_kind,
    level: r.level,
    instanceId: r.instance_id ?? null,
    caseNumber: r.case_number ?? null,
    unitId: r.unit_id ?? null,
    people: fromJson<string[]>(r.people, []),
    summary: r.summary,
    stage: r.stage,
    outcome: r.outcome ?? null,
    createdAt: Number(r.created_at),
    yellowCardAt: n(r.yellow_card_at),
    redCardAt: n(r.red_card_at),
    answeredAt: n(r.answered_at),
  }));
}

export interface ReturnedWork {
  instanceId: string;
  caseNumber: string | null;
  /** Whose work was sent back: the last completer of the target step, or the applicant. */
  person: string | null;
  toName: string | null;
  returnedBy: string | null;
  comment: string | null;
  at: number;
}

/** Returns (退回) in [from, to): whose step was sent back, by whom and why. */
export async function returnsIn(db: Knex, from: number, to: number): Promise<ReturnedWork[]> {
  const rows = await db('history as h')
    .join('process_instances as i', 'i.id', 'h.instance_id')
    .where('h.type', 'task.returned')
    .where('h.at', '>=', from)
    .where('h.at', '<', to)
    .orderBy('h.at')
    .select('h.instance_id', 'i.case_number', 'i.started_by', 'h.actor', 'h.at', 'h.data');
  const out: ReturnedWork[] = [];
  for (const r of rows) {
    const data = fromJson<Record<string, unknown>>(r.data, {});
    const to = typeof data.to === 'string' ? data.to : null;
    let person: string | null = data.applicant === true ? r.started_by : null;
    if (!person && to) {
      const last = await db('tasks').where({ instance_id: r.instance_id, element_id: to, status: 'completed' }).where('completed_at', '<=', Number(r.at)).orderBy('completed_at', 'desc').first('completed_by');
      person = last?.completed_by ?? r.started_by;
    }
    out.push({ instanceId: r.instance_id, caseNumber: r.case_number ?? null, person, toName: typeof data.toName === 'string' ? data.toName : to, returnedBy: r.actor ?? null, comment: typeof data.comment === 'string' ? data.comment : null, at: Number(r.at) });
  }
  return out;
}

/** Complaints concluded in [from, to) as true (founded, or leading to accountability), by unit. */
export async function upheldComplaintsIn(db: Knex, from: number, to: number): Promise<Array<{ receipt: string; subject: string; unitId: string | null; finding: string; concludedAt: number }>> {
  const rows = await db('complaints').whereIn('finding', ['founded', 'accountability']).where('concluded_at', '>=', from).where('concluded_at', '<', to).orderBy('concluded_at').select('receipt', 'subject', 'unit_id', 'finding', 'concluded_at');
  return rows.map((r: any) => ({ receipt: r.receipt, subject: r.subject, unitId: r.unit_id ?? null, finding: r.finding, concludedAt: Number(r.concluded_at) }));
}

/** Accountability decisions entered in [from, to) with the points they deduct. */
export async function accountabilityDeductionsIn(db: Knex, from: number, to: number): Promise<Array<{ id: string; subjectKind: string; userId: string | null; unitId: string | null; outcome: string; deduction: number; instanceId: string | null; enteredAt: number }>> {
  const rows = await db('appraisal_records').where('entered_at', '>=', from).where('entered_at', '<', to).orderBy('entered_at').select('id', 'subject_kind', 'user_id', 'unit_id', 'outcome', 'deduction', 'instance_id', 'entered_at');
  return rows.map((r: any) => ({ id: r.id, subjectKind: r.subject_kind, userId: r.user_id ?? null, unitId: r.unit_id ?? null, outcome: r.outcome, deduction: Number(r.deduction), instanceId: r.instance_id ?? null, enteredAt: Number(r.entered_at) }));
}
