import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

/** The monitoring rule library, its four-eyes changes and the warnings rules raise (issue 18, items 2-3). */

export interface RuleRow {
  id: string;
  kind: string;
  name: string;
  processKey: string | null;
  elementId: string | null;
  level: 'yellow' | 'red';
  params: Record<string, unknown>;
  enabled: boolean;
  version: number;
  createdAt: number;
  updatedAt: number;
  requestedBy: string;
  approvedBy: string;
  changeId: string;
}

const toRule = (r: any): RuleRow => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  processKey: r.process_key ?? null,
  elementId: r.element_id ?? null,
  level: r.level,
  params: fromJson(r.params, {}),
  enabled: Boolean(r.enabled),
  version: Number(r.version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  requestedBy: r.requested_by,
  approvedBy: r.approved_by,
  changeId: r.change_id,
});

export async function listRules(db: Knex, opts: { enabled?: boolean } = {}): Promise<RuleRow[]> {
  const q = db('monitoring_rules').orderBy('created_at').orderBy('id');
  if (opts.enabled !== undefined) q.where({ enabled: opts.enabled });
  return (await q).map(toRule);
}

export async function getRule(db: Knex, id: string): Promise<RuleRow | undefined> {
  const r = await db('monitoring_rules').where({ id }).first();
  return r && toRule(r);
}

/** Writes the rule as a change approved it (insert or next version). */
export async function saveRule(db: Knex, rule: RuleRow): Promise<void> {
  const row = {
    kind: rule.kind,
    name: rule.name,
    process_key: rule.processKey,
    element_id: rule.elementId,
    level: rule.level,
    params: toJson(rule.params),
    enabled: rule.enabled,
    version: rule.version,
    updated_at: rule.updatedAt,
    requested_by: rule.requestedBy,
    approved_by: rule.approvedBy,
    change_id: rule.changeId,
  };
  const n = await db('monitoring_rules').where({ id: rule.id }).update(row);
  if (n === 0) await db('monitoring_rules').insert({ id: rule.id, created_at: rule.createdAt, ...row });
}

export interface RuleChangeRow {
  id: string;
  ruleId: string;
  action: 'create' | 'update';
  proposal: Record<string, any>;
  before: Record<string, any> | null;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  reason: string;
  approvalInstanceId: string | null;
  decidedBy: string | null;
  comment: string | null;
  requestedAt: number;
  decidedAt: number | null;
}

const toChange = (r: any): RuleChangeRow => ({
  id: r.id,
  ruleId: r.rule_id,
  action: r.action,
  proposal: fromJson(r.proposal, {}),
  before: fromJson(r.before, null),
  status: r.status,
  requestedBy: r.requested_by,
  reason: r.reason,
  approvalInstanceId: r.approval_instance_id ?? null,
  decidedBy: r.decided_by ?? null,
  comment: r.comment ?? null,
  requestedAt: Number(r.requested_at),
  decidedAt: r.decided_at === null || r.decided_at === undefined ? null : Number(r.decided_at),
});

export async function insertRuleChange(db: Knex, c: RuleChangeRow): Promise<void> {
  await db('monitoring_rule_changes').insert({
    id: c.id,
    rule_id: c.ruleId,
    action: c.action,
    proposal: toJson(c.proposal),
    before: toJson(c.before),
    status: c.status,
    requested_by: c.requestedBy,
    reason: c.reason,
    approval_instance_id: c.approvalInstanceId,
    requested_at: c.requestedAt,
  });
}

export async function setChangeApproval(db: Knex, id: string, approvalInstanceId: string): Promise<void> {
  await db('monitoring_rule_changes').where({ id }).update({ approval_instance_id: approvalInstanceId });
}

export async function getRuleChange(db: Knex, id: string): Promise<RuleChangeRow | undefined> {
  const r = await db('monitoring_rule_changes').where({ id }).first();
  return r && toChange(r);
}

export async function changeByApproval(db: Knex, approvalInstanceId: string): Promise<RuleChangeRow | undefined> {
  const r = await db('monitoring_rule_changes').where({ approval_instance_id: approvalInstanceId }).first();
  return r && toChange(r);
}

