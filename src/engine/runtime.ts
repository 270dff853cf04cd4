import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import type { Clock } from '../clock.ts';
import { compile, evaluateCompiled, evaluateCondition, EvaluationError, type Compiled } from '../lib/feel.ts';
import type { ElementInfo } from './model.ts';
import { completionContext, iterationLocals, outputCollection } from './multi-instance.ts';
import { assignInScope, iterationScope, scopeLocals, scopeOutput, withScope } from './loop-scope.ts';
import { CompiledDefinition } from './compiled-definition.ts';
import { EngineStepError, StepEffects } from './step-effects.ts';

export { CompiledDefinition } from './compiled-definition.ts';
export { EngineStepError, StepEffects, type HistoryEvent, type TimerJob } from './step-effects.ts';
import { caughtError, UncaughtBpmnError, type BpmnError } from './bpmn-error.ts';
import { timerDueAt } from '../lib/timer-due.ts';
import { nextFiring } from '../lib/cycles.ts';
import { evaluateInputs, evaluateOutputs } from './io-mapping.ts';

/**
 * The one adapter between the platform and bpmn-engine: bpmn-engine's event names, state format and
 * extension hooks appear only in this file. A LiveInstance wraps one Engine running one process
 * instance; every action (start, signal a task, fire a timer, deliver a message, finish a service
 * call) runs the engine until it waits again and records what changed as StepEffects, which the
 * engine service writes in one transaction.
 */

const ENGINE_VERSION: string = JSON.parse(
  readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('bpmn-engine')), '..', 'package.json'), 'utf8'),
).version;


/** The executionId under which an event sub-process's trigger waits (subscription, timer job). */
function eventSubExecution(startId: string): string {
  return `esp_${startId}`;
}

interface Wait {
  api: any;
  kind: 'task' | 'message' | 'signal' | 'condition';
  elementId: string;
}

const USER_TASK_TYPES = new Set(['bpmn:UserTask', 'bpmn:ManualTask']);
const THROW_TYPES = new Set(['bpmn:IntermediateThrowEvent', 'bpmn:EndEvent', 'bpmn:SendTask']);

export interface LiveOptions {
  clock: Clock;
  /** Called synchronously when the engine reaches a service task. */
}


/** One process instance held in memory by its bpmn-engine Engine. */
export class LiveInstance {
  readonly def: CompiledDefinition;
  readonly startEventId: string;
  variables: Record<string, unknown>;
  effects = new StepEffects();
  private readonly engine: any;
  private readonly clock: Clock;
  private readonly waits = new Map<string, Wait>();
  private readonly timerRefs = new Map<string, { cb: (...a: unknown[]) => void; args: unknown[] }>();
  private readonly services = new Map<string, { elementId: string; callback: (err: unknown, out?: unknown) => void }>();
  private readonly signalled = new Set<string>();
  private readonly calls = new Map<string, { api: any; elementId: string; locals?: Record<string, unknown> }>();
  private failure?: EngineStepError;
  /** Conditional event sub-process starts armed, and whether each one's condition held last time. */
  private readonly conditionStarts = new Map<string, boolean>();
  private ended = false;
  private resuming = false;

  private constructor(def: CompiledDefinition, startEventId: string, variables: Record<string, unknown>, clock: Clock, name: string) {
    this.def = def;
    this.startEventId = startEventId;
    this.variables = variables;
    this.clock = clock;
    const listener = new EventEmitter();
    this.listen(listener);
    const options: any = {
      name,
      sourceContext: def.contextFor(startEventId),
      listener,
      timers: this.timersApi(),
      expressions: this.expressionsApi(),
      scripts: noScripts,
      extensions: { platform: (activity: any) => this.extend(activity) },
      Logger: silentLogger,
    };
    this.engine = new Engine(options);
    this.engine.on('error', (err: any) => this.fail(err));
    this.engine.on('end', () => {
      this.ended = true;
      this.effects.ended = true;
      this.disarmEventSubs();
    });
  }

