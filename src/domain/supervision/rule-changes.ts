import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../../engine/service.ts';
import type { StepHook } from '../../engine/steps.ts';
import { SYSTEM } from '../../engine/types.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors.ts';
import { getRule, getRuleChange, insertRuleChange, pendingChangeOf, type RuleChangeRow, type RuleRow } from '../../store/monitoring-rules.ts';
import type { Person } from '../org.ts';
import { decideByApprovalTask } from './approval-task.ts';
import { normalizeRule, RULE_KINDS, type RuleInput } from './rule-kinds.ts';

/** The procedure in which a second person outside the acting officer decides a rule change. */
export const RULE_CHANGE_PROCESS = 'monitoring-rule-change';
export const RULE_CHANGE_TASK = 'Task_Approval';

type Audit = (trx: Knex.Transaction, entry: { action: string; objectId: string; instanceId?: string; before?: unknown; after: unknown }) => Promise<void>;

/**
 * A supervision officer proposes a new rule or a change to one (issue 18, items 2 and 4): nothing
 * changes yet; monitoring-rule-change.bpmn starts (by the platform) and a member of the discipline
 * committee who is not the proposer approves or rejects it there. The change row, the approval
 * instance and the audit row commit together.
 * 404 RULE_NOT_FOUND, 409 RULE_CHANGE_PENDING, 400 INVALID_RULE.
 */
export async function proposeRuleChange(
  deps: { db: Knex; engine: EngineService },
  opts: { ruleId?: string; input: Record<string, unknown>; reason: string; by: Person; audit: Audit },
): Promise<{ changeId: string; ruleId: string; status: 'pending'; approvalInstanceId: string; action: 'create' | 'update' }> {
  const before = opts.ruleId ? await getRule(deps.db, opts.ruleId) : undefined;
  if (opts.ruleId && !before) throw new NotFoundError(`监察规则 ${opts.ruleId} 不存在`, 'RULE_NOT_FOUND');
  // An update may give only what changes; the rest stays as it is.
  const merged = before ? { kind: before.kind, name: before.name, processKey: before.processKey, elementId: before.elementId, level: before.level, enabled: before.enabled, ...opts.input, params: { ...before.params, ...((opts.input.params as object) ?? {}) } } : opts.input;
  if (before && opts.input.kind !== undefined && opts.input.kind !== before.kind) throw new BadRequestError('不能改变规则的类型，请新建规则', { kind: '不可更改' }, 'INVALID_RULE');
  const rule = normalizeRule(merged);
  await checkScope(deps.engine, rule);
  const ruleId = before?.id ?? randomUUID();
  if (before && (await pendingChangeOf(deps.db, ruleId))) throw pending();
  const changeId = randomUUID();
  const now = deps.engine.clock.now();
  const action = before ? 'update' : 'create';
  const change: RuleChangeRow = {
    id: changeId,
    ruleId,
    action,
    proposal: rule,
    before: before ? ruleSnapshot(before) : null,
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
    await insertRuleChange(trx, { ...change, approvalInstanceId: r.instance.id });
    await opts.audit(trx, { action: `monitoring-rule.${action}-requested`, objectId: ruleId, instanceId: r.instance.id, before: change.before, after: { changeId, proposal: rule, reason: opts.reason } });
  };
  const res = await deps.engine.start(RULE_CHANGE_PROCESS, {
    by: SYSTEM,
    businessKey: `rule-change:${changeId}`,
    variables: {
      changeId,
      ruleId,
      ruleName: rule.name,
      changeSummary: describeChange(action, rule, before),
      reason: opts.reason,
      requestedBy: opts.by.id,
      requesterName: opts.by.displayName,
    },
    hook,
  });
  return { changeId, ruleId, status: 'pending', approvalInstanceId: res.instance.id, action };
}

/**
 * The second person decides in the approval procedure (by completing its task: the task's
 * candidates and separation of duties refuse the proposer and anyone outside the discipline
 * committee, 403); the effect runs at once. 404 RULE_CHANGE_NOT_FOUND, 409 RULE_CHANGE_DECIDED.
 */
export async function decideRuleChangeByPerson(
  deps: { db: Knex; engine: EngineService },
  changeId: string,
  opts: { by: Person; decision: 'approve' | 'reject'; comment: string | null; hook: StepHook },
): Promise<RuleChangeRow> {
  const change = await getRuleChange(deps.db, changeId);
  if (!change) throw new NotFoundError(`规则变更 ${changeId} 不存在`, 'RULE_CHANGE_NOT_FOUND');
  if (change.status !== 'pending' || !change.approvalInstanceId) throw decided(change);
  await decideByApprovalTask(deps.engine, change.approvalInstanceId, RULE_CHANGE_TASK, opts, () => decided(change));
  return (await getRuleChange(deps.db, changeId))!;
}

export function ruleSnapshot(r: RuleRow): Record<string, unknown> {
  return { kind: r.kind, name: r.name, processKey: r.processKey, elementId: r.elementId, level: r.level, params: r.params, enabled: r.enabled, version: r.version };
}

/** The process (and step) a rule names must exist: a rule that watches nothing is refused. */
async function checkScope(engine: EngineService, rule: RuleInput): Promise<void> {
  const latest = await engine.definitions.latest(rule.processKey!).catch(() => null);
  if (!latest) throw new BadRequestError(`流程“${rule.processKey}”不存在`, { processKey: '未部署的流程' }, 'INVALID_RULE');
  const elements = [rule.elementId, ...(Array.isArray(rule.params.elements) ? (rule.params.elements as string[]) : [])].filter((x): x is string => Boolean(x));
  const missing = elements.filter((e) => !latest.def.model.elements.has(e));
  if (missing.length) throw new BadRequestError(`流程“${rule.processKey}”中没有环节 ${missing.join('、')}`, { elementId: missing }, 'INVALID_RULE');
}

function describeChange(action: 'create' | 'update', rule: RuleInput, before?: RuleRow): string {
  const kind = RULE_KINDS[rule.kind].name;
  const params = Object.entries(rule.params).map(([k, v]) => `${RULE_KINDS[rule.kind].params[k]?.label ?? k}=${Array.isArray(v) ? v.join('、') : String(v)}`).join('；');
  const scope = `${rule.processKey}${rule.elementId ? ` / ${rule.elementId}` : ''}`;
  const head = action === 'create' ? `新建规则“${rule.name}”（${kind}）` : `修改规则“${before!.name}”（${kind}）${rule.enabled ? '' : '并停用'}`;
  return `${head}，适用：${scope}，级别：${rule.level === 'red' ? '红色' : '黄色'}；参数：${params || '无'}`.slice(0, 1000);
}

function pending(): ConflictError {
  return new ConflictError('该规则已有待审批的变更', 'RULE_CHANGE_PENDING');
}

function decided(c: RuleChangeRow): ConflictError {
  return new ConflictError('该规则变更已经审批过', 'RULE_CHANGE_DECIDED', { status: c.status, decidedBy: c.decidedBy });
}
