import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import type { StepHook } from '../engine/steps.ts';
import { namesUser, sodRule } from '../engine/tasks.ts';
import { isPowerFlow } from '../lib/risk-points.ts';
import { SYSTEM } from '../engine/types.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { insertCancellationRequest, isDuplicatePending, pendingCancellationOf } from '../store/cancellations.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { Person } from './org.ts';

/** Process property that makes a cancel a request for a second person's approval. */
export const CANCEL_REQUIRES_APPROVAL = 'cancelRequiresApproval';
/** The procedure that decides such a request (processes/platform-cancellation.bpmn). */
export const CANCELLATION_PROCESS = 'platform-cancellation';

/**
 * Who may not cancel an instance: the union of its user tasks' separation-of-duties rules —
 * its starter if any task excludes the starter, and every user a `var:` entry names (the
 * subject of an accountability case). Element entries (who did step X) do not bar a cancel:
 * the people who worked a case are the ones who know it must stop.
 */
export function cancelExclusions(def: { model: { elements: Map<string, { type: string; properties: Record<string, string> }> } }, instance: Pick<InstanceRow, 'startedBy' | 'variables'>): { starter: boolean; variables: string[]; users: string[] } {
  let starter = false;
  const variables = new Set<string>();
  for (const el of def.model.elements.values()) {
    if (el.type !== 'bpmn:UserTask') continue;
    const rule = sodRule(el);
    starter ||= rule.starter;
    for (const v of rule.variables) variables.add(v);
  }
  const users = new Set<string>(starter ? [instance.startedBy] : []);
  for (const v of variables) {
    const value = instance.variables[v];
    for (const u of Array.isArray(value) ? value : [value]) if (typeof u === 'string' && u) users.add(u);
  }
  return { starter, variables: [...variables], users: [...users] };
}

/** 403 SEPARATION_OF_DUTIES when the person may not cancel this instance. */
export function checkMayCancel(exclusions: ReturnType<typeof cancelExclusions>, instance: Pick<InstanceRow, 'startedBy' | 'variables'>, p: Person): void {
  if (exclusions.starter && instance.startedBy === p.id) {
    throw new ForbiddenError('职责分离：发起人不能撤销本人发起的事项', 'SEPARATION_OF_DUTIES', { rule: 'starter' });
  }
  const named = exclusions.variables.find((v) => namesUser(instance.variables[v], p.id));
  if (named) throw new ForbiddenError('职责分离：本案涉及的当事人不能撤销本案', 'SEPARATION_OF_DUTIES', { variable: named });
}

export type CancelOutcome =
  | { status: 'cancelled'; instance: InstanceRow }
  | { status: 'pending'; requestId: string; approvalInstanceId: string; instance: InstanceRow };

/**
 * Cancels an instance for `by` (supervision), or — when its process declares
 * `cancelRequiresApproval` — files a request and starts platform-cancellation, whose approver
 * (a leader, not the requester nor anyone the case concerns) decides.
 * 404 INSTANCE_NOT_FOUND, 409 INSTANCE_ENDED / CANCEL_PENDING, 403 SEPARATION_OF_DUTIES.
 * Usage: `await cancelInstance(db, engine, id, { by: person, reason, audit })`.
 */
export async function cancelInstance(
  db: Knex,
  engine: EngineService,
  instanceId: string,
  opts: { by: Person; reason: string; audit: (trx: Knex.Transaction, entry: { action: string; after: Record<string, unknown>; instanceId: string }) => Promise<void> },
): Promise<CancelOutcome> {
  const instance = await engine.getInstance(instanceId);
  if (!instance) throw new NotFoundError(`流程实例 ${instanceId} 不存在`, 'INSTANCE_NOT_FOUND');
  if (instance.status !== 'running') throw new ConflictError('流程实例已结束', 'INSTANCE_ENDED');
  const def = await engine.definitions.byId(instance.definitionId);
  const exclusions = cancelExclusions(def, instance);
  checkMayCancel(exclusions, instance, opts.by);
  if (!(await needsApproval(engine, def))) {
    const hook: StepHook = (trx, res) => opts.audit(trx, { action: 'process.cancel', instanceId: res.instance.id, after: { status: res.instance.status, reason: opts.reason } });
    return { status: 'cancelled', instance: await engine.cancel(instanceId, { by: opts.by, reason: opts.reason, hook }) };
  }
  return requestApproval(db, engine, instance, exclusions.users, opts);
}