export async function pendingChangeOf(db: Knex, ruleId: string): Promise<RuleChangeRow | undefined> {
  const r = await db('monitoring_rule_changes').where({ rule_id: ruleId, status: 'pending' }).first();
  return r && toChange(r);
}

export async function listRuleChanges(db: Knex, status?: string): Promise<RuleChangeRow[]> {
  const q = db('monitoring_rule_changes').orderBy('requested_at', 'desc').orderBy('id');
  if (status) q.where({ status });
  return (await q).map(toChange);
}

/** Decides a pending change; false if it was decided before. */
export async function decideRuleChange(db: Knex, id: string, d: { status: 'approved' | 'rejected'; decidedBy: string; comment: string | null; at: number }): Promise<boolean> {
  return (await db('monitoring_rule_changes').where({ id, status: 'pending' }).update({ status: d.status, decided_by: d.decidedBy, comment: d.comment, decided_at: d.at })) === 1;
}

// ---- warnings raised by rules ----

export type WarningStage = 'raised' | 'supervising' | 'answered' | 'yellow-card' | 'red-card' | 'closed';

export interface RuleWarningRow {
  id: string;
  ruleId: string;
  ruleKind: string;
  dedupeKey: string;
  level: 'yellow' | 'red';
  processKey: string | null;
  instanceId: string | null;
  elementId: string | null;
  taskId: string | null;
  unitId: string | null;
  people: string[];
  evidence: Record<string, unknown>;
  summary: string;
  stage: WarningStage;
  outcome: 'rectified' | 'false-alarm' | 'filed' | null;
  caseInstanceId: string | null;
  createdAt: number;
  answeredAt: number | null;
  yellowCardAt: number | null;
  redCardAt: number | null;
  closedAt: number | null;
  closedBy: string | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const toWarning = (r: any): RuleWarningRow => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleKind: r.rule_kind,
  dedupeKey: r.dedupe_key,
  level: r.level,
  processKey: r.process_key ?? null,
  instanceId: r.instance_id ?? null,
  elementId: r.element_id ?? null,
  taskId: r.task_id ?? null,
  unitId: r.unit_id ?? null,
  people: fromJson(r.people, []),
  evidence: fromJson(r.evidence, {}),
  summary: r.summary,
  stage: r.stage,
  outcome: r.outcome ?? null,
  caseInstanceId: r.case_instance_id ?? null,
  createdAt: Number(r.created_at),
  answeredAt: num(r.answered_at),
  yellowCardAt: num(r.yellow_card_at),
  redCardAt: num(r.red_card_at),
  closedAt: num(r.closed_at),
  closedBy: r.closed_by ?? null,
});

/**
 * Records a hit once: the unique dedupe key makes a second node (or a second tick) that finds the
 * same hit insert nothing. True when this call inserted it.
 */
