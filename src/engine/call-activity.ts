import { createHash, randomUUID } from 'node:crypto';
import type { Statement } from '../db/batch.ts';
import { compile, evaluateCompiled, problemOf } from '../lib/feel.ts';
import type { InstanceRow } from '../store/instances.ts';
import { deleteInstanceJobsStmt, type JobRow, type JobType } from '../store/jobs.ts';

/**
 * Call activities: a parent instance waits while a child instance of another process runs.
 *
 * Durable and exactly once through jobs (the outbox): the parent's step that reaches the call
 * activity writes a `call` job; whichever node runs it starts the child in one transaction with
 * deleting the job. The child's id is derived from the parent and the call's execution, so the
 * parent can cancel a child it has never seen. The child's final step writes a `call-return` job
 * for the parent; running it signals the call activity and deletes the job in the parent's step.
 * A call activity left otherwise (boundary event, cancel) deletes its `call` job and queues the
 * child's cancelling.
 */

export interface VariableMapping {
  /** variables="all" */
  all?: boolean;
  source?: string;
  sourceExpression?: string;
  target?: string;
}

export interface CallInfo {
  calledElement: string;
  binding: 'latest' | 'version';
  version?: number;
  ins: VariableMapping[];
  outs: VariableMapping[];
  /** camunda:in businessKey: an expression; `#{execution.processBusinessKey}` is the parent's. */
  businessKey?: string;
}

const NAME = /^[A-Za-z_][\w-]*$/;
const PARENT_KEY = /^[#$]\{\s*execution\.(processBusinessKey|getProcessBusinessKey\(\))\s*\}$/;

/**
 * What deploy reads from a bpmn:callActivity, pushing a problem for what cannot run.
 * Usage: `info.call = callInfoOf(el, label(el), (m) => problems.push({ element: el.id, message: m }))`.
 */
export function callInfoOf(el: any, label: string, problem: (message: string) => void): CallInfo | undefined {
  const called = String(el.calledElement ?? '').trim();
  if (!called) {
    problem(`调用活动 ${label} 没有指定被调用的流程（calledElement）`);
    return undefined;
  }
  if (!NAME.test(called)) problem(`调用活动 ${label} 的 calledElement "${called}" 须为流程标识（不支持表达式）`);
  const binding = String(el.calledElementBinding ?? 'latest');
  const info: CallInfo = { calledElement: called, binding: 'latest', ins: [], outs: [] };
  if (binding === 'version') {
    const v = Number(el.calledElementVersion);
    if (!Number.isInteger(v) || v < 1) problem(`调用活动 ${label} 的 calledElementVersion "${el.calledElementVersion ?? ''}" 不是有效版本号`);
    info.binding = 'version';
    info.version = v;
  } else if (binding !== 'latest') {
    problem(`调用活动 ${label} 的绑定方式 "${binding}" 暂不支持，请用 latest 或 version`);
  }
  if (el.caseRef) problem(`调用活动 ${label} 调用 CMMN 案例，暂不支持`);
  for (const attr of ['variableMappingClass', 'variableMappingDelegateExpression'] as const) {
    if (el[attr]) problem(`调用活动 ${label} 使用了 camunda:${attr}：上传的流程不允许运行代码`);
  }
  for (const ext of el.extensionElements?.values ?? []) {
    if (ext.$type !== 'camunda:In' && ext.$type !== 'camunda:Out') continue;
    const list = ext.$type === 'camunda:In' ? info.ins : info.outs;
    const what = ext.$type === 'camunda:In' ? 'camunda:in' : 'camunda:out';
    if (ext.businessKey !== undefined && ext.$type === 'camunda:In') {
      const key = String(ext.businessKey).trim();
      const p = PARENT_KEY.test(key) ? null : problemOf(key);
      if (p) problem(`调用活动 ${label} 的 ${what} businessKey 表达式有误：${p.message}`);
      info.businessKey = key;
      continue;
    }
    if (ext.variables === 'all') {
      list.push({ all: true });
      continue;
    }
    const m: VariableMapping = {};
    if (ext.source) m.source = String(ext.source);
    if (ext.sourceExpression) m.sourceExpression = String(ext.sourceExpression);
    if (ext.target) m.target = String(ext.target);
    if (!m.target || (!m.source && !m.sourceExpression)) {
      problem(`调用活动 ${label} 的 ${what} 需要 source（或 sourceExpression）和 target，或 variables="all"`);
      continue;
    }
    const p = m.sourceExpression ? problemOf(m.sourceExpression) : null;
    if (p) problem(`调用活动 ${label} 的 ${what} sourceExpression 表达式有误：${p.message}`);
    if (ext.local) problem(`调用活动 ${label} 的 ${what} local="true" 暂不支持`);
    list.push(m);
  }
  return info;
}

/** Applies camunda:in (parent → child) or camunda:out (child → parent) mappings. */
export function mapVariables(mappings: VariableMapping[], from: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of mappings) {
    if (m.all) Object.assign(out, from);
    else if (m.sourceExpression) out[m.target!] = evaluateCompiled(compile(m.sourceExpression), from);
    else out[m.target!] = from[m.source!] ?? null;
  }
  return out;
}