/**
 * Whether a case of this process may only be cancelled with a second person's approval (its latest
 * version says cancelRequiresApproval or powerFlow). Usage: `await cancelNeedsApproval(engine, 'power-case')`.
 */
export async function cancelNeedsApproval(engine: EngineService, processKey: string): Promise<boolean> {
  const latest = await engine.definitions.latest(processKey).catch(() => null);
  return latest ? latest.def.model.properties[CANCEL_REQUIRES_APPROVAL] === 'true' || isPowerFlow(latest.def.model.properties) : false;
}

/**
 * Whether a cancel needs approval: the instance's version or the process's latest version says so,
 * so that cases started before the property was added are covered too.
 */
async function needsApproval(engine: EngineService, def: { key: string; model: { properties: Record<string, string> } }): Promise<boolean> {
  // A power flow (权力运行流程, powerFlow="true") is never cancelled by one person (issue 18, item 4).
  const requires = (p: Record<string, string>) => p[CANCEL_REQUIRES_APPROVAL] === 'true' || isPowerFlow(p);
  if (requires(def.model.properties)) return true;
  const latest = await engine.definitions.latest(def.key).catch(() => null);
  return latest ? requires(latest.def.model.properties) : false;
}

async function requestApproval(
  db: Knex,
  engine: EngineService,
  instance: InstanceRow,
  excluded: string[],
  opts: Parameters<typeof cancelInstance>[3],
): Promise<CancelOutcome> {
  if (await pendingCancellationOf(db, instance.id)) throw pendingError();
  const requestId = randomUUID();
  const now = engine.clock.now();
  try {
    // Started by the platform (people cannot start this procedure); the requester is a variable
    // the approval task's separation of duties excludes, as is everyone the case concerns.
    const res = await engine.start(CANCELLATION_PROCESS, {
      by: SYSTEM,
      // One key per request: business keys are unique per process, and a case may be asked again after a rejection.
      businessKey: `cancel:${(instance.businessKey ?? instance.id).slice(0, 180)}:${requestId.slice(0, 8)}`,
      variables: {
        requestId,
        targetInstanceId: instance.id,
        targetProcessKey: instance.processKey,
        targetBusinessKey: instance.businessKey ?? '',
        requestedBy: opts.by.id,
        requesterName: opts.by.displayName,
        reason: opts.reason,
        excludedUsers: [...new Set([opts.by.id, ...excluded])],
      },
      hook: async (trx, r) => {
        await insertCancellationRequest(trx, {
          id: requestId,
          instanceId: instance.id,
          processKey: instance.processKey,
          requestedBy: opts.by.id,
          reason: opts.reason,
          status: 'pending',
          approvalInstanceId: r.instance.id,
          decidedBy: null,
          comment: null,
          requestedAt: now,
          decidedAt: null,
        });
        await opts.audit(trx, { action: 'process.cancel-requested', instanceId: instance.id, after: { requestId, approvalInstanceId: r.instance.id, reason: opts.reason } });
      },
    });
    return { status: 'pending', requestId, approvalInstanceId: res.instance.id, instance };
  } catch (err) {
    if (isDuplicatePending(err)) throw pendingError();
    throw err;
  }
}

function pendingError(): ConflictError {
  return new ConflictError('该流程实例已有待审批的撤销申请', 'CANCEL_PENDING');
}
