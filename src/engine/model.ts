import { retryCycleProblem, timeLimitProblem } from '../lib/timer-limits.ts';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { parseTimeLimit } from '../lib/time-limits.ts';
import { assignUnowned, dialectsOf, embeddedFormName, embeddedFormsOf, resolveInitiator } from './dialects/model-view.ts';
import { chooseProcess, classifyWarnings, fillGaps, hideDescriptiveRoots, pruneMessageFlows } from './lenient.ts';
import { loopInfoOf } from './multi-instance.ts';
import { callInfoOf } from './call-activity.ts';
import { messageThrowProblems } from './message-throw.ts';
import { readRiskPoints } from '../lib/risk-points.ts';
import { ioMappingOf } from './io-mapping.ts';
import { decisionRefOf } from './dmn/rule-task.ts';
import type { AnalyseContext, ElementInfo, ParsedBpmn, ProcessModel, Problem } from './model-types.ts';
import {
  camundaProperties,
  checkCondition,
  checkExpression,
  checkNoCode,
  compileKind,
  formNameOf,
  handlerNameOf,
  label,
  messageNameOf,
  retryCycleOf,
  splitList,
} from './model-checks.ts';
import { checkEventDefinitions, checkEventSubProcess, checkLinks, startEventInfo } from './model-events.ts';

export type { AnalyseContext, ElementInfo, ParsedBpmn, ProcessModel, Problem, StartEventInfo } from './model-types.ts';
export { formNameOf };

/**
 * Reading a BPMN file into what the engine needs, and every reason to refuse it.
 * Only this module (with model-checks.ts and model-events.ts) and runtime.ts know the moddle
 * object shapes.
 */

const moddle = () => new BpmnModdle({ camunda });

/**
 * Parses and checks a BPMN file; `problems` lists everything wrong with it at once.
 * Usage: `const { model, moddleContext, problems } = await parseBpmn(xml, ctx)`.
 */
export async function parseBpmn(xml: string, ctx: AnalyseContext): Promise<ParsedBpmn> {
  let moddleContext: any;
  try {
    moddleContext = await moddle().fromXML(xml.trim());
  } catch (err) {
    return { problems: [xmlProblem((err as Error).message, 'XML 无法解析')] };
  }
  const { problems, notes } = classifyWarnings(moddleContext.warnings ?? [], xmlProblem);
  pruneMessageFlows(moddleContext);
  const model = analyse(moddleContext.rootElement, ctx, problems);
  // A file that is only stored never runs: what would change execution is only worth a note.
  if (model?.executable === false) notes.push(...problems.splice(0).map((p) => p.message));
  model?.notes.unshift(...notes);
  hideDescriptiveRoots(moddleContext.rootElement);
  return { moddleContext, model, problems };
}

function xmlProblem(raw: string, prefix: string, element?: string): Problem {
  const line = /line: (\d+)/.exec(raw);
  const column = /column: (\d+)/.exec(raw);
  const nested = /nested error: (.*)/.exec(raw);
  const head = raw.split('\n')[0];
  const message = `${prefix}：${head}${nested ? `（${nested[1]}）` : ''}`;
  return {
    ...(element && { element }),
    ...(line && { line: Number(line[1]) + 1 }),
    ...(column && { column: Number(column[1]) + 1 }),
    message,
  };
}

