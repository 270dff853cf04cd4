import { retryCycleProblem, timeLimitProblem, timerValueProblem } from '../lib/timer-limits.ts';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { compile, problemOf } from '../lib/feel.ts';
import { parseTimeLimit } from '../lib/time-limits.ts';
import { cronProblem, isCron } from '../lib/cron.ts';
import { assignUnowned, dialectsOf, embeddedFormName, embeddedFormsOf, resolveInitiator } from './dialects/model-view.ts';
import { chooseProcess, classifyWarnings, fillGaps, hideDescriptiveRoots, pruneMessageFlows } from './lenient.ts';
import { loopInfoOf, type LoopInfo } from './multi-instance.ts';
import { errorInfoOf, type ErrorInfo } from './bpmn-error.ts';
import { callInfoOf, type CallInfo } from './call-activity.ts';
import { messageThrowProblems } from './message-throw.ts';
import { readRiskPoints, type RiskPoint } from '../lib/risk-points.ts';
import { signalThrowProblems } from './signals.ts';
import { ioMappingOf, type IoMapping } from './io-mapping.ts';
import { decisionRefOf, type DecisionRef } from './dmn/rule-task.ts';

/**
 * Reading a BPMN file into what the engine needs, and every reason to refuse it.
 * Only this module and runtime.ts know the moddle object shapes.
 */

/** What the engine reads from one flow element of a deployed process. */
export interface ElementInfo {
  id: string;
  type: string; // bpmn:UserTask …
  name?: string;
  formKey?: string; // normalised form name (see formNameOf)
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate?: string;
  followUpDate?: string;
  priority?: string;
  properties: Record<string, string>;
  handler?: string; // service task handler name
  retryCycle?: string; // ISO repeating interval for failed jobs
  messageName?: string; // message catch/receive/start
  /** Signal catch/start/boundary (waits for it) or throw/end (broadcasts it): the signal's name. */
  signalName?: string;
  timer?: { type: 'timeDuration' | 'timeDate' | 'timeCycle'; value: string };
  /** camunda:initiator on a start event: the variable that receives the starter's user id. */
  initiator?: string;
  /** Multi-instance marker (会签/或签): see multi-instance.ts. */
  loop?: LoopInfo;
  /** Error end event or error boundary event: the error code (none: catch-all) and variables. */
  error?: ErrorInfo;
  /** Call activity: the called process and variable mappings (see call-activity.ts). */
  call?: CallInfo;
  /** camunda:inputOutput / zeebe:ioMapping (see io-mapping.ts). */
  io?: IoMapping;
  /** Business rule task: the DMN decision it evaluates and where the result goes. */
  decision?: DecisionRef;
  /** Start event of an event sub-process: which sub-process it starts and whether it interrupts. */
  eventSub?: { subProcessId: string; interrupting: boolean; topLevel: boolean };
}

export interface StartEventInfo {
  id: string;
  kind: 'none' | 'message' | 'timer' | 'signal';
  messageName?: string;
  signalName?: string;
  timeCycle?: string;
  timeDate?: string;
  formKey?: string;
}

export interface ProcessModel {
  processId: string;
  /**
   * false: every process of the file is `isExecutable="false"`. Stored and versioned as Camunda 7
   * stores such a resource (downloadable, diagram viewable) but not startable; nothing else is read.
   */
  executable?: false;
  name?: string;
  starterGroups?: string[];
  starterUsers?: string[];
  properties: Record<string, string>;
  elements: Map<string, ElementInfo>;
  startEvents: StartEventInfo[];
  /** Texts of conditions on sequence flows: these must evaluate to a boolean. */
  conditions: Set<string>;
  /** bpmn:Message id → name. */
  messages: Map<string, string>;
  /** Camunda 8 forms embedded in the file (zeebe:userTaskForm): form name → form-js JSON text. */
  embeddedForms?: Record<string, string>;
  /** Warnings that do not block a deployment. */
  notes: string[];
  /** 廉政风险点 declared on flow nodes (see src/lib/risk-points.ts); level "无" is not listed. */
  riskPoints: RiskPoint[];
}

export interface Problem {
  element?: string;
  line?: number;
  column?: number;
  message: string;
}

export interface ParsedBpmn {
  moddleContext?: any;
  model?: ProcessModel;
  problems: Problem[];
}

export interface AnalyseContext {
  formExists(name: string): boolean;
  handlerExists(name: string): boolean;
  /** Whether a completion check of that name is registered (true if the caller does not care). */
  checkExists?(name: string): boolean;
  /** Whether a DMN decision of that id is deployed or in this deployment (true if absent). */
  decisionExists?(id: string): boolean;
}

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

