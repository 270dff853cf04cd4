import { timerValueProblem } from '../lib/timer-limits.ts';
import { cronProblem, isCron } from '../lib/cron.ts';
import { errorInfoOf } from './bpmn-error.ts';
import { messageThrowProblems } from './message-throw.ts';
import { signalThrowProblems } from './signals.ts';
import { checkExpression, isoTimerValid, label, messageNameOf } from './model-checks.ts';
import type { ElementInfo, Moddle, ProcessModel, Problem, StartEventInfo } from './model-types.ts';

/** Deploy checks of event definitions (message, signal, error, timer, conditional, link). */

export const ALLOWED_EVENT_DEFS: Record<string, string[]> = {
  'bpmn:StartEvent': ['bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition', 'bpmn:SignalEventDefinition'],
  'bpmn:EndEvent': ['bpmn:TerminateEventDefinition', 'bpmn:ErrorEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:EscalationEventDefinition', 'bpmn:SignalEventDefinition'],
  'bpmn:IntermediateCatchEvent': ['bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition', 'bpmn:SignalEventDefinition', 'bpmn:ConditionalEventDefinition', 'bpmn:LinkEventDefinition'],
  'bpmn:IntermediateThrowEvent': ['bpmn:MessageEventDefinition', 'bpmn:EscalationEventDefinition', 'bpmn:SignalEventDefinition', 'bpmn:LinkEventDefinition'],
  'bpmn:BoundaryEvent': [
    'bpmn:MessageEventDefinition',
    'bpmn:TimerEventDefinition',
    'bpmn:ErrorEventDefinition',
    'bpmn:EscalationEventDefinition',
    'bpmn:SignalEventDefinition',
    'bpmn:ConditionalEventDefinition',
  ],
};

/** What may start an event sub-process (interrupting or not). */
export const EVENT_SUB_START_DEFS = [
  'bpmn:MessageEventDefinition',
  'bpmn:TimerEventDefinition',
  'bpmn:SignalEventDefinition',
  'bpmn:ErrorEventDefinition',
  'bpmn:EscalationEventDefinition',
  'bpmn:ConditionalEventDefinition',
];

/** An event sub-process has exactly one start event, and that start event has a trigger. */
export function checkEventSubProcess(el: Moddle, problems: Problem[]): void {
  const starts = (el.flowElements ?? []).filter((f: Moddle) => f.$type === 'bpmn:StartEvent');
  if (starts.length !== 1) {
    problems.push({ element: el.id, message: `事件子流程 ${label(el)} 应有且只有一个开始事件（现有 ${starts.length} 个）` });
  } else if (!starts[0].eventDefinitions?.length) {
    problems.push({ element: starts[0].id, message: `事件子流程 ${label(el)} 的开始事件 ${label(starts[0])} 没有触发事件（消息、定时、信号、错误或升级）` });
  }
}

export function startEventInfo(el: Moddle, info: ElementInfo): StartEventInfo {
  const start: StartEventInfo = { id: el.id, kind: 'none', formKey: info.formKey };
  if (info.messageName) {
    start.kind = 'message';
    start.messageName = info.messageName;
  } else if (info.signalName) {
    start.kind = 'signal';
    start.signalName = info.signalName;
  } else if (info.timer) {
    start.kind = 'timer';
    if (info.timer.type === 'timeCycle') start.timeCycle = info.timer.value;
    else start.timeDate = info.timer.value;
  }
  return start;
}

/**
 * Reads and checks the event definitions of an event, filling `info` (message, signal, error,
 * timer, condition, link). Usage: `checkEventDefinitions(el, info, topLevel, model, problems)`.
 */