  /** Starts a new instance at `startEventId`; it runs until it first waits. */
  static async start(def: CompiledDefinition, startEventId: string, variables: Record<string, unknown>, clock: Clock, name: string): Promise<LiveInstance> {
    const live = new LiveInstance(def, startEventId, variables, clock, name);
    await live.engine.execute();
    live.check();
    if (!live.ended) live.armEventSubs(false);
    if (!live.ended) live.evaluateConditions();
    live.check();
    return live;
  }

  /** Rebuilds an instance from saved state. A timer that came due meanwhile does not fire here: only its job fires it. */
  static async recover(
    def: CompiledDefinition,
    startEventId: string,
    state: string,
    variables: Record<string, unknown>,
    clock: Clock,
    name: string,
  ): Promise<LiveInstance> {
    const live = new LiveInstance(def, startEventId, variables, clock, name);
    const saved = JSON.parse(state);
    live.engine.recover(saved);
    live.resuming = true;
    try {
      await live.engine.resume();
    } finally {
      live.resuming = false;
    }
    live.check();
    if (!live.ended) live.armEventSubs(true, saved.platform?.conditionsHeld);
    return live;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Begins a new step: effects collected from here on belong to it. */
  beginStep(): void {
    this.effects = new StepEffects();
    this.signalled.clear();
  }

  /** Engine state to persist, without the definition source (that is cached per version). */
  async state(): Promise<string> {
    const execution = this.engine.execution;
    if (!execution) {
      const state = await this.engine.getState();
      for (const d of state.definitions ?? []) delete d.source;
      return JSON.stringify({ ...state, platform: this.platformState() });
    }
    // What Execution#getState returns, minus each definition's source: bpmn-engine would
    // serialise the whole definition on every step only for us to throw it away.
    return JSON.stringify({
      name: this.engine.name,
      state: execution.state,
      stopped: execution.stopped,
      engineVersion: ENGINE_VERSION,
      environment: execution.environment.getState(),
      definitions: execution.definitions.map((d: any) => d.getState()),
      platform: this.platformState(),
    });
  }

  hasTask(executionId: string): boolean {
    return this.waits.get(executionId)?.kind === 'task';
  }

  hasMessageWait(executionId: string): boolean {
    return this.waits.get(executionId)?.kind === 'message';
  }

  hasSignalWait(executionId: string): boolean {
    return this.waits.get(executionId)?.kind === 'signal';
  }

  /** Delivers a broadcast signal to the event waiting for it at `executionId`. */
  deliverSignal(executionId: string, payload: Record<string, unknown>): void {
    const wait = this.waits.get(executionId);
    if (!wait || wait.kind !== 'signal') throw new EngineStepError(`没有等待该信号的节点 ${executionId}`);
    if (!wait.api) return this.triggerEventSub(wait.elementId);
    wait.api.signal({ ...payload });
    this.check();
  }

  hasService(executionId: string): boolean {
    return this.services.has(executionId);
  }

  /** Completes the user task waiting at `executionId`. */
  completeTask(executionId: string, output: Record<string, unknown>): void {
    const wait = this.waits.get(executionId);
    if (!wait || wait.kind !== 'task') throw new EngineStepError(`没有等待中的任务 ${executionId}`);
    this.signalled.add(executionId);
    // Inside a multi-instance sub-process what a task submits belongs to its instance (loop-scope.ts).
    if (!assignInScope(wait.api.environment, output)) Object.assign(this.variables, output);
    wait.api.signal({ ...output });
    this.check();
  }

  /**
   * Process-instance modification (退回): the user task waiting at `executionId` is discarded
   * (its task row is cancelled) and the activity `targetElementId` of the same process starts
   * anew, as if its inbound flow had been taken. The target is started first, so the process
   * never runs out of work in between.
   */
  moveTask(executionId: string, targetElementId: string): void {
    const wait = this.waits.get(executionId);
    if (!wait || wait.kind !== 'task') throw new EngineStepError(`没有等待中的任务 ${executionId}`);
    const target = this.engine.execution?.definitions?.[0]?.getActivityById(targetElementId);
    if (!target) throw new EngineStepError(`流程中没有节点 ${targetElementId}`, targetElementId);
    if (target.isRunning) throw new EngineStepError(`节点 ${targetElementId} 正在办理中`, targetElementId);
    target.run();
    wait.api.discard();
    this.check();
  }

  /** Delivers a correlated message to the catch event or receive task waiting at `executionId`. */
  deliverMessage(executionId: string, payload: Record<string, unknown>): void {
    const wait = this.waits.get(executionId);
    if (!wait || wait.kind !== 'message') throw new EngineStepError(`没有等待该消息的节点 ${executionId}`);
    if (!wait.api) return this.triggerEventSub(wait.elementId);
    wait.api.signal({ ...payload });
    this.check();
  }

  /** Fires a due timer. Returns false if the timer is gone (it fired on resume, or was discarded). */
  fireTimer(executionId: string): boolean {
    const ref = this.timerRefs.get(executionId);
    if (!ref) return false;
    this.timerRefs.delete(executionId);
    ref.cb(...ref.args);
    this.check();
    return true;
  }

  /** Hands a service handler's result back to the engine, which continues from the service task. */
  completeService(executionId: string, output: Record<string, unknown> = {}): void {
    const svc = this.services.get(executionId);
    if (!svc) throw new EngineStepError(`没有等待中的服务任务 ${executionId}`);
    this.services.delete(executionId);
    svc.callback(null, output);
    this.check();
  }

  /**
   * A service handler threw a BpmnError: the service task ends on the matching error boundary.
   * Throws UncaughtBpmnError when nothing catches it.
   */
  failService(executionId: string, error: BpmnError): void {
    const svc = this.services.get(executionId);
    if (!svc) throw new EngineStepError(`没有等待中的服务任务 ${executionId}`);
    this.services.delete(executionId);
    svc.callback({ name: 'BpmnError', code: error.code, message: error.message });
    if (this.failure) throw new UncaughtBpmnError(error.code, error.message);
  }

  hasCall(executionId: string): boolean {
    return this.calls.has(executionId);
  }

  /** The call activity waiting at `executionId`. */
  callElement(executionId: string): string | undefined {
    return this.calls.get(executionId)?.elementId;
  }

  /** The child instance of the call activity waiting at `executionId` ended: the parent goes on. */
  completeCall(executionId: string, output: Record<string, unknown>): void {
    const call = this.calls.get(executionId);
    if (!call) throw new EngineStepError(`没有等待子流程的调用活动 ${executionId}`);
    this.calls.delete(executionId);
    // One instance of a multi-instance call: its output is its own (loopOutput, output collection).
    if (call.api.content?.isMultiInstance) return this.signalCall(call.api, { ...scopeOutput(call.locals), ...output });
    if (!assignInScope(call.api.environment, output)) Object.assign(this.variables, output);
    this.signalCall(call.api, output);
  }

  private signalCall(api: { signal(output: Record<string, unknown>): void }, output: Record<string, unknown>): void {
    api.signal({ ...output });
    this.check();
  }

  /** Stops the engine (instance cancelled); nothing waits any more. */
  async stop(): Promise<void> {
    this.disarmEventSubs();
    for (const [executionId, c] of this.calls) this.abandonCall(executionId, c.elementId);
    this.calls.clear();
    for (const [executionId, w] of this.waits) {
      if (w.kind === 'task') this.effects.tasksClosed.set(executionId, 'cancelled');
      else if (w.kind !== 'condition') StepEffects.netRemove(this.effects.messageWaits, this.effects.messageWaitsRemoved, executionId);
    }
    for (const executionId of this.timerRefs.keys()) StepEffects.netRemove(this.effects.timersCreated, this.effects.timersRemoved, executionId);
    for (const executionId of this.services.keys()) StepEffects.netRemove(this.effects.servicesRequested, this.effects.servicesRemoved, executionId);
    this.waits.clear();
    this.timerRefs.clear();
    this.services.clear();
    if (this.engine.state === 'running') await this.engine.stop();
  }

  /** Execution ids of everything this instance waits for (for consistency checks). */
  pending(): { tasks: string[]; messages: string[]; timers: string[]; services: string[] } {
    const tasks: string[] = [];
    const messages: string[] = [];
    for (const [id, w] of this.waits) if (w.kind !== 'condition') (w.kind === 'task' ? tasks : messages).push(id);
    return { tasks, messages, timers: [...this.timerRefs.keys()], services: [...this.services.keys()] };
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Waits for the triggers of the process's event sub-processes (message and signal subscriptions,
   * timer jobs under the executionId `esp_<start event>`). On a fresh instance they are new effects;
   * on a recovered one they exist as rows already (or are gone: then nothing delivers to them).
   */
  private armEventSubs(recovered: boolean, conditionsHeld: string[] = []): void {
    for (const info of this.def.eventSubStarts()) {
      const executionId = eventSubExecution(info.id);
      if (info.condition) {
        this.conditionStarts.set(info.id, conditionsHeld.includes(info.id));
      } else if (info.messageName || info.signalName) {
        const kind = info.messageName ? 'message' : 'signal';
        this.waits.set(executionId, { api: null, kind, elementId: info.id });
        if (!recovered) this.effects.messageWaits.set(executionId, { elementId: info.id, messageName: (info.messageName ?? info.signalName)!, type: kind });
      } else if (info.timer) {
        this.timerRefs.set(executionId, { cb: () => this.triggerEventSub(info.id), args: [] });
        if (!recovered) this.armEventSubTimer(info, executionId, null);
      }
    }
  }

  private armEventSubTimer(info: ElementInfo, executionId: string, after: number | null): void {
    const t = info.timer!;
    let dueAt: number;
    try {
      if (t.type === 'timeCycle') {
        const next = nextFiring({ timeCycle: t.value }, this.clock.now(), after);
        if (next === null) return;
        dueAt = next;
      } else {
        dueAt = timerDueAt({ timerType: t.type, [t.type]: t.value }, this.clock.now());
      }
    } catch (err) {
      if (!this.failure) this.failure = new EngineStepError(`定时事件 ${info.id} 的${(err as Error).message}`, info.id);
      return;
    }
    this.effects.timersCreated.set(executionId, { executionId, elementId: info.id, dueAt });
  }

  /** A multi-instance activity ended: its output collection gathers what each instance gave. */
  private collectOutputs(loop: NonNullable<ElementInfo['loop']>, output: unknown[], api: { id: string; environment?: unknown }): void {
    try {
      const collected = outputCollection(loop, output, withScope(this.variables, api.environment));
      if (!assignInScope(api.environment, { [loop.outputCollection!]: collected })) this.variables[loop.outputCollection!] = collected;
    } catch (err) {
      if (!this.failure) this.failure = new EngineStepError(`${api.id} 的输出集合：${(err as Error).message}`, api.id);
    }
  }

/** What the platform keeps in the engine state besides bpmn-engine's own. */
  private platformState(): { conditionsHeld: string[] } {
    return { conditionsHeld: [...this.conditionStarts].filter(([, held]) => held).map(([id]) => id) };
  }

  /**
   * Conditional events, re-evaluated after every step (variables may have changed): each waiting
   * conditional catch or boundary event is asked again (bpmn-elements completes it when its
   * condition holds), and a conditional event sub-process starts when its condition becomes true
   * (it held not the last time). Repeats while something fired, since that may change variables.
   * Usage: the step runner calls `live.evaluateConditions()` after the step's action.
   */
  evaluateConditions(): void {
    for (let round = 0; round < 10 && !this.ended && !this.failure; round++) {
      let fired = false;
      for (const [id, w] of [...this.waits]) {
        if (w.kind !== 'condition' || this.waits.get(id) !== w) continue;
        w.api.signal({});
        if (this.waits.get(id) !== w) fired = true;
      }
      for (const [startId, held] of [...this.conditionStarts]) {
        if (!this.conditionStarts.has(startId)) continue;
        const holds = this.conditionHolds(startId);
        this.conditionStarts.set(startId, holds);
        if (holds && !held) {
          this.triggerEventSub(startId);
          fired = true;
        }
      }
      if (!fired) break;
    }
    this.check();
  }

  private conditionHolds(startId: string): boolean {
    const info = this.def.element(startId)!;
    try {
      return Boolean(evaluateCompiled(compiled_(info.condition!), this.variables));
    } catch (err) {
      if (!this.failure) this.failure = new EngineStepError(`条件事件 ${startId} 的条件：${(err as Error).message}`, startId);
      return false;
    }
  }

  /** A user task's input mappings become its own variables (kept on its task row). */
  private mapInputs(info: ElementInfo, executionId: string): void {
    const own = this.effects.taskLocals.get(executionId) ?? {};
    try {
      this.effects.taskLocals.set(executionId, { ...own, ...evaluateInputs(info.io, { ...this.variables, ...own }) });
    } catch (err) {
      if (!this.failure) this.failure = new EngineStepError(`${info.id} 的输入映射：${(err as Error).message}`, info.id);
    }
  }

  /** An activity with output mappings ended: they write the instance's variables. */
  private mapOutputs(info: ElementInfo, output: unknown): void {
    const produced = output && typeof output === 'object' && !Array.isArray(output) ? (output as Record<string, unknown>) : {};
    try {
      const inputs = evaluateInputs(info.io, this.variables);
      Object.assign(this.variables, evaluateOutputs(info.io, { ...this.variables, ...inputs, ...produced }));
    } catch (err) {
      if (!this.failure) this.failure = new EngineStepError(`${info.id} 的输出映射：${(err as Error).message}`, info.id);
    }
  }

  /** The instance ended or was cancelled: its event sub-processes wait no more. */
  private disarmEventSubs(): void {
    for (const info of this.def.eventSubStarts()) this.disarmEventSub(info.id);
  }

  private disarmEventSub(startId: string): void {
    const executionId = eventSubExecution(startId);
    this.conditionStarts.delete(startId);
    if (this.waits.get(executionId)?.api === null) {
      this.waits.delete(executionId);
      StepEffects.netRemove(this.effects.messageWaits, this.effects.messageWaitsRemoved, executionId);
    }
    if (this.timerRefs.delete(executionId)) StepEffects.netRemove(this.effects.timersCreated, this.effects.timersRemoved, executionId);
  }

  /**
   * Starts the event sub-process of start event `startId` (its message, signal or timer came). An
   * interrupting one cancels everything else the process was doing and every other trigger; a
   * non-interrupting one runs beside it, and its message or signal may come again (a timer cycle
   * is re-armed).
   */
  private triggerEventSub(startId: string): void {
    const info = this.def.element(startId)!;
    const sub = info.eventSub!;
    const proc = this.engine.execution?.definitions?.[0]?.getRunningProcesses?.()?.[0];
    if (!proc) throw new EngineStepError(`流程未运行，无法启动事件子流程 ${sub.subProcessId}`, startId);
    const before = proc.getPostponed();
    const executionId = eventSubExecution(startId);
    this.effects.history.push({ type: 'eventSubProcess.triggered', elementId: sub.subProcessId, executionId, at: this.clock.now(), data: { start: startId, interrupting: sub.interrupting } });
    if (sub.interrupting) this.disarmEventSubs();
    else if (info.timer) {
      this.timerRefs.delete(executionId);
      if (info.timer.type === 'timeCycle') {
        this.timerRefs.set(executionId, { cb: () => this.triggerEventSub(startId), args: [] });
        this.armEventSubTimer(info, executionId, this.clock.now());
      }
    }
    proc.getActivityById(sub.subProcessId).run();
    if (sub.interrupting) for (const api of before) if (api.id !== sub.subProcessId) api.discard();
    this.check();
  }

  private fail(err: any): void {
    if (this.failure) return;
    const inner = err?.source?.content?.error ?? err?.inner ?? err;
    const elementId = err?.source?.content?.id ?? err?.content?.id;
    const message = inner instanceof EvaluationError || inner?.name === 'EvaluationError' ? inner.message : String(inner?.message ?? err?.message ?? err);
    this.failure = new EngineStepError(message, elementId);
  }

  private listen(listener: EventEmitter): void {
    const now = () => this.clock.now();
    const record = (type: string, api: any, data?: Record<string, unknown>) => {
      this.effects.history.push({
        type,
        elementId: api.id,
        elementType: api.type,
        elementName: api.name ?? this.def.element(api.id)?.name,
        executionId: api.executionId,
        at: now(),
        ...(data && { data }),
      });
    };
    listener.on('activity.start', (api: any) => record('activity.start', api));
    listener.on('activity.end', (api: any) => {
      const thrower = this.def.element(api.id);
      if (thrower?.messageName && THROW_TYPES.has(thrower.type) && !api.content?.isRecovered) {
        this.effects.messagesThrown.push({ elementId: api.id, name: thrower.messageName });
        record('message.thrown', api, { name: thrower.messageName });
      }
      if (thrower?.signalName && THROW_TYPES.has(thrower.type) && !api.content?.isRecovered) {
        this.effects.signalsThrown.push({ elementId: api.id, name: thrower.signalName });
        record('signal.thrown', api, { name: thrower.signalName });
      }
      // An activity waiting when the engine was recovered ends with isRecovered set: only the resume
      // itself (which re-emits, never ends) is skipped.
      if (thrower?.io?.outputs.length && !this.resuming) this.mapOutputs(thrower, api.content?.output);
      const loop = this.def.element(api.id)?.loop;
      if (!loop) return record('activity.end', api);
      // The multi-instance activity as a whole: how many instances there were and how many finished.
      const output: unknown[] = Array.isArray(api.content?.output) ? api.content.output : [];
      const completed = output.filter((o) => o !== undefined && o !== null).length;
      if (loop.outputCollection && !this.resuming) this.collectOutputs(loop, output, api);
      record('activity.end', api, { nrOfInstances: api.content?.loopCardinality ?? output.length, nrOfCompletedInstances: completed });
    });
    listener.on('activity.wait', (api: any) => {
      const info = this.def.element(api.id);
      if (!info) return;
      const recovered = Boolean(api.content?.isRecovered);
      if (USER_TASK_TYPES.has(info.type)) {
        this.waits.set(api.executionId, { api, kind: 'task', elementId: api.id });
        if (!recovered) this.effects.tasksCreated.set(api.executionId, api.id);
        if (!recovered && info.loop && api.content?.isMultiInstance) this.effects.taskLocals.set(api.executionId, iterationLocals(info.loop, api.content));
        const scope = recovered ? undefined : scopeLocals(api.environment);
        if (scope) this.effects.taskLocals.set(api.executionId, { ...scope, ...this.effects.taskLocals.get(api.executionId) });
        if (!recovered && info.io?.inputs.length) this.mapInputs(info, api.executionId);
      } else if (info.messageName) {
        this.waits.set(api.executionId, { api, kind: 'message', elementId: api.id });
        if (!recovered) this.effects.messageWaits.set(api.executionId, { elementId: api.id, messageName: info.messageName });
      } else if (info.condition) {
        this.waits.set(api.executionId, { api, kind: 'condition', elementId: api.id });
      } else if (info.signalName && !THROW_TYPES.has(info.type)) {
        this.waits.set(api.executionId, { api, kind: 'signal', elementId: api.id });
        if (!recovered) this.effects.messageWaits.set(api.executionId, { elementId: api.id, messageName: info.signalName, type: 'signal' });
      }
    });
    listener.on('activity.timer', (api: any) => {
      const c = api.content ?? {};
      if (c.isRecovered || c.isResumed) return;
      let dueAt: number;
      try {
        dueAt = timerDueAt(c, now());
      } catch (err) {
        // Never fire "now" on a value we cannot read: the step fails and becomes an incident.
        if (!this.failure) this.failure = new EngineStepError(`定时事件 ${api.id} 的${(err as Error).message}`, api.id);
        return;
      }
      this.effects.timersCreated.set(api.executionId, { executionId: api.executionId, elementId: api.id, dueAt });
    });
    listener.on('activity.timeout', (api: any) => {
      this.timerRefs.delete(api.executionId);
      StepEffects.netRemove(this.effects.timersCreated, this.effects.timersRemoved, api.executionId);
      record('timer.fired', api);
    });
    listener.on('activity.leave', (api: any) => this.onLeave(api.executionId));
    listener.on('activity.call', (api: any) => {
      const loop = api.content?.isMultiInstance ? this.def.element(api.id)?.loop : undefined;
      const locals = loop ? iterationScope(api.content, loop.elementVariable, scopeLocals(api.environment)) : scopeLocals(api.environment);
      this.calls.set(api.executionId, { api, elementId: api.id, locals });
      if (api.content?.isRecovered) return;
      this.effects.callsRequested.set(api.executionId, api.id);
      if (locals) this.effects.callLocals.set(api.executionId, locals);
    });
    listener.on('activity.catch', (api: any) => this.onCatch(api, record));
    listener.on('activity.throw', (api: any) => {
      const error = this.def.element(api.id)?.error;
      if (error && !api.content?.isRecovered) record('error.thrown', api, { code: error.code ?? null });
    });
    listener.on('process.end', (api: any) => {
      if (!api.content?.isRecovered) this.effects.ended = true;
    });
  }

  private abandonCall(executionId: string, elementId: string): void {
    if (this.effects.callsRequested.has(executionId)) this.effects.callsRequested.delete(executionId);
    else this.effects.callsAbandoned.set(executionId, elementId);
  }

  /** An error boundary caught an error: history, and camunda:errorCodeVariable / errorMessageVariable. */
  private onCatch(api: any, record: (type: string, api: any, data?: Record<string, unknown>) => void): void {
    const info = this.def.element(api.id)?.error;
    if (!info || api.content?.isRecovered) return;
    const { code, message } = caughtError(api.content?.error);
    if (info.codeVariable) this.variables[info.codeVariable] = code;
    if (info.messageVariable) this.variables[info.messageVariable] = message;
    record('error.caught', api, { code, message, source: api.content?.source?.id ?? null });
  }

  private onLeave(executionId: string): void {
    const prefix = executionId + '_';
    for (const [id, w] of this.waits) {
      if (id !== executionId && !id.startsWith(prefix)) continue;
      this.waits.delete(id);
      if (w.kind === 'task') {
        const outcome = this.signalled.has(id) ? 'completed' : 'cancelled';
        if (outcome === 'cancelled' && this.effects.tasksCreated.has(id)) this.effects.tasksCreated.delete(id);
        else this.effects.tasksClosed.set(id, outcome);
        if (outcome === 'cancelled' && id !== executionId && this.def.element(w.elementId)?.loop) {
          this.effects.cancelReasons.set(id, 'completionCondition');
        }
      } else if (w.kind !== 'condition') {
        StepEffects.netRemove(this.effects.messageWaits, this.effects.messageWaitsRemoved, id);
      }
    }
    for (const [id, c] of [...this.calls]) {
      if (id !== executionId && !id.startsWith(prefix)) continue;
      this.calls.delete(id);
      this.abandonCall(id, c.elementId);
    }
    for (const id of [...this.services.keys()]) {
      if (id !== executionId && !id.startsWith(prefix)) continue;
      this.services.delete(id);
      StepEffects.netRemove(this.effects.servicesRequested, this.effects.servicesRemoved, id);
    }
  }

  /** Timers never arm a native timer: each is a job row, and the job poller fires it. */
  private timersApi() {
    const refs = this.timerRefs;
    const effects = () => this.effects;
    const add = (owner: any, cb: (...a: unknown[]) => void, args: unknown[]) => {
      const key = owner?.executionId ?? `anon_${refs.size}`;
      const ref = { key, cb, args };
      refs.set(key, ref);
      return ref;
    };
    const clear = (ref: any) => {
      if (!ref?.key || refs.get(ref.key) !== ref) return;
      refs.delete(ref.key);
      const e = effects();
      StepEffects.netRemove(e.timersCreated, e.timersRemoved, ref.key);
    };
    return {
      register: (owner: any) => ({
        setTimeout: (cb: (...a: unknown[]) => void, _delay: number, ...args: unknown[]) => add(owner, cb, args),
        clearTimeout: clear,
      }),
      setTimeout: (cb: (...a: unknown[]) => void, _delay: number, ...args: unknown[]) => add(null, cb, args),
      clearTimeout: clear,
      get executing() {
        return [...refs.values()];
      },
    };
  }

  /** FEEL for every expression bpmn-engine resolves; conditions must give a boolean. */
  private expressionsApi() {
    const conditions = this.def.model.conditions;
    return {
      resolveExpression: (text: unknown, message?: any) => {
        if (typeof text !== 'string') return text;
        const compiled = compiled_(text);
        if (compiled.kind === 'literal') return compiled.value;
        const loop = message?.content?.isMultiInstance ? this.def.element(message.content.id)?.loop : undefined;
        const variables = withScope(this.variables, message?.environment);
        if (loop?.completionCondition === text.trim()) return evaluateCondition(compiled, completionContext(loop, variables, message.content));
        return conditions.has(text.trim()) ? evaluateCondition(compiled, variables) : evaluateCompiled(compiled, variables);
      },
      isExpression: (text: unknown) => typeof text === 'string' && (text.trim().startsWith('=') || /^[$#]\{.*\}$/s.test(text.trim())),
      hasExpression: (text: unknown) => typeof text === 'string' && (text.trim().startsWith('=') || text.includes('${') || text.includes('#{')),
    };
  }

  /** Service tasks wait for a job: the handler runs later, inside the job's transaction. */
  private extend(activity: any): void {
    if (activity.type !== 'bpmn:ServiceTask' && activity.type !== 'bpmn:SendTask' && activity.type !== 'bpmn:BusinessRuleTask') return;
    const host = this;
    const info = this.def.element(activity.id);
    if (activity.type === 'bpmn:SendTask' && !info?.handler) {
      // A send task without a handler completes at once; its message goes out when it ends (listen).
      activity.behaviour.Service = function PlatformSend(this: any, act: any) {
        this.activity = act;
      };
      activity.behaviour.Service.prototype.execute = (_m: unknown, callback: (err: unknown, out?: unknown) => void) => callback(null, {});
      activity.behaviour.Service.prototype.discard = function discard() {};
      activity.behaviour.Service.prototype.stop = function stop() {};
      return;
    }
    activity.behaviour.Service = function PlatformService(this: any, act: any) {
      this.activity = act;
    };
    activity.behaviour.Service.prototype.execute = function execute(executeMessage: any, callback: (err: unknown, out?: unknown) => void) {
      const executionId = executeMessage.content.executionId;
      const recovered = Boolean(executeMessage.fields?.redelivered || executeMessage.content?.isRecovered);
      host.services.set(executionId, { elementId: activity.id, callback });
      if (!recovered) host.effects.servicesRequested.set(executionId, activity.id);
    };
    activity.behaviour.Service.prototype.discard = function discard() {};
    activity.behaviour.Service.prototype.stop = function stop() {};
  }
}

const compileCache = new Map<string, Compiled>();
function compiled_(text: string): Compiled {
  let c = compileCache.get(text);
  if (!c) {
    if (compileCache.size > 5000) compileCache.clear();
    c = compile(text);
    compileCache.set(text, c);
  }
  return c;
}

const noScripts = {
  register() {},
  getScript() {
    return undefined;
  },
};

function silentLogger() {
  const noop = () => {};
  return { debug: noop, error: noop, warn: noop };
}
