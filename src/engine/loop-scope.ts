import * as Elements from 'bpmn-elements';
import * as Tasks from 'bpmn-elements/tasks';

/**
 * Multi-instance sub-processes and call activities (会签 over a whole sub-process): each instance
 * is a scope of its own. bpmn-elements runs every instance of a sub-process in its own cloned
 * environment and saves that environment with the instance's state; the platform keeps the
 * instance's variables there, under LOCALS: its collection item (elementVariable), `loopCounter`,
 * `nrOfInstances`, and what its tasks submitted. So parallel instances never overwrite each other,
 * expressions inside an instance see its own values first, and a restarted node recovers them
 * with the engine state (nothing else to store). When an instance ends, its variables are its
 * output: the completion condition sees them as `loopOutput`, the output collection gathers them.
 */

/** The key under which an instance's own variables live in its environment. */
export const LOCALS = '__platformLocals';

type Vars = Record<string, unknown>;

/** The parts of bpmn-elements' Environment used here. */
interface Env {
  variables: Vars;
  assignVariables(values: Vars): void;
}

/** An execute message's content as the loop sets it (bpmn-elements LoopCharacteristics#next). */
interface LoopContent extends Vars {
  executionId: string;
  index?: number;
  loopCardinality?: number;
  isMultiInstance?: boolean;
  isRootScope?: boolean;
}

interface ProcessExecutionLike {
  environment: Env;
  getPostponed(): Array<{ discard(): void }>;
  discard(): void;
}

/** `this` of a SubProcessBehaviour (bpmn-elements/src/tasks/SubProcess.js). */
interface Behaviour {
  environment: Env;
  executions: ProcessExecutionLike[];
  loopCharacteristics?: { elementVariable?: string };
  broker: {
    cancel(tag: string): void;
    subscribeTmp(exchange: string, pattern: string, fn: (routingKey: string, message: { content: LoopContent }) => void, options: Vars): void;
  };
  _getExecutionById(executionId: string): ProcessExecutionLike | undefined;
}

type Method = (this: Behaviour, ...args: unknown[]) => unknown;
const SubProcessBehaviour = (Tasks as unknown as Record<string, { prototype: Record<string, Method> } & ((this: unknown, ...a: unknown[]) => void)>).SubProcessBehaviour;
const base = SubProcessBehaviour.prototype;

/** The loop-scope variables visible to an activity (from its message's or its api's environment). */
export function scopeLocals(environment: unknown): Vars | undefined {
  return (environment as Env | undefined)?.variables?.[LOCALS] as Vars | undefined;
}

/** The variables an expression inside a scope sees: the instance's, then the scope's own. */
export function withScope(variables: Vars, environment: unknown): Vars {
  const locals = scopeLocals(environment);
  return locals ? { ...variables, ...locals } : variables;
}

/**
 * Writes values submitted inside a scope (a task's form) to the scope's own variables; returns
 * false when the environment is not inside a multi-instance scope (then they are the instance's).
 */
export function assignInScope(environment: unknown, values: Vars): boolean {
  const locals = scopeLocals(environment);
  if (!locals) return false;
  (environment as Env).assignVariables({ [LOCALS]: { ...locals, ...values } });
  return true;
}

/** The variables one loop iteration starts with, from its execute message. */
export function iterationScope(content: LoopContent, elementVariable: string | undefined, outer: Vars | undefined): Vars {
  const own: Vars = { ...(outer ?? {}), loopCounter: content.index, nrOfInstances: content.loopCardinality };
  if (elementVariable && elementVariable in content) own[elementVariable] = content[elementVariable];
  return own;
}

const SCOPE_FIELDS = new Set(['loopCounter', 'nrOfInstances']);

/** What an instance contributes to loopOutput: its variables without the loop's own counters. */
export function scopeOutput(locals: Vars | undefined): Vars {
  const out: Vars = {};
  for (const [k, v] of Object.entries(locals ?? {})) if (!SCOPE_FIELDS.has(k)) out[k] = v;
  return out;
}

/** SubProcessBehaviour whose multi-instance iterations carry their own variables (see above). */
function ScopedSubProcessBehaviour(this: unknown, activity: unknown, context: unknown): void {
  SubProcessBehaviour.call(this, activity, context);
}
ScopedSubProcessBehaviour.prototype = Object.create(base, {
  constructor: { value: ScopedSubProcessBehaviour, writable: true, configurable: true },
});

/**
 * When the loop as a whole ends (its completion condition held), instances still running are
 * discarded: bpmn-elements would leave them waiting, their tasks in the inboxes.
 */
ScopedSubProcessBehaviour.prototype.execute = function execute(this: Behaviour, executeMessage: { content: LoopContent }) {
  const { isRootScope, executionId } = executeMessage.content;
  if (this.loopCharacteristics && isRootScope) {
    const tag = `_platform-loop-end-${executionId}`;
    this.broker.cancel(tag);
    const onEnd = (routingKey: string, message: { content: LoopContent }) => {
      if (message.content.executionId !== executionId) return;
      if (!['execute.completed', 'execute.discard', 'execute.error'].includes(routingKey)) return;
      this.broker.cancel(tag);
      for (const running of this.executions) {
        for (const api of running.getPostponed()) api.discard();
        running.discard();
      }
    };
    this.broker.subscribeTmp('execution', 'execute.#', onEnd, { noAck: true, consumerTag: tag, priority: 350 });
  }
  return base.execute.call(this, executeMessage);
};

ScopedSubProcessBehaviour.prototype._upsertExecution = function upsertExecution(this: Behaviour, executeMessage: { content: LoopContent }) {
  const content = executeMessage.content;
  const fresh = !this._getExecutionById(content.executionId);
  const execution = base._upsertExecution.call(this, executeMessage) as ProcessExecutionLike;
  if (fresh && content.isMultiInstance) {
    const outer = scopeLocals(this.environment);
    execution.environment.assignVariables({ [LOCALS]: iterationScope(content, this.loopCharacteristics?.elementVariable, outer) });
  }
  return execution;
};

ScopedSubProcessBehaviour.prototype._completeExecution = function completeExecution(this: Behaviour, routingKey: string, content: LoopContent) {
  const execution = this.loopCharacteristics && this._getExecutionById(content.executionId);
  const locals = execution && scopeLocals(execution.environment);
  const done = locals && routingKey === 'execute.completed' ? { ...content, output: scopeOutput(locals) } : content;
  return base._completeExecution.call(this, routingKey, done);
};

/** bpmn-elements' SubProcess with ScopedSubProcessBehaviour: give it to the type resolver. */
export function ScopedSubProcess(activityDef: unknown, context: unknown): unknown {
  const sub = (Elements as unknown as Record<string, (d: unknown, c: unknown) => { Behaviour: unknown }>).SubProcess(activityDef, context);
  sub.Behaviour = ScopedSubProcessBehaviour;
  return sub;
}
