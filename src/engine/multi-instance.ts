import { compile, evaluateCompiled, problemOf } from '../lib/feel.ts';

/**
 * Multi-instance user tasks (会签 / 或签 / 比例签): what deploy reads from
 * `bpmn:multiInstanceLoopCharacteristics`, and the variables an iteration and the completion
 * condition see. bpmn-elements runs the loop itself (each iteration has its own executionId,
 * `<activity execution>_<index>`, so every instance is its own task row); this module only supplies
 * the Camunda variables it does not know: `loopCounter`, `nrOfInstances`, `nrOfActiveInstances`,
 * `nrOfCompletedInstances` and `loopOutput` (the completed instances' submitted values).
 */

export interface LoopInfo {
  sequential: boolean;
  /** camunda:collection: an expression giving a list (or a variable name, Camunda-7 style). */
  collection?: string;
  /** camunda:elementVariable: the iteration's own variable holding its collection item. */
  elementVariable?: string;
  cardinality?: string;
  completionCondition?: string;
  /** zeebe:loopCharacteristics outputCollection: the variable that receives every instance's result. */
  outputCollection?: string;
  /** zeebe:loopCharacteristics outputElement: what one instance contributes (default: its own variables). */
  outputElement?: string;
  /** Sub-process or call activity: each instance is a scope of its own (see loop-scope.ts). */
  scoped?: boolean;
}

/** Element types a multi-instance marker is supported on. */
const LOOP_TYPES = new Set(['bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:SubProcess', 'bpmn:CallActivity']);
const NAME = /^[A-Za-z_][\w]*$/;

/** Camunda 8's `zeebe:loopCharacteristics` (inputCollection/inputElement/outputCollection/outputElement). */
type ModdleElement = Record<string, unknown> & { $attrs?: Record<string, unknown> };

function readZeebeLoop(lc: { extensionElements?: { values?: ModdleElement[] } }, info: LoopInfo, label: string, problem: (message: string) => void): void {
  const z = (lc.extensionElements?.values ?? []).find((x) => String(x.$type ?? '').endsWith(':loopCharacteristics'));
  if (!z) return;
  const a: Record<string, unknown> = { ...(z.$attrs ?? {}), ...z };
  if (a.inputCollection) info.collection = String(a.inputCollection).trim();
  if (a.inputElement) info.elementVariable = String(a.inputElement).trim();
  if (a.outputCollection) info.outputCollection = String(a.outputCollection).trim();
  if (a.outputElement) info.outputElement = String(a.outputElement).trim();
  if (info.outputCollection && !NAME.test(info.outputCollection)) problem(`多实例 ${label} 的 outputCollection "${info.outputCollection}" 不是有效的变量名`);
  if (info.outputElement && !info.outputCollection) problem(`多实例 ${label} 有 outputElement 而没有 outputCollection`);
}

/**
 * The loop of a flow element, pushing a problem for anything not supported.
 * Usage: `info.loop = loopInfoOf(el, label(el), (m) => problems.push({ element: el.id, message: m }))`.
 */