const SUPPORTED = new Set([
  'bpmn:StartEvent',
  'bpmn:EndEvent',
  'bpmn:IntermediateCatchEvent',
  'bpmn:IntermediateThrowEvent',
  'bpmn:BoundaryEvent',
  'bpmn:UserTask',
  'bpmn:ManualTask',
  'bpmn:Task',
  'bpmn:ServiceTask',
  'bpmn:BusinessRuleTask',
  'bpmn:SendTask',
  'bpmn:ReceiveTask',
  'bpmn:ExclusiveGateway',
  'bpmn:ParallelGateway',
  'bpmn:InclusiveGateway',
  'bpmn:EventBasedGateway',
  'bpmn:SubProcess',
  'bpmn:CallActivity',
  'bpmn:SequenceFlow',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

/** Top-level elements that only describe (data types, resources, interfaces, event names). */
const HARMLESS_ROOTS = new Set([
  'bpmn:Process',
  'bpmn:Collaboration',
  'bpmn:Error',
  'bpmn:DataStore',
  'bpmn:Category',
  'bpmn:ItemDefinition',
  'bpmn:Resource',
  'bpmn:Interface',
  'bpmn:Signal',
  'bpmn:Escalation',
  'bpmn:EndPoint',
]);

const TYPE_NAMES: Record<string, string> = {
  'bpmn:ScriptTask': '脚本任务',
  'bpmn:BusinessRuleTask': '业务规则任务',
  'bpmn:CallActivity': '调用活动',
  'bpmn:SendTask': '发送任务',
  'bpmn:Transaction': '事务子流程',
  'bpmn:AdHocSubProcess': '自由子流程',
  'bpmn:ComplexGateway': '复杂网关',
};



function analyse(definitions: any, ctx: AnalyseContext, problems: Problem[]): ProcessModel | undefined {
  const roots: any[] = definitions?.rootElements ?? [];
  const chosen = chooseProcess(definitions);
  if (chosen.stored) return storedOnly(chosen.stored, definitions);
  if (!chosen.process) {
    problems.push({ message: chosen.problem! });
    return undefined;
  }
  const proc = chosen.process;
  const lenientNotes = [...(chosen.note ? [chosen.note] : []), ...fillGaps(proc)];
  const messages = new Map<string, string>();
  for (const r of roots) {
    if (r.$type === 'bpmn:Message') {
      // A message without a name is refused where the process waits for it (see messageNameOf).
      messages.set(r.id, r.name ?? r.id);
    } else if (!HARMLESS_ROOTS.has(r.$type)) {
      problems.push({ element: r.id, message: `不支持的元素类型 ${r.$type}：${label(r)}` });
    }
  }

  const model: ProcessModel = {
    processId: proc.id,
    name: proc.name,
    properties: camundaProperties(proc),
    elements: new Map(),
    startEvents: [],
    conditions: new Set(),
    messages,
    notes: lenientNotes,
    embeddedForms: embeddedFormsOf(proc),
    riskPoints: [],
  };
  const procDialects = dialectsOf(proc, problems);
  const starterGroups = splitList(procDialects.values.candidateStarterGroups);
  const starterUsers = splitList(procDialects.values.candidateStarterUsers);
  if (starterGroups.length) model.starterGroups = starterGroups;
  if (starterUsers.length) model.starterUsers = starterUsers;
  checkNoCode(proc, problems);
  walk(proc.flowElements ?? [], true, model, ctx, problems);
  checkLinks(proc, problems, model.notes);
  resolveInitiator(model);
  assignUnowned(model);
  const risk = readRiskPoints(model.elements.values(), model.properties);
  model.riskPoints = risk.points;
  problems.push(...risk.problems);
  if (!model.startEvents.length) implicitStart(proc, model, problems);
  return model;
}

/** The model of a file that is stored but never run (see ProcessModel.executable). */
function storedOnly(proc: any, definitions: any): ProcessModel {
  const collaboration = (definitions?.rootElements ?? []).find((r: any) => r.$type === 'bpmn:Collaboration');
  return {
    processId: proc.id,
    name: proc.name ?? collaboration?.name ?? definitions?.name,
    executable: false,
    properties: {},
    elements: new Map(),
    startEvents: [],
    conditions: new Set(),
    messages: new Map(),
    notes: [NOT_EXECUTABLE_NOTE],
    riskPoints: [],
  };
}

export const NOT_EXECUTABLE_NOTE = '非可执行流程（isExecutable="false"）：已保存，不能发起。要运行它，请把流程改为 isExecutable="true" 后重新部署';

/** What walking one element needs besides the element. */
interface Walk {
  topLevel: boolean;
  model: ProcessModel;
  ctx: AnalyseContext;
  problems: Problem[];
}

type Dialects = ReturnType<typeof dialectsOf>;

function walk(elements: any[], topLevel: boolean, model: ProcessModel, ctx: AnalyseContext, problems: Problem[]): void {
  const w: Walk = { topLevel, model, ctx, problems };
  for (const el of elements) {
    const type: string = el.$type;
    if (!SUPPORTED.has(type)) {
      const what = TYPE_NAMES[type] ?? type;
      const why = type === 'bpmn:ScriptTask' ? '：上传的流程不允许运行代码，请改用服务任务（注册的处理程序）' : '';
      problems.push({ element: el.id, message: `不支持的元素类型 ${what}：${label(el)}${why}` });
      continue;
    }
    checkNoCode(el, problems);
    const loop = loopInfoOf(el, label(el), (message) => problems.push({ element: el.id, message }));
    const d = dialectsOf(el, problems);
    if (type === 'bpmn:SequenceFlow') {
      checkCondition(el, model, problems);
      continue;
    }
    if (type.startsWith('bpmn:Data')) continue;
    const info: ElementInfo = {
      id: el.id,
      type,
      name: el.name,
      candidateGroups: splitList(d.values.candidateGroups),
      candidateUsers: splitList(d.values.candidateUsers),
      properties: { ...d.headers, ...camundaProperties(el) },
      ...(loop && { loop }),
    };
    const io = ioMappingOf(el, label(el), (message) => problems.push({ element: el.id, message }));
    if (io) info.io = io;
    if (!el.name) model.notes.push(`元素 ${el.id} 没有名称`);
    checkEventDefinitions(el, info, topLevel, model, problems);
    if (type === 'bpmn:UserTask' || (type === 'bpmn:StartEvent' && d.values.formKey)) readUserTask(el, info, d, w);
    readTaskWork(el, info, d, w);
    readContainers(el, info, d, w);
    model.elements.set(el.id, info);
  }
}

/** A user task's (or a start form's) form, assignment and time limits. */
function readUserTask(el: any, info: ElementInfo, d: Dialects, { model, ctx, problems }: Walk): void {
  const dv = d.values;
  if (dv.formKey) {
    info.formKey = embeddedFormName(model, dv.formKey) ?? formNameOf(dv.formKey);
    if (!ctx.formExists(info.formKey) && !model.embeddedForms?.[info.formKey]) {
      // As Camunda 7: the form key is only a name until the task is shown. Deployed with a note;
      // the task is done with the generic form (no fields) until a form of that name is deployed.
      model.notes.push(`${label(el)} 引用的表单 "${dv.formKey}"（${d.sources.formKey}）尚不存在：已部署，任务暂以通用表单办理；部署同名的 .form 文件（表单名 ${info.formKey}）后自动使用`);
    }
  }
  info.assignee = dv.assignee;
  for (const attr of ['assignee', 'candidateGroups', 'candidateUsers', 'dueDate', 'followUpDate', 'priority'] as const) {
    if (dv[attr]) checkExpression(el, attr, dv[attr], problems);
  }
  for (const attr of ['dueDate', 'followUpDate'] as const) {
    const value = dv[attr];
    if (!value || compileKind(value) !== 'literal') continue;
    const limit = parseTimeLimit(value);
    const bounded = limit && timeLimitProblem(limit, value);
    if (!limit) problems.push({ element: el.id, message: `${label(el)} 的 ${attr} "${value}" 不是有效的期限（如 P5D 表示 5 个工作日，或 2026-12-31）` });
    else if (bounded) problems.push({ element: el.id, message: `${label(el)} 的 ${attr}：${bounded}` });
  }
  if (dv.dueDate) info.dueDate = dv.dueDate;
  if (dv.followUpDate) info.followUpDate = dv.followUpDate;
  if (dv.priority) info.priority = dv.priority;
  for (const check of splitList(info.properties.completionCheck)) {
    if (ctx.checkExists && !ctx.checkExists(check)) problems.push({ element: el.id, message: `${label(el)} 的完成校验 "${check}" 未注册` });
  }
}

/** Send, business rule, service, call and receive tasks: what does their work. */
function readTaskWork(el: any, info: ElementInfo, d: Dialects, { model, ctx, problems }: Walk): void {
  const type: string = el.$type;
  const dv = d.values;
  // A send task publishes its message like a message throw event, unless it names a handler.
  const sendsMessage = type === 'bpmn:SendTask' && !dv.handler && !handlerNameOf(el) && !d.code;
  if (sendsMessage && !el.messageRef) {
    // Nothing to send and nobody to send it: a plain task that passes at once (as in bpmn-engine).
    model.notes.push(`发送任务 ${label(el)} 没有引用消息（messageRef），也没有指定处理程序：按普通任务直接通过；要发送消息请引用文件中定义的消息`);
  } else if (sendsMessage) {
    info.messageName = messageNameOf(el, el.messageRef, problems);
    for (const message of messageThrowProblems(info.properties, label(el))) problems.push({ element: el.id, message });
  }
  if (type === 'bpmn:BusinessRuleTask') {
    info.decision = decisionRefOf(el, label(el), ctx.decisionExists, (message) => problems.push({ element: el.id, message }));
    if (!info.decision && !el.decisionRef && !dv.handler && !handlerNameOf(el) && !d.code) {
      problems.push({ element: el.id, message: `业务规则任务 ${label(el)} 没有引用决策（camunda:decisionRef 或 zeebe:calledDecision decisionId），也没有指定处理程序` });
    }
  }
  const handled = type === 'bpmn:BusinessRuleTask' && !info.decision && !el.decisionRef && Boolean(dv.handler ?? handlerNameOf(el));
  if (type === 'bpmn:ServiceTask' || (type === 'bpmn:SendTask' && !sendsMessage) || handled) readHandler(el, info, d, ctx, problems);
  if (type === 'bpmn:CallActivity') info.call = callInfoOf(el, label(el), (message) => problems.push({ element: el.id, message }));
  if (type === 'bpmn:ReceiveTask') {
    if (!el.messageRef) problems.push({ element: el.id, message: `接收任务 ${label(el)} 没有引用消息` });
    else info.messageName = messageNameOf(el, el.messageRef, problems);
  }
}

/** A service task's registered handler and its retry cycle. */
function readHandler(el: any, info: ElementInfo, d: Dialects, ctx: AnalyseContext, problems: Problem[]): void {
  const handler = d.values.handler ?? handlerNameOf(el);
  if (!handler) {
    if (!d.code) problems.push({ element: el.id, message: `服务任务 ${label(el)} 没有指定处理程序（camunda:type="external" camunda:topic="名称"，或 zeebe:taskDefinition type="名称"）` });
  } else if (!ctx.handlerExists(handler)) {
    problems.push({
      element: el.id,
      message: d.jobType
        ? `服务任务 ${label(el)} 的作业类型（zeebe:taskDefinition type）"${handler}" 没有对应的已注册处理程序：请改用平台已注册的处理程序名称，或请平台注册名为 "${handler}" 的处理程序`
        : `服务任务 ${label(el)} 的处理程序 "${handler}"（${d.sources.handler ?? 'camunda:delegateExpression'}）未注册`,
    });
  }
  info.handler = handler;
  info.retryCycle = retryCycleOf(el);
  if (info.retryCycle && !/^R\d+\/P/.test(info.retryCycle)) {
    problems.push({ element: el.id, message: `${label(el)} 的重试周期 "${info.retryCycle}" 应形如 R3/PT10S` });
  } else if (info.retryCycle && retryCycleProblem(info.retryCycle)) {
    problems.push({ element: el.id, message: `${label(el)} 的${retryCycleProblem(info.retryCycle)}` });
  }
}

/** Sub-processes (walked in turn), event sub-process starts and the process's start events. */
function readContainers(el: any, info: ElementInfo, d: Dialects, { topLevel, model, ctx, problems }: Walk): void {
  const type: string = el.$type;
  if (type === 'bpmn:SubProcess') {
    if (el.triggeredByEvent) checkEventSubProcess(el, problems);
    walk(el.flowElements ?? [], false, model, ctx, problems);
  }
  if (type === 'bpmn:StartEvent' && el.$parent?.triggeredByEvent) {
    info.eventSub = { subProcessId: el.$parent.id, interrupting: el.isInterrupting !== false, topLevel: el.$parent.$parent?.$type === 'bpmn:Process' };
    if (!info.eventSub.topLevel && (info.messageName || info.signalName || info.timer || info.condition)) {
      problems.push({ element: el.id, message: `事件子流程的开始事件 ${label(el)}：消息、信号、定时和条件触发暂只支持流程一级的事件子流程（嵌套在子流程中的请改用边界事件）` });
    }
  }
  if (type === 'bpmn:StartEvent' && d.values.initiator) info.initiator = d.values.initiator;
  if (type === 'bpmn:StartEvent' && topLevel) model.startEvents.push(startEventInfo(el, info));
}

/** The start of a process without start events (BPMN: every node without an incoming flow starts). */
export const IMPLICIT_START = '(implicit-start)';

/**
 * A process without a start event starts, as BPMN says, at every flow node without an incoming
 * sequence flow (boundary events, event sub-processes and compensation handlers excepted); without
 * such a node it cannot start and is refused.
 */
function implicitStart(proc: any, model: ProcessModel, problems: Problem[]): void {
  const firsts = (proc.flowElements ?? []).filter(
    (e: any) =>
      e.$type !== 'bpmn:SequenceFlow' &&
      e.$type !== 'bpmn:BoundaryEvent' &&
      !e.$type.startsWith('bpmn:Data') &&
      !e.triggeredByEvent &&
      !e.isForCompensation &&
      !(e.incoming?.length > 0),
  );
  if (!firsts.length) {
    problems.push({ element: proc.id, message: `流程 ${label(proc)} 没有开始事件，也没有可作为起点的节点` });
    return;
  }
  model.startEvents.push({ id: IMPLICIT_START, kind: 'none' });
  model.notes.push(`流程 ${label(proc)} 没有开始事件：发起时从没有入口顺序流的节点开始（${firsts.map(label).join('、')}），建议补上开始事件`);
}

