import { compile, problemOf } from '../lib/feel.ts';
import type { Moddle, ProcessModel, Problem } from './model-types.ts';

/** Small readers and checks shared by model.ts and model-events.ts (moddle object shapes). */

/** An element as messages name it: `id（name）`. */
export function label(el: Moddle): string {
  return el.name ? `${el.id}（${el.name}）` : el.id;
}

/** The name a message is correlated by; a nameless message cannot be correlated where it is awaited. */
export function messageNameOf(el: Moddle, message: Moddle, problems: Problem[]): string {
  if (!message.name) problems.push({ element: message.id, message: `消息 ${message.id} 没有名称（name），${label(el)} 无法按名称关联它` });
  return message.name ?? message.id;
}

export function isoTimerValid(type: string, value: string): boolean {
  if (type === 'timeDate') return !Number.isNaN(Date.parse(value));
  if (type === 'timeDuration') return /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(value);
  return /^R\d*\/[^/]+(\/[^/]+)?$/.test(value);
}

export function checkCondition(flow: Moddle, model: ProcessModel, problems: Problem[]): void {
  const cond = flow.conditionExpression;
  if (!cond) return;
  const language = cond.language?.toLowerCase();
  if (language && !['feel', 'juel'].includes(language)) {
    problems.push({
      element: flow.id,
      message: `顺序流 ${label(flow)} 的条件使用了脚本语言 "${cond.language}"：上传的流程不允许运行代码，请使用 FEEL 表达式`,
    });
    return;
  }
  const body = String(cond.body ?? '').trim();
  if (!body) {
    problems.push({ element: flow.id, message: `顺序流 ${label(flow)} 的条件为空` });
    return;
  }
  if (compileKind(body) === 'literal') {
    problems.push({ element: flow.id, message: `顺序流 ${label(flow)} 的条件 "${body}" 不是表达式，请写成 =表达式 或 \${表达式}` });
    return;
  }
  if (checkExpression(flow, 'conditionExpression', body, problems)) model.conditions.add(body);
}

export function compileKind(text: string): string {
  try {
    return compile(text).kind;
  } catch {
    return 'invalid';
  }
}

export function checkExpression(el: Moddle, attr: string, text: string, problems: Problem[]): boolean {
  const problem = problemOf(String(text));
  if (!problem) return true;
  problems.push({ element: el.id, message: `${label(el)} 的 ${attr} 表达式有误：${problem.message}` });
  return false;
}

/** Listeners, scripts and Java classes are code: uploaded files may not carry Moddle. */
export function checkNoCode(el: Moddle, problems: Problem[]): void {
  for (const attr of ['class', 'expression', 'delegateExpression', 'resultVariable']) {
    if (attr === 'resultVariable' && el.$type === 'bpmn:BusinessRuleTask' && el.decisionRef) continue;
    if (el[attr] && !(attr === 'delegateExpression' && /^\$\{\s*[\w.-]+\s*\}$/.test(el[attr]))) {
      problems.push({ element: el.id, message: `${label(el)} 使用了 camunda:${attr}：上传的流程不允许运行代码，请改用注册的处理程序` });
    }
  }
  for (const ext of el.extensionElements?.values ?? []) {
    const t: string = ext.$type;
    if (t === 'camunda:ExecutionListener' || t === 'camunda:TaskListener') {
      problems.push({ element: el.id, message: `${label(el)} 含有监听器（${t.replace('camunda:', '')}）：上传的流程不允许运行代码` });
    } else if (t === 'camunda:Connector' || ((t === 'camunda:In' || t === 'camunda:Out') && el.$type !== 'bpmn:CallActivity')) {
      problems.push({ element: el.id, message: `${label(el)} 使用了暂不支持的扩展 ${t}` });
    }
  }
}

export function camundaProperties(el: Moddle): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ext of el.extensionElements?.values ?? []) {
    if (ext.$type !== 'camunda:Properties') continue;
    for (const p of ext.values ?? []) if (p.name) out[p.name] = p.value ?? '';
  }
  return out;
}

export function retryCycleOf(el: Moddle): string | undefined {
  for (const ext of el.extensionElements?.values ?? []) {
    if (ext.$type === 'camunda:FailedJobRetryTimeCycle') return String(ext.body ?? '').trim();
  }
  return undefined;
}

export function handlerNameOf(el: Moddle): string | undefined {
  if (el.topic) return el.topic;
  const m = /^\$\{\s*([\w.-]+)\s*\}$/.exec(el.delegateExpression ?? '');
  return m?.[1];
}

export function splitList(v: unknown): string[] {
  if (typeof v !== 'string') return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The form name a `camunda:formKey` refers to: `camunda-forms:deployment:x.form`,
 * `camunda-forms:app:forms/x.form`, `x.form` and `x` all mean the form `x`.
 */
export function formNameOf(formKey: string): string {
  let k = formKey.trim().replace(/^camunda-forms:(deployment|app):/, '');
  k = k.slice(k.lastIndexOf('/') + 1);
  return k.replace(/\.(form|json)$/, '');
}