export async function insertRuleWarning(db: Knex, w: RuleWarningRow): Promise<boolean> {
  const res = await db.raw(
    `INSERT INTO rule_warnings (id, rule_id, rule_kind, dedupe_key, level, process_key, instance_id, element_id, task_id, unit_id, people, evidence, summary, stage, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [w.id, w.ruleId, w.ruleKind, w.dedupeKey, w.level, w.processKey, w.instanceId, w.elementId, w.taskId, w.unitId, toJson(w.people), toJson(w.evidence), w.summary, w.stage, w.createdAt],
  );
  return (Array.isArray(res) ? res : res.rows).length === 1;
}

export async function getRuleWarning(db: Knex, id: string): Promise<RuleWarningRow | undefined> {
  const r = await db('rule_warnings').where({ id }).first();
  return r && toWarning(r);
}

export async function listRuleWarnings(db: Knex, f: { ruleId?: string; unitId?: string; stage?: string; instanceId?: string; limit?: number } = {}): Promise<RuleWarningRow[]> {
  const q = db('rule_warnings').orderBy('created_at', 'desc').orderBy('id').limit(f.limit ?? 500);
  if (f.ruleId) q.where({ rule_id: f.ruleId });
  if (f.unitId) q.where({ unit_id: f.unitId });
  if (f.stage) q.where({ stage: f.stage });
  if (f.instanceId) q.where({ instance_id: f.instanceId });
  return (await q).map(toWarning);
}

export async function updateRuleWarning(
  db: Knex,
  id: string,
  patch: Partial<Pick<RuleWarningRow, 'stage' | 'outcome' | 'caseInstanceId' | 'answeredAt' | 'yellowCardAt' | 'redCardAt' | 'closedAt' | 'closedBy'>>,
): Promise<void> {
  const row: Record<string, unknown> = {};
  if (patch.stage !== undefined) row.stage = patch.stage;
  if (patch.outcome !== undefined) row.outcome = patch.outcome;
  if (patch.caseInstanceId !== undefined) row.case_instance_id = patch.caseInstanceId;
  if (patch.answeredAt !== undefined) row.answered_at = patch.answeredAt;
  if (patch.yellowCardAt !== undefined) row.yellow_card_at = patch.yellowCardAt;
  if (patch.redCardAt !== undefined) row.red_card_at = patch.redCardAt;
  if (patch.closedAt !== undefined) row.closed_at = patch.closedAt;
  if (patch.closedBy !== undefined) row.closed_by = patch.closedBy;
  await db('rule_warnings').where({ id }).update(row);
}

/** Counts of warnings per unit and per rule, by stage and outcome (the monitor's figures). */
export type WarningCountRow = { key: string | null; stage: string; outcome: string | null; n: number };

export async function ruleWarningCounts(db: Knex): Promise<{ byUnit: WarningCountRow[]; byRule: WarningCountRow[] }> {
  const group = async (col: string) =>
    (await db('rule_warnings').select(`${col} as key`, 'stage', 'outcome').count({ n: '*' }).groupBy(col, 'stage', 'outcome')).map((r: any): WarningCountRow => ({
      key: r.key ?? null,
      stage: r.stage,
      outcome: r.outcome ?? null,
      n: Number(r.n),
    }));
  return { byUnit: await group('unit_id'), byRule: await group('rule_id') };
}

// ---- what rules read ----

export interface RuleTask {
  id: string;
  instanceId: string;
  elementId: string;
  name: string | null;
  status: string;
  assignee: string | null;
  completedBy: string | null;
  createdAt: number;
  claimedAt: number | null;
  completedAt: number | null;
  variables: Record<string, unknown>;
}

/** Tasks of a process that are open or were completed since `since`, oldest first. */
export async function tasksForRules(db: Knex, processKey: string, since: number, elementId?: string | null): Promise<RuleTask[]> {
  const q = db('tasks')
    .where({ process_key: processKey })
    .where((w) => w.where({ status: 'open' }).orWhere('completed_at', '>=', since))
    .orderBy('created_at')
    .orderBy('id')
    .select('id', 'instance_id', 'element_id', 'name', 'status', 'assignee', 'completed_by', 'created_at', 'claimed_at', 'completed_at', 'variables');
  if (elementId) q.where({ element_id: elementId });
  return (await q).map((r: any) => ({
    id: r.id,
    instanceId: r.instance_id,
    elementId: r.element_id,
    name: r.name ?? null,
    status: r.status,
    assignee: r.assignee ?? null,
    completedBy: r.completed_by ?? null,
    createdAt: Number(r.created_at),
    claimedAt: num(r.claimed_at),
    completedAt: num(r.completed_at),
    variables: fromJson(r.variables, {}),
  }));
}

/** Every completed task of the given instances, in completion order. */
export async function completedTasksOf(db: Knex, instanceIds: string[]): Promise<RuleTask[]> {
  if (!instanceIds.length) return [];
  const out: RuleTask[] = [];
  for (let i = 0; i < instanceIds.length; i += 500) {
    const rows = await db('tasks')
      .whereIn('instance_id', instanceIds.slice(i, i + 500))
      .where({ status: 'completed' })
      .orderBy('completed_at')
      .orderBy('created_at')
      .orderBy('id')
      .select('id', 'instance_id', 'element_id', 'name', 'status', 'assignee', 'completed_by', 'created_at', 'claimed_at', 'completed_at', 'variables');
    for (const r of rows) {
      out.push({
        id: r.id,
        instanceId: r.instance_id,
        elementId: r.element_id,
        name: r.name ?? null,
        status: r.status,
        assignee: r.assignee ?? null,
        completedBy: r.completed_by ?? null,
        createdAt: Number(r.created_at),
        claimedAt: num(r.claimed_at),
        completedAt: num(r.completed_at),
        variables: fromJson(r.variables, {}),
      });
    }
  }
  return out;
}

/** History events of a process's instances of the given types since `since`. */
export async function historyForRules(db: Knex, processKey: string, types: string[], since: number): Promise<Array<{ id: number; instanceId: string; type: string; elementId: string | null; actor: string | null; at: number; data: Record<string, unknown> }>> {
  const rows = await db('history as h')
    .join('process_instances as i', 'i.id', 'h.instance_id')
    .where('i.process_key', processKey)
    .whereIn('h.type', types)
    .where('h.at', '>=', since)
    .orderBy('h.at')
    .orderBy('h.id')
    .select('h.id', 'h.instance_id', 'h.type', 'h.element_id', 'h.actor', 'h.at', 'h.data');
  return rows.map((r: any) => ({ id: Number(r.id), instanceId: r.instance_id, type: r.type, elementId: r.element_id ?? null, actor: r.actor ?? null, at: Number(r.at), data: fromJson(r.data, {}) }));
}

/** Instance facts a warning names: who started it, their unit, variables, case number. */
export async function instanceFacts(db: Knex, instanceId: string): Promise<{ startedBy: string; starterUnit: string | null; variables: Record<string, unknown>; businessKey: string | null; caseNumber: string | null; subject: string | null } | undefined> {
  const r = await db('process_instances as i').leftJoin('users as u', 'u.id', 'i.started_by').where('i.id', instanceId).first('i.started_by', 'u.unit_id', 'i.variables', 'i.business_key', 'i.case_number', 'i.subject');
  return r && { startedBy: r.started_by, starterUnit: r.unit_id ?? null, variables: fromJson(r.variables, {}), businessKey: r.business_key ?? null, caseNumber: r.case_number ?? null, subject: r.subject ?? null };
}

/** The unit of each user. */
export async function unitsOfUsers(db: Knex, userIds: string[]): Promise<Map<string, string | null>> {
  if (!userIds.length) return new Map();
  const rows = await db('users').whereIn('id', userIds).select('id', 'unit_id');
  return new Map(rows.map((r: any) => [r.id, r.unit_id ?? null]));
}

/** Decided penalty cases since `since`: tier, amount, decider, the item's discretion standard. */
export async function penaltyDecisionsForRules(db: Knex, since: number): Promise<Array<{ instanceId: string; itemCode: string; unitId: string | null; tier: string; amount: number; partyType: string; people: Record<string, string>; decidedAt: number; discretion: any }>> {
  const rows = await db('penalty_cases as p')
    .join('power_item_versions as v', (j) => j.on('v.code', '=', 'p.item_code').andOn('v.version', '=', 'p.item_version'))
    .leftJoin('power_items as it', 'it.code', 'p.item_code')
    .whereNotNull('p.tier')
    .whereNotNull('p.amount_fen')
    .where('p.decided_at', '>=', since)
    .select('p.instance_id', 'p.item_code', 'it.unit_id', 'p.tier', 'p.amount_fen', 'p.party_type', 'p.people', 'p.decided_at', 'v.snapshot');
  return rows.map((r: any) => ({
    instanceId: r.instance_id,
    itemCode: r.item_code,
    unitId: r.unit_id ?? null,
    tier: r.tier,
    amount: Number(r.amount_fen) / 100,
    partyType: r.party_type,
    people: fromJson(r.people, {}),
    decidedAt: Number(r.decided_at),
    discretion: fromJson<{ discretion?: unknown }>(r.snapshot, {}).discretion ?? null,
  }));
}