export function loopInfoOf(el: any, label: string, problem: (message: string) => void): LoopInfo | undefined {
  const lc = el.loopCharacteristics;
  if (!lc) return undefined;
  if (lc.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
    problem(`暂不支持标准循环（standardLoopCharacteristics）：${label}，请改用多实例`);
    return undefined;
  }
  if (!LOOP_TYPES.has(el.$type)) {
    problem(`暂只支持用户任务、子流程和调用活动的多实例（会签/或签）：${label}`);
    return undefined;
  }
  const info: LoopInfo = { sequential: Boolean(lc.isSequential) };
  if (el.$type === 'bpmn:SubProcess' || el.$type === 'bpmn:CallActivity') info.scoped = true;
  if (lc.collection) info.collection = String(lc.collection).trim();
  if (lc.elementVariable) info.elementVariable = String(lc.elementVariable).trim();
  readZeebeLoop(lc, info, label, problem);
  const cardinality = lc.loopCardinality?.body;
  if (cardinality !== undefined && String(cardinality).trim()) info.cardinality = String(cardinality).trim();
  const condition = lc.completionCondition?.body;
  if (condition !== undefined && String(condition).trim()) info.completionCondition = String(condition).trim();
  if (!info.collection && !info.cardinality) problem(`多实例 ${label} 需要 camunda:collection（如 \${reviewers}）或 loopCardinality`);
  if (info.collection && !/^(=|\$\{)/.test(info.collection)) {
    // Camunda 7 also accepts a bare variable name.
    if (!/^[A-Za-z_][\w]*$/.test(info.collection)) problem(`多实例 ${label} 的 camunda:collection "${info.collection}" 应为变量名或表达式`);
    else info.collection = `\${${info.collection}}`;
  }
  if (info.elementVariable && !/^[A-Za-z_][\w]*$/.test(info.elementVariable)) {
    problem(`多实例 ${label} 的 camunda:elementVariable "${info.elementVariable}" 不是有效的变量名`);
  }
  for (const [what, text] of [
    ['collection', info.collection],
    ['loopCardinality', info.cardinality],
    ['completionCondition', info.completionCondition],
    ['outputElement', info.outputElement],
  ] as const) {
    const p = text && problemOf(text);
    if (p) problem(`多实例 ${label} 的 ${what} 表达式有误：${p.message}`);
  }
  if (info.completionCondition && !/^(=|\$\{)/.test(info.completionCondition)) {
    problem(`多实例 ${label} 的完成条件 "${info.completionCondition}" 不是表达式，请写成 =表达式 或 \${表达式}`);
  }
  return info;
}

/** The variables one iteration sees besides the instance's: its item and counters. */
export function iterationLocals(info: LoopInfo, content: any): Record<string, unknown> {
  const locals: Record<string, unknown> = { loopCounter: content.index, nrOfInstances: content.loopCardinality };
  if (info.elementVariable && info.elementVariable in content) locals[info.elementVariable] = content[info.elementVariable];
  return locals;
}

/**
 * What a completion condition is evaluated against when an iteration completes: the instance's
 * variables, the completed iteration's own (its item and submitted values), and the counters.
 * `loopOutput` lists what every completed instance submitted, e.g. for a vote count:
 * `=count(loopOutput[approved = true]) >= 2`.
 */
export function completionContext(info: LoopInfo, variables: Record<string, unknown>, content: any): Record<string, unknown> {
  const output: unknown[] = Array.isArray(content.loopOutput) ? content.loopOutput : [];
  const done = output.filter((o) => o !== undefined && o !== null);
  const total = Number(content.loopCardinality ?? output.length);
  const own = content.output && typeof content.output === 'object' ? content.output : {};
  return {
    ...variables,
    ...iterationLocals(info, content),
    ...own,
    nrOfInstances: total,
    nrOfCompletedInstances: done.length,
    nrOfActiveInstances: info.sequential ? 0 : Math.max(0, total - done.length),
    loopOutput: done,
  };
}

/**
 * A multi-instance activity's progress for the monitor ("2/3"): completed task rows of the element
 * against the number of instances — the collection's length or the cardinality evaluated on the
 * instance's variables, or else the task rows there are (a sequential loop creates them one by one).
 * Usage: `loopProgress(info.loop, tasksOfElement, instance.variables)` → `{ completed: 2, total: 3 }`.
 */
export function loopProgress(loop: LoopInfo, tasks: Array<{ status: string }>, variables: Record<string, unknown>): { completed: number; total: number } {
  const completed = tasks.filter((t) => t.status === 'completed').length;
  let total = tasks.length;
  try {
    const source = loop.collection ?? loop.cardinality;
    if (source) {
      const text = /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(source.trim()) ? `=${source.trim()}` : source;
      const value = evaluateCompiled(compile(text), variables);
      if (Array.isArray(value)) total = Math.max(total, value.length);
      else if (typeof value === 'number' && Number.isFinite(value)) total = Math.max(total, value);
    }
  } catch {
    // a collection that no longer evaluates: the task rows are what there is
  }
  return { completed, total };
}

/**
 * The output collection of a finished multi-instance activity: one entry per completed instance, in
 * instance order — its outputElement evaluated on the instance's own variables, or those variables.
 * Usage: `variables[loop.outputCollection] = outputCollection(loop, api.content.output, variables)`.
 */
export function outputCollection(loop: LoopInfo, outputs: unknown[], variables: Record<string, unknown>): unknown[] {
  const done = outputs.filter((o) => o !== undefined && o !== null);
  if (!loop.outputElement) return done;
  const compiled = compile(loop.outputElement);
  return done.map((o) => evaluateCompiled(compiled, { ...variables, ...(typeof o === 'object' ? (o as Record<string, unknown>) : {}) }));
}