export function checkEventDefinitions(el: Moddle, info: ElementInfo, topLevel: boolean, model: ProcessModel, problems: Problem[]): void {
  const defs: Moddle[] = el.eventDefinitions ?? [];
  if (!defs.length) return;
  const allowed = ALLOWED_EVENT_DEFS[el.$type] ?? [];
  if (defs.length > 1) problems.push({ element: el.id, message: `暂不支持多个事件定义：${label(el)}` });
  // Start events of an event sub-process are triggered by their event while the enclosing scope runs.
  const eventSubStart = el.$type === 'bpmn:StartEvent' && Boolean(el.$parent?.triggeredByEvent);
  for (const def of defs) {
    const startHere = el.$type !== 'bpmn:StartEvent' || topLevel || (eventSubStart && EVENT_SUB_START_DEFS.includes(def.$type));
    const scriptLanguage = def.$type === 'bpmn:ConditionalEventDefinition' ? def.condition?.language?.toLowerCase() : undefined;
    if (scriptLanguage && !['feel', 'juel'].includes(scriptLanguage)) {
      problems.push({ element: el.id, message: `条件事件 ${label(el)} 的条件使用了脚本语言 "${def.condition.language}"：上传的流程不允许运行代码，请使用 FEEL 表达式` });
      continue;
    }
    if ((!allowed.includes(def.$type) && !(eventSubStart && EVENT_SUB_START_DEFS.includes(def.$type))) || !startHere) {
      problems.push({ element: el.id, message: `不支持的事件类型 ${def.$type.replace('bpmn:', '')}：${label(el)}` });
      continue;
    }
    const read = READERS[def.$type];
    if (read) read(el, def, info, { topLevel, model, problems });
  }
}

interface Where {
  topLevel: boolean;
  model: ProcessModel;
  problems: Problem[];
}
type Reader = (el: Moddle, def: Moddle, info: ElementInfo, where: Where) => void;

const THROWS = new Set(['bpmn:EndEvent', 'bpmn:IntermediateThrowEvent']);

const READERS: Record<string, Reader> = {
  'bpmn:MessageEventDefinition': readMessage,
  'bpmn:SignalEventDefinition': (el, def, info, { problems }) => {
    if (!def.signalRef) problems.push({ element: el.id, message: `信号事件 ${label(el)} 没有引用信号（signalRef）` });
    else info.signalName = def.signalRef.name || def.signalRef.id;
    if (THROWS.has(el.$type)) for (const message of signalThrowProblems(info.properties, label(el))) problems.push({ element: el.id, message });
  },
  'bpmn:ErrorEventDefinition': (el, def, info, { problems }) => {
    info.error = errorInfoOf(el, def, label(el), (message) => problems.push({ element: el.id, message }));
  },
  'bpmn:TimerEventDefinition': readTimer,
  'bpmn:ConditionalEventDefinition': readCondition,
  'bpmn:LinkEventDefinition': (el, def, info, { problems }) => {
    const name = String(def.name ?? '').trim();
    if (!name) problems.push({ element: el.id, message: `链接事件 ${label(el)} 没有名称（linkEventDefinition name）：抛出和捕获的链接事件按名称配对` });
    else info.linkName = name;
  },
};

function readMessage(el: Moddle, def: Moddle, info: ElementInfo, { model, problems }: Where): void {
  const catches = el.$type === 'bpmn:IntermediateCatchEvent' || el.$type === 'bpmn:BoundaryEvent' || el.$type === 'bpmn:StartEvent';
  if (!def.messageRef && catches) {
    // Lenient as bpmn-engine (which waits for a signal to the element): the message is named after the element.
    info.messageName = el.id;
    model.notes.push(`消息事件 ${label(el)} 没有引用消息：按消息名称 "${el.id}" 等待（建议在文件中定义消息并引用）`);
  } else if (!def.messageRef) problems.push({ element: el.id, message: `消息事件 ${label(el)} 没有引用消息` });
  else info.messageName = messageNameOf(el, def.messageRef, problems);
  if (THROWS.has(el.$type)) for (const message of messageThrowProblems(info.properties, label(el))) problems.push({ element: el.id, message });
}

