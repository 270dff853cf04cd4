import type { Knex } from 'knex';

/** Read-only figures the compliance report needs, one query each. Times are [from, to). */

/**
 * Projects of ≥ 300,000 CNY with the run of `processKey` they are on: `instanceId` is set only when
 * the project's instance is an instance of that procedure that was not cancelled (an instance id of
 * anything else does not make a project online).
 */
export async function projectsRequiringOnline(db: Knex, processKey: string): Promise<Array<{ id: string; name: string; unitId: string; investmentFen: number; instanceId: string | null; runStatus: string | null; stage: string }>> {
  const rows = await db('self_built_projects as p')
    .leftJoin('process_instances as i', function () {
      this.on('i.id', '=', 'p.instance_id').andOn('i.process_key', '=', db.raw('?', [processKey])).andOn('i.status', '!=', db.raw('?', ['cancelled']));
    })
    .where('p.online_required', true)
    .orderBy('p.id')
    .select('p.id', 'p.name', 'p.unit_id', 'p.investment_fen', 'p.stage', 'i.id as run_id', 'i.status as run_status');
  return rows.map((r: any) => ({ id: r.id, name: r.name, unitId: r.unit_id, investmentFen: Number(r.investment_fen), instanceId: r.run_id ?? null, runStatus: r.run_status ?? null, stage: r.stage }));
}

export async function catalogCounts(db: Knex): Promise<{ active: number; retired: number }> {
  const rows = await db('power_items').groupBy('status').select('status').count({ n: '*' });
  const m = new Map(rows.map((r: any) => [r.status, Number(r.n)]));
  return { active: m.get('active') ?? 0, retired: m.get('retired') ?? 0 };
}

export async function itemVersionsIn(db: Knex, from: number, to: number): Promise<Array<{ code: string; version: number; changeType: string; instanceId: string | null; sunshineRef: string | null; sunshineDate: string | null; changedAt: number; legalGround: string | null; changedBy: string }>> {
  const rows = await db('power_item_versions').where('changed_at', '>=', from).where('changed_at', '<', to).orderBy('changed_at').select('code', 'version', 'change_type', 'instance_id', 'sunshine_ref', 'sunshine_date', 'changed_at', 'legal_ground', 'changed_by');
  return rows.map((r: any) => ({ code: r.code, version: r.version, changeType: r.change_type, instanceId: r.instance_id, sunshineRef: r.sunshine_ref, sunshineDate: r.sunshine_date ?? null, changedAt: Number(r.changed_at), legalGround: r.legal_ground, changedBy: r.changed_by }));
}

export async function orgChangesIn(db: Knex, from: number, to: number): Promise<Array<{ userId: string | null; action: string; instanceId: string | null; by: string }>> {
  const rows = await db('org_changes').where('at', '>=', from).where('at', '<', to).orderBy('id').select('user_id', 'action', 'instance_id', 'by');
  return rows.map((r: any) => ({ userId: r.user_id, action: r.action, instanceId: r.instance_id, by: r.by }));
}

export async function deletionsIn(db: Knex, from: number, to: number): Promise<Array<{ recordKind: string; recordId: string; instanceId: string; deletedBy: string; status: string }>> {
  const rows = await db('record_archive').where('deleted_at', '>=', from).where('deleted_at', '<', to).orderBy('deleted_at').select('record_kind', 'record_id', 'instance_id', 'deleted_by', 'status');
  return rows.map((r: any) => ({ recordKind: r.record_kind, recordId: r.record_id, instanceId: r.instance_id, deletedBy: r.deleted_by, status: r.status }));
}

export async function faultReportsIn(db: Knex, from: number, to: number): Promise<Array<{ sameDay: boolean; accountability: string | null; status: string }>> {
  const rows = await db('fault_reports').where('reported_at', '>=', from).where('reported_at', '<', to).select('same_day', 'accountability', 'status');
  return rows.map((r: any) => ({ sameDay: Boolean(r.same_day), accountability: r.accountability, status: r.status }));
}

export async function accountabilityCasesIn(db: Knex, from: number, to: number): Promise<Array<{ category: number; source: string; status: string }>> {
  const rows = await db('accountability_cases').where('opened_at', '>=', from).where('opened_at', '<', to).select('category', 'source', 'status');
  return rows.map((r: any) => ({ category: r.category, source: r.source, status: r.status }));
}

export async function signInCounts(db: Knex, from: number, to: number): Promise<{ ok: number; failed: number; locked: number }> {
  const rows = await db('login_events').where('at', '>=', from).where('at', '<', to).groupBy('success', 'reason').select('success', 'reason').count({ n: '*' });
  let ok = 0;
  let failed = 0;
  let locked = 0;
  for (const r of rows as any[]) {
    if (r.success) ok += Number(r.n);
    else failed += Number(r.n);
    if (r.reason === 'locked') locked += Number(r.n);
  }
  return { ok, failed, locked };
}

export async function suggestionsIn(db: Knex, from: number, to: number): Promise<Array<{ status: string; kind: string }>> {
  const rows = await db('accountability_suggestions').where('created_at', '>=', from).where('created_at', '<', to).select('status', 'kind');
  return rows.map((r: any) => ({ status: r.status, kind: r.kind }));
}

export async function districtImportsIn(db: Knex, from: number, to: number): Promise<Array<{ districtId: string; importedAt: number; operations: number }>> {
  const rows = await db('district_imports').where('imported_at', '>=', from).where('imported_at', '<', to).orderBy('imported_at').select('district_id', 'imported_at', 'operations');
  return rows.map((r: any) => ({ districtId: r.district_id, importedAt: Number(r.imported_at), operations: r.operations }));
}

