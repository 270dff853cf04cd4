import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../../engine/service.ts';
import type { StepHook } from '../../engine/steps.ts';
import { SYSTEM } from '../../engine/types.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors.ts';
import { currentScheme, getSchemeChange, insertSchemeChange, listSchemeChanges, type SchemeChangeRow } from '../../store/appraisal.ts';
import type { Person } from '../org.ts';
import { decideByApprovalTask } from './approval-task.ts';
import { DEFAULT_SCHEME, describeSchemeChange, normalizeScheme, schemeOf, type Scheme } from './scheme.ts';

/** The procedure in which a second person decides a change to the scoring scheme. */
export const SCHEME_CHANGE_PROCESS = 'appraisal-scheme-change';
export const SCHEME_CHANGE_TASK = 'Task_Approval';

type Audit = (trx: Knex.Transaction, entry: { action: string; objectId: string; instanceId?: string; before?: unknown; after: unknown }) => Promise<void>;

/** The scheme in force and its version (0: the built-in default). Usage: `await schemeInForce(db)`. */
export async function schemeInForce(db: Knex | Knex.Transaction): Promise<{ version: number; scheme: Scheme; approvedBy: string | null; since: number | null }> {
  const row = await currentScheme(db);
  return row ? { version: row.version, scheme: schemeOf(row.scheme), approvedBy: row.approvedBy, since: row.createdAt } : { version: 0, scheme: DEFAULT_SCHEME, approvedBy: null, since: null };
}

/**
 * A supervision officer proposes new weights or deductions: nothing changes yet;
 * appraisal-scheme-change.bpmn starts (by the platform) and a member of the discipline committee
 * other than the proposer decides. The change row, the approval instance and the audit row commit
 * together. 400 INVALID_SCHEME (nothing changes), 409 SCHEME_CHANGE_PENDING.
 */
export async function proposeSchemeChange(
  deps: { db: Knex; engine: EngineService },
  opts: { input: unknown; reason: string; by: Person; audit: Audit },
): Promise<{ changeId: string; status: 'pending'; approvalInstanceId: string; summary: string }> {
  const current = await schemeInForce(deps.db);
  if ((await listSchemeChanges(deps.db, { status: 'pending' })).length) throw new ConflictError('考核评分方案已有待审批的变更', 'SCHEME_CHANGE_PENDING');
  const proposal = normalizeScheme(opts.input, current.scheme);
  const summary = describeSchemeChange(current.scheme, proposal);
  if (summary === '无变化') throw new BadRequestError('提出的方案与现行方案相同', { weights: '无变化' }, 'INVALID_SCHEME');
  const changeId = randomUUID();
  const now = deps.engine.clock.now();
  const change: SchemeChangeRow = {
    id: changeId,
    proposal: proposal as unknown as Record<string, unknown>,
    before: current.scheme as unknown as Record<string, unknown>,
    baseVersion: current.version,
    status: 'pending',
    requestedBy: opts.by.id,
    reason: opts.reason,
    approvalInstanceId: null,
    decidedBy: null,
    comment: null,
    requestedAt: now,
    decidedAt: null,
  };
  const hook: StepHook = async (trx, r) => {
    await insertSchemeChange(trx, { ...change, approvalInstanceId: r.instance.id });
    await opts.audit(trx, { action: 'appraisal-scheme.change-requested', objectId: changeId, instanceId: r.instance.id, before: { version: current.version, ...current.scheme }, after: { changeId, proposal, reason: opts.reason } });
  };
  const res = await deps.engine.start(SCHEME_CHANGE_PROCESS, {
    by: SYSTEM,
    businessKey: `appraisal-scheme:${changeId}`,
    variables: { changeId, changeSummary: summary, reason: opts.reason, requestedBy: opts.by.id, requesterName: opts.by.displayName },
    hook,
  });
  return { changeId, status: 'pending', approvalInstanceId: res.instance.id, summary };
}

/**
 * The second person decides by completing the approval task (its candidates and separation of
 * duties refuse the proposer and anyone outside the discipline committee: 403, nothing changes);
 * the effect runs at once. 404 SCHEME_CHANGE_NOT_FOUND, 409 SCHEME_CHANGE_DECIDED.
 */
export async function decideSchemeChangeByPerson(
  deps: { db: Knex; engine: EngineService },
  changeId: string,
  opts: { by: Person; decision: 'approve' | 'reject'; comment: string | null; hook: StepHook },
): Promise<SchemeChangeRow> {
  const change = await getSchemeChange(deps.db, changeId);
  if (!change) throw new NotFoundError(`方案变更 ${changeId} 不存在`, 'SCHEME_CHANGE_NOT_FOUND');
  if (change.status !== 'pending' || !change.approvalInstanceId) throw decided(change);
  await decideByApprovalTask(deps.engine, change.approvalInstanceId, SCHEME_CHANGE_TASK, opts, () => decided(change));
  return (await getSchemeChange(deps.db, changeId))!;
}

/** Usage: `await schemeChanges(db)` — newest first. */
export function schemeChanges(db: Knex, status?: SchemeChangeRow['status']): Promise<SchemeChangeRow[]> {
  return listSchemeChanges(db, status ? { status } : {});
}

function decided(c: SchemeChangeRow): ConflictError {
  return new ConflictError('该方案变更已经审批过', 'SCHEME_CHANGE_DECIDED', { status: c.status, decidedBy: c.decidedBy });
}