/** A conditional event's condition: a FEEL or JUEL expression, re-evaluated after every step. */
function readCondition(el: Moddle, def: Moddle, info: ElementInfo, { problems }: Where): void {
  const body = String(def.condition?.body ?? '').trim();
  if (!body) {
    problems.push({ element: el.id, message: `条件事件 ${label(el)} 没有条件（condition）` });
    return;
  }
  if (!/^(=|[$#]\{)/.test(body)) {
    problems.push({ element: el.id, message: `条件事件 ${label(el)} 的条件 "${body}" 不是表达式，请写成 =表达式 或 \${表达式}` });
    return;
  }
  if (checkExpression(el, 'condition', body, problems)) info.condition = body;
}

function readTimer(el: Moddle, def: Moddle, info: ElementInfo, { topLevel, problems }: Where): void {
  const kinds = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((k) => def[k]?.body);
  if (kinds.length !== 1) {
    problems.push({ element: el.id, message: `定时事件 ${label(el)} 需要且只能有一个 timeDuration / timeDate / timeCycle` });
    return;
  }
  const type = kinds[0];
  const value = String(def[type].body).trim();
  info.timer = { type, value };
  if (el.$type === 'bpmn:StartEvent' && topLevel && type === 'timeDuration') {
    problems.push({ element: el.id, message: `定时开始事件 ${label(el)} 应使用 timeCycle 或 timeDate` });
  }
  const expression = value.startsWith('=') || value.includes('${');
  // A cycle is evaluated by bpmn-engine's cycle library, where a zero interval never returns:
  // only a literal, checked here, may be deployed.
  if (expression && type === 'timeCycle') problems.push({ element: el.id, message: `定时事件 ${label(el)} 的 timeCycle 须为固定值（如 R/P1D），不能是表达式` });
  else if (expression) checkExpression(el, type, value, problems);
  else if (type === 'timeCycle' && isCron(value)) {
    // Camunda 7 cron cycles: the platform schedules start events itself; bpmn-engine, which
    // runs boundary and intermediate timers, reads ISO 8601 only.
    const problem = el.$type === 'bpmn:StartEvent' ? cronProblem(value) : 'cron 周期暂只支持定时开始事件（含事件子流程的开始事件）；边界和中间定时事件请改用 ISO 8601 周期（如 R/P1D）';
    if (problem) problems.push({ element: el.id, message: `定时事件 ${label(el)} 的${problem}` });
  } else if (!isoTimerValid(type, value)) {
    problems.push({ element: el.id, message: `定时事件 ${label(el)} 的 ${type} "${value}" 不是有效的 ISO 8601 值` });
  } else {
    const bounded = timerValueProblem(type, value);
    if (bounded) problems.push({ element: el.id, message: `定时事件 ${label(el)} 的${bounded}` });
  }
}

/**
 * Every link throw event needs exactly one catch event of its name in the same scope (process or
 * sub-process), as BPMN says; a catch nobody throws to is only a note.
 * Usage: `checkLinks(proc, problems, notes)`.
 */
export function checkLinks(scope: Moddle, problems: Problem[], notes: string[]): void {
  const elements: Moddle[] = scope.flowElements ?? [];
  const linkOf = (e: Moddle) => (e.eventDefinitions ?? []).find((d: Moddle) => d.$type === 'bpmn:LinkEventDefinition')?.name;
  const catches = new Map<string, Moddle[]>();
  for (const e of elements) {
    if (e.$type === 'bpmn:IntermediateCatchEvent' && linkOf(e)) catches.set(linkOf(e), [...(catches.get(linkOf(e)) ?? []), e]);
  }
  const thrown = new Set<string>();
  for (const e of elements) {
    if (e.$type === 'bpmn:SubProcess') checkLinks(e, problems, notes);
    const name = e.$type === 'bpmn:IntermediateThrowEvent' ? linkOf(e) : undefined;
    if (!name) continue;
    thrown.add(name);
    const targets = catches.get(name) ?? [];
    if (targets.length !== 1) problems.push({ element: e.id, message: `链接事件 ${label(e)} 的链接 "${name}" 在同一层级应有且只有一个捕获事件（现有 ${targets.length} 个）` });
  }
  for (const [name, list] of catches) if (!thrown.has(name)) notes.push(`链接捕获事件 ${list.map(label).join('、')}（"${name}"）没有对应的抛出事件`);
}