/** Power-item cases (instances of procedures catalog items are bound to) started in the period. */
export async function casesStartedIn(db: Knex, from: number, to: number): Promise<Array<{ instanceId: string; itemCode: string; status: string }>> {
  const rows = await db('process_instances')
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .whereIn('process_key', db('power_items').distinct('process_key'))
    .select('id', 'status', 'variables');
  const out: Array<{ instanceId: string; itemCode: string; status: string }> = [];
  for (const r of rows as any[]) {
    const v = JSON.parse(r.variables);
    if (typeof v.itemCode === 'string') out.push({ instanceId: r.id, itemCode: v.itemCode, status: r.status });
  }
  return out;
}

/** Cancellations of cases in a period, from the audit trail (direct cancels and requests), with the case's process. */
export async function cancellationActsIn(
  db: Knex,
  from: number,
  to: number,
): Promise<Array<{ action: string; actor: string; instanceId: string | null; processKey: string | null; businessKey: string | null; at: number; after: string | null }>> {
  const rows = await db('audit_log as a')
    .leftJoin('process_instances as p', 'p.id', 'a.instance_id')
    .whereIn('a.action', ['process.cancel', 'process.cancel-requested', 'process.cancel-approved', 'process.cancel-rejected'])
    .where('a.at', '>=', from)
    .where('a.at', '<', to)
    .orderBy('a.seq')
    .select('a.action', 'a.actor', 'a.instance_id', 'p.process_key', 'p.business_key', 'a.at', 'a.after');
  return rows.map((r: any) => ({ action: r.action, actor: r.actor, instanceId: r.instance_id, processKey: r.process_key, businessKey: r.business_key, at: Number(r.at), after: r.after }));
}

/**
 * Accountability cases dismissed in a period, each with who agreed in the discipline committee's
 * review (Task_DismissReview completed with dismissDecision "agree"), null when nobody did.
 */
export async function dismissalsIn(db: Knex, from: number, to: number): Promise<Array<{ caseId: string; instanceId: string; closedAt: number; reviewedBy: string | null }>> {
  const cases = await db('accountability_cases').where({ status: 'dismissed' }).where('closed_at', '>=', from).where('closed_at', '<', to).select('id', 'instance_id', 'closed_at');
  if (!cases.length) return [];
  const reviews = await db('tasks')
    .whereIn('instance_id', cases.map((c: any) => c.instance_id))
    .where({ element_id: 'Task_DismissReview', status: 'completed' })
    .orderBy('completed_at', 'desc')
    .select('instance_id', 'completed_by', 'variables');
  return cases.map((c: any) => {
    const agreed = reviews.find((r: any) => r.instance_id === c.instance_id && decisionOf(r.variables) === 'agree');
    return { caseId: c.id, instanceId: c.instance_id, closedAt: Number(c.closed_at), reviewedBy: agreed?.completed_by ?? null };
  });
}

function decisionOf(json: unknown): unknown {
  try {
    return (JSON.parse(String(json ?? 'null')) ?? {}).dismissDecision;
  } catch {
    return undefined;
  }
}

/**
 * Deployments in a period with the proposal that activated each (none: deployed around the
 * four-eyes procedure, unless by the platform itself at start-up).
 */
export async function deploymentsIn(
  db: Knex,
  from: number,
  to: number,
): Promise<Array<{ id: string; deployedBy: string; deployedAt: number; source: string; files: string; proposalId: string | null; approvedBy: string | null }>> {
  const rows = await db('deployments as d')
    .leftJoin('deployment_proposals as p', function () {
      this.on('p.deployment_id', '=', 'd.id').andOn('p.status', '=', db.raw('?', ['active']));
    })
    .where('d.deployed_at', '>=', from)
    .where('d.deployed_at', '<', to)
    .orderBy('d.deployed_at')
    .select('d.id', 'd.deployed_by', 'd.deployed_at', 'd.source', 'd.files', 'p.id as proposal_id', 'p.decided_by');
  return rows.map((r: any) => ({ id: r.id, deployedBy: r.deployed_by, deployedAt: Number(r.deployed_at), source: r.source, files: r.files, proposalId: r.proposal_id ?? null, approvedBy: r.decided_by ?? null }));
}

/**
 * Passwords set in a period by someone other than the account's owner, each with whether an
 * approved reset was used in the same act, and whether the account had signed in before (a new
 * account's first password needs no approval).
 */
export async function passwordsSetByOthersIn(
  db: Knex,
  from: number,
  to: number,
): Promise<Array<{ actor: string; userId: string; at: number; approvedReset: boolean; signedInBefore: boolean }>> {
  const rows = await db('audit_log')
    .whereIn('action', ['auth.password.set', 'auth.password.reset'])
    .where('at', '>=', from)
    .where('at', '<', to)
    .orderBy('seq')
    .select('action', 'actor', 'object_id', 'at');
  const sets = rows.filter((r: any) => r.action === 'auth.password.set' && r.actor !== r.object_id && r.actor !== 'system');
  const out = [];
  for (const r of sets) {
    const approvedReset = rows.some((x: any) => x.action === 'auth.password.reset' && x.actor === r.actor && x.object_id === r.object_id && Number(x.at) === Number(r.at));
    const before = await db('login_events').whereRaw('lower(username) = ?', [String(r.object_id).toLowerCase()]).where({ success: true }).where('at', '<', r.at).first('id');
    out.push({ actor: r.actor, userId: r.object_id, at: Number(r.at), approvedReset, signedInBefore: Boolean(before) });
  }
  return out;
}