const ALLOWED_EVENT_DEFS: Record<string, string[]> = {
  'bpmn:StartEvent': ['bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition', 'bpmn:SignalEventDefinition'],
  'bpmn:EndEvent': ['bpmn:TerminateEventDefinition', 'bpmn:ErrorEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:EscalationEventDefinition', 'bpmn:SignalEventDefinition'],
  'bpmn:IntermediateCatchEvent': ['bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition', 'bpmn:SignalEventDefinition'],
  'bpmn:IntermediateThrowEvent': ['bpmn:MessageEventDefinition', 'bpmn:EscalationEventDefinition', 'bpmn:SignalEventDefinition'],
  'bpmn:BoundaryEvent': ['bpmn:MessageEventDefinition', 'bpmn:TimerEventDefinition', 'bpmn:ErrorEventDefinition', 'bpmn:EscalationEventDefinition', 'bpmn:SignalEventDefinition'],
};

/** What may start an event sub-process (interrupting or not). */
const EVENT_SUB_START_DEFS = [
  'bpmn:MessageEventDefinition',
  'bpmn:TimerEventDefinition',
  'bpmn:SignalEventDefinition',
  'bpmn:ErrorEventDefinition',
  'bpmn:EscalationEventDefinition',
];

/** An event sub-process has exactly one start event, and that start event has a trigger. */
function checkEventSubProcess(el: any, problems: Problem[]): void {
  const starts = (el.flowElements ?? []).filter((f: any) => f.$type === 'bpmn:StartEvent');
  if (starts.length !== 1) {
    problems.push({ element: el.id, message: `事件子流程 ${label(el)} 应有且只有一个开始事件（现有 ${starts.length} 个）` });
  } else if (!starts[0].eventDefinitions?.length) {
    problems.push({ element: starts[0].id, message: `事件子流程 ${label(el)} 的开始事件 ${label(starts[0])} 没有触发事件（消息、定时、信号、错误或升级）` });
  }
}

function label(el: any): string {
  return el.name ? `${el.id}（${el.name}）` : el.id;
}

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

