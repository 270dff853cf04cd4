import type { MapDecisionResult } from './evaluate.ts';

/**
 * What a business rule task says about its decision: Camunda 7's `camunda:decisionRef`,
 * `decisionRefBinding` (latest / version), `resultVariable`, `mapDecisionResult`, or Camunda 8's
 * `<zeebe:calledDecision decisionId resultVariable>`.
 */
export interface DecisionRef {
  decisionId: string;
  /** A fixed version (binding "version"); absent: the newest deployed version when the task runs. */
  version?: number;
  resultVariable: string;
  mapResult: MapDecisionResult;
}

const MAPPINGS = ['singleEntry', 'singleResult', 'collectEntries', 'resultList'];
const VARIABLE = /^[A-Za-z_\u4e00-\u9fa5][\w\u4e00-\u9fa5]*$/;

/**
 * The decision reference of a business rule task, or undefined when it names none (then it is
 * refused, or run as an external handler if it has a topic). Problems go to `problem`.
 * Usage: `info.decision = decisionRefOf(el, label(el), ctx.decisionExists, push)`.
 */
export function decisionRefOf(el: any, label: string, exists: ((id: string) => boolean) | undefined, problem: (message: string) => void): DecisionRef | undefined {
  const zeebe = (el.extensionElements?.values ?? []).find((e: any) => /(^|:)calledDecision$/.test(String(e.$type ?? '')));
  const za = zeebe ? { ...(zeebe.$attrs ?? {}), ...zeebe } : undefined;
  const ref: unknown = el.decisionRef ?? za?.decisionId;
  if (ref === undefined || ref === null || ref === '') return undefined;
  const decisionId = String(ref).trim();
  if (/^=|\$\{|#\{/.test(decisionId)) {
    problem(`业务规则任务 ${label} 的决策引用 "${decisionId}" 是表达式：须写固定的决策 id，才能在部署时检查它存在`);
    return undefined;
  }
  if (exists && !exists(decisionId)) {
    problem(`业务规则任务 ${label} 引用的决策 "${decisionId}" 不存在（已部署的决策和本次部署的 .dmn 文件中都没有）：请把定义它的 .dmn 文件一起部署`);
  }
  const resultVariable = String(el.resultVariable ?? za?.resultVariable ?? '').trim();
  if (!resultVariable) problem(`业务规则任务 ${label} 没有指定结果变量（camunda:resultVariable 或 zeebe:calledDecision resultVariable）`);
  else if (!VARIABLE.test(resultVariable)) problem(`业务规则任务 ${label} 的结果变量名 "${resultVariable}" 无效`);
  let mapResult: MapDecisionResult = za && !el.decisionRef ? 'zeebe' : 'resultList';
  if (el.decisionRef && el.mapDecisionResult) {
    if (!MAPPINGS.includes(el.mapDecisionResult)) problem(`业务规则任务 ${label} 的 camunda:mapDecisionResult "${el.mapDecisionResult}" 无效（应为 ${MAPPINGS.join('、')}）`);
    else mapResult = el.mapDecisionResult as MapDecisionResult;
  }
  const binding = String(el.decisionRefBinding ?? 'latest');
  let version: number | undefined;
  if (binding === 'version') {
    version = Number(el.decisionRefVersion);
    if (!Number.isInteger(version) || version < 1) problem(`业务规则任务 ${label} 的 camunda:decisionRefVersion "${el.decisionRefVersion ?? ''}" 应为正整数`);
  } else if (binding !== 'latest') {
    problem(`业务规则任务 ${label} 的 camunda:decisionRefBinding "${binding}" 暂不支持（支持 latest、version）`);
  }
  return { decisionId, ...(version !== undefined && { version }), resultVariable, mapResult };
}