/** The child's business key from camunda:in businessKey, if any. */
export function childBusinessKey(info: CallInfo, parent: { businessKey: string | null; variables: Record<string, unknown> }): string | null {
  if (!info.businessKey) return null;
  if (PARENT_KEY.test(info.businessKey)) return parent.businessKey;
  const v = evaluateCompiled(compile(info.businessKey), parent.variables);
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** The child instance's id: derived, so a parent can name (and cancel) it before it exists. */
export function childInstanceId(parentInstanceId: string, executionId: string): string {
  const h = createHash('sha256').update(`${parentInstanceId}/${executionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Jobs of the call protocol written in a step's transaction (see the module comment). */
export function callJobs(
  instance: InstanceRow,
  definitionId: string,
  effects: { callsRequested: Map<string, string>; callsAbandoned: Map<string, string>; callLocals?: Map<string, Record<string, unknown>>; ended: boolean },
  outcome: { cancelled: boolean; variables: Record<string, unknown> },
  now: number,
): { statements: Statement[]; jobs: JobRow[]; history: Array<{ type: string; elementId: string; executionId: string; data: Record<string, unknown> }> } {
  const jobs: JobRow[] = [];
  const history: Array<{ type: string; elementId: string; executionId: string; data: Record<string, unknown> }> = [];
  const job = (type: JobType, instanceId: string | null, executionId: string | null, elementId: string, payload: Record<string, unknown> | null): JobRow => ({
    id: randomUUID(),
    type,
    instanceId,
    definitionId: instanceId === instance.id ? definitionId : null,
    executionId,
    elementId,
    dueAt: now,
    lockedBy: null,
    lockedUntil: null,
    attempts: 0,
    retries: 3,
    retryCycle: 'R3/PT30S',
    lastError: null,
    payload,
    createdAt: now,
  });
  for (const [executionId, elementId] of effects.callsRequested) {
    const childId = childInstanceId(instance.id, executionId);
    const locals = effects.callLocals?.get(executionId);
    jobs.push(job('call', instance.id, executionId, elementId, { childId, ...(locals && { locals }) }));
    history.push({ type: 'call.requested', elementId, executionId, data: { childId } });
  }
  const abandoned = [...effects.callsAbandoned];
  for (const [executionId, elementId] of abandoned) {
    const childId = childInstanceId(instance.id, executionId);
    jobs.push(job('cancel', null, null, 'cancel', { instanceId: childId, by: 'system', reason: outcome.cancelled ? '上级流程已撤销' : '调用活动已被中断', ifExists: true }));
    history.push({ type: 'call.cancelled', elementId, executionId, data: { childId } });
  }
  if (instance.parentInstanceId && instance.parentExecutionId && (effects.ended || outcome.cancelled)) {
    jobs.push(
      job('call-return', instance.parentInstanceId, instance.parentExecutionId, instance.processKey, {
        childId: instance.id,
        status: outcome.cancelled ? 'cancelled' : 'completed',
        variables: outcome.cancelled ? {} : outcome.variables,
      }),
    );
  }
  const statements = deleteInstanceJobsStmt(instance.id, 'call', abandoned.map(([id]) => id));
  return { statements, jobs, history };
}