function walk(elements: any[], topLevel: boolean, model: ProcessModel, ctx: AnalyseContext, problems: Problem[]): void {
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
    const dv = d.values;
    if (type === 'bpmn:SequenceFlow') {
      checkCondition(el, model, problems);
      continue;
    }
    if (type.startsWith('bpmn:Data')) continue;
    const info: ElementInfo = {
      id: el.id,
      type,
      name: el.name,
      candidateGroups: splitList(dv.candidateGroups),
      candidateUsers: splitList(dv.candidateUsers),
      properties: { ...d.headers, ...camundaProperties(el) },
      ...(loop && { loop }),
    };
    const io = ioMappingOf(el, label(el), (message) => problems.push({ element: el.id, message }));
    if (io) info.io = io;
    if (!el.name && type !== 'bpmn:SequenceFlow') model.notes.push(`元素 ${el.id} 没有名称`);
    checkEventDefinitions(el, info, topLevel, model, problems);
    if (type === 'bpmn:UserTask' || (type === 'bpmn:StartEvent' && dv.formKey)) {
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
    if (type === 'bpmn:ServiceTask' || (type === 'bpmn:SendTask' && !sendsMessage) || (type === 'bpmn:BusinessRuleTask' && !info.decision && !el.decisionRef && Boolean(dv.handler ?? handlerNameOf(el)))) {
      const handler = dv.handler ?? handlerNameOf(el);
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
    if (type === 'bpmn:CallActivity') info.call = callInfoOf(el, label(el), (message) => problems.push({ element: el.id, message }));
    if (type === 'bpmn:ReceiveTask') {
      if (!el.messageRef) problems.push({ element: el.id, message: `接收任务 ${label(el)} 没有引用消息` });
      else info.messageName = messageNameOf(el, el.messageRef, problems);
    }
    if (type === 'bpmn:SubProcess') {
      if (el.triggeredByEvent) checkEventSubProcess(el, problems);
      walk(el.flowElements ?? [], false, model, ctx, problems);
    }
    if (type === 'bpmn:StartEvent' && el.$parent?.triggeredByEvent) {
      info.eventSub = { subProcessId: el.$parent.id, interrupting: el.isInterrupting !== false, topLevel: el.$parent.$parent?.$type === 'bpmn:Process' };
      if (!info.eventSub.topLevel && (info.messageName || info.signalName || info.timer)) {
        problems.push({ element: el.id, message: `事件子流程的开始事件 ${label(el)}：消息、信号和定时触发暂只支持流程一级的事件子流程（嵌套在子流程中的请改用边界事件）` });
      }
    }
    if (type === 'bpmn:StartEvent' && dv.initiator) info.initiator = dv.initiator;
    if (type === 'bpmn:StartEvent' && topLevel) {
      model.startEvents.push(startEventInfo(el, info));
    }
    model.elements.set(el.id, info);
  }
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

function startEventInfo(el: any, info: ElementInfo): StartEventInfo {
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

function checkEventDefinitions(el: any, info: ElementInfo, topLevel: boolean, model: ProcessModel, problems: Problem[]): void {
  const defs: any[] = el.eventDefinitions ?? [];
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
    }
    if ((!allowed.includes(def.$type) && !(eventSubStart && EVENT_SUB_START_DEFS.includes(def.$type))) || !startHere) {
      problems.push({ element: el.id, message: `不支持的事件类型 ${def.$type.replace('bpmn:', '')}：${label(el)}` });
      continue;
    }
    if (def.$type === 'bpmn:MessageEventDefinition') {
      const catches = el.$type === 'bpmn:IntermediateCatchEvent' || el.$type === 'bpmn:BoundaryEvent' || el.$type === 'bpmn:StartEvent';
      if (!def.messageRef && catches) {
        // Lenient as bpmn-engine (which waits for a signal to the element): the message is named after the element.
        info.messageName = el.id;
        model.notes.push(`消息事件 ${label(el)} 没有引用消息：按消息名称 "${el.id}" 等待（建议在文件中定义消息并引用）`);
      } else if (!def.messageRef) problems.push({ element: el.id, message: `消息事件 ${label(el)} 没有引用消息` });
      else info.messageName = messageNameOf(el, def.messageRef, problems);
      if (el.$type === 'bpmn:EndEvent' || el.$type === 'bpmn:IntermediateThrowEvent') {
        for (const message of messageThrowProblems(info.properties, label(el))) problems.push({ element: el.id, message });
      }
    }
    if (def.$type === 'bpmn:SignalEventDefinition') {
      if (!def.signalRef) problems.push({ element: el.id, message: `信号事件 ${label(el)} 没有引用信号（signalRef）` });
      else info.signalName = def.signalRef.name || def.signalRef.id;
      if (el.$type === 'bpmn:EndEvent' || el.$type === 'bpmn:IntermediateThrowEvent') {
        for (const message of signalThrowProblems(info.properties, label(el))) problems.push({ element: el.id, message });
      }
    }
    if (def.$type === 'bpmn:ErrorEventDefinition') {
      info.error = errorInfoOf(el, def, label(el), (message) => problems.push({ element: el.id, message }));
    }
    if (def.$type === 'bpmn:TimerEventDefinition') {
      const kinds = (['timeDuration', 'timeDate', 'timeCycle'] as const).filter((k) => def[k]?.body);
      if (kinds.length !== 1) {
        problems.push({ element: el.id, message: `定时事件 ${label(el)} 需要且只能有一个 timeDuration / timeDate / timeCycle` });
        continue;
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
  }
}

/** The name a message is correlated by; a nameless message cannot be correlated where it is awaited. */
function messageNameOf(el: any, message: any, problems: Problem[]): string {
  if (!message.name) problems.push({ element: message.id, message: `消息 ${message.id} 没有名称（name），${label(el)} 无法按名称关联它` });
  return message.name ?? message.id;
}

function isoTimerValid(type: string, value: string): boolean {
  if (type === 'timeDate') return !Number.isNaN(Date.parse(value));
  if (type === 'timeDuration') return /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(value);
  return /^R\d*\/[^/]+(\/[^/]+)?$/.test(value);
}

function checkCondition(flow: any, model: ProcessModel, problems: Problem[]): void {
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

function compileKind(text: string): string {
  try {
    return compile(text).kind;
  } catch {
    return 'invalid';
  }
}

function checkExpression(el: any, attr: string, text: string, problems: Problem[]): boolean {
  const problem = problemOf(String(text));
  if (!problem) return true;
  problems.push({ element: el.id, message: `${label(el)} 的 ${attr} 表达式有误：${problem.message}` });
  return false;
}

/** Listeners, scripts and Java classes are code: uploaded files may not carry any. */
function checkNoCode(el: any, problems: Problem[]): void {
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

function camundaProperties(el: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ext of el.extensionElements?.values ?? []) {
    if (ext.$type !== 'camunda:Properties') continue;
    for (const p of ext.values ?? []) if (p.name) out[p.name] = p.value ?? '';
  }
  return out;
}

function retryCycleOf(el: any): string | undefined {
  for (const ext of el.extensionElements?.values ?? []) {
    if (ext.$type === 'camunda:FailedJobRetryTimeCycle') return String(ext.body ?? '').trim();
  }
  return undefined;
}

function handlerNameOf(el: any): string | undefined {
  if (el.topic) return el.topic;
  const m = /^\$\{\s*([\w.-]+)\s*\}$/.exec(el.delegateExpression ?? '');
  return m?.[1];
}

function splitList(v: unknown): string[] {
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
