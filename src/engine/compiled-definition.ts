import * as Elements from 'bpmn-elements';
import * as Gateways from 'bpmn-elements/gateways';
import { map as mapModdleContext, deserialize, TypeResolver } from 'moddle-context-serializer';
import { JobTimerEventDefinition } from './job-timers.ts';
import { ScopedSubProcess } from './loop-scope.ts';
import { PLATFORM_FUNCTIONS } from '../lib/feel.ts';
import type { ElementInfo, ProcessModel } from './model.ts';

/** bpmn-elements and moddle-context-serializer's mapped JSON carry no types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one untyped boundary of this module
type Untyped = any;

/**
 * Definition variants for bpmn-engine: a deployed version mapped once per node, the element types
 * the platform replaces (joining inclusive gateway, scoped multi-instance sub-process, job timers),
 * and one serialized context per start event. Re-exported by runtime.ts.
 */

/**
 * bpmn-elements' inclusive gateway has no join (bpmn-elements#46): every arriving token passes.
 * With more than one inbound flow ours joins like the parallel gateway does, which in bpmn-elements
 * waits for each inbound flow to be taken or discarded (dead-path elimination): a branch the split
 * did not take arrives as a discard, so the join waits for exactly the branches that can still come.
 */
function JoiningInclusiveGateway(activityDef: Untyped, context: Untyped) {
  const joins = context.getInboundSequenceFlows(activityDef.id).length > 1;
  return new (Elements as Untyped).Activity((Gateways as Untyped).InclusiveGatewayBehaviour, { ...activityDef, isParallelGateway: joins }, context);
}

const typeResolver = TypeResolver(
  { ...(Elements as Untyped), InclusiveGateway: JoiningInclusiveGateway, SubProcess: ScopedSubProcess, TimerEventDefinition: JobTimerEventDefinition },
  undefined as Untyped,
);

/** A deployed definition version, parsed once and shared by all its instances on this node. */
export class CompiledDefinition {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly model: ProcessModel;
  private readonly mapped: Untyped;
  private readonly contexts = new Map<string, Untyped>();

  constructor(row: { id: string; key: string; version: number }, model: ProcessModel, moddleContext: Untyped) {
    this.id = row.id;
    this.key = row.key;
    this.version = row.version;
    this.model = model;
    // A stored-only file (isExecutable="false") never runs: nothing to map (its shapes may be anything).
    this.mapped = model.executable === false ? null : JSON.parse(JSON.stringify(mapModdleContext(moddleContext, undefined as Untyped)));
    if (this.mapped) this.normaliseLoops();
  }

  /**
   * bpmn-elements reads camunda:collection/elementVariable only: the collection as the model read
   * it (a bare variable name made an expression, Camunda 8's zeebe:loopCharacteristics) goes in.
   */
  private normaliseLoops(): void {
    for (const a of this.mapped.activities ?? []) {
      const loop = this.model.elements.get(a.id)?.loop;
      const lc = a.behaviour?.loopCharacteristics?.behaviour;
      if (!loop || !lc) continue;
      if (loop.collection) lc.collection = loop.collection;
      if (loop.elementVariable) lc.elementVariable = loop.elementVariable;
    }
  }

  element(id: string): ElementInfo | undefined {
    return this.model.elements.get(id);
  }

  private platformCalls: boolean | undefined;

  /**
   * Whether a user task's candidates, assignee or limits call a platform function (the
   * organisation expressions): only then does a step load the organisation snapshot.
   */
  usesPlatformFunctions(): boolean {
    if (this.platformCalls === undefined) {
      const call = new RegExp(`\\b(${[...PLATFORM_FUNCTIONS].join('|')})\\s*\\(`);
      this.platformCalls = [...this.model.elements.values()].some((e) =>
        [e.assignee, ...e.candidateGroups, ...e.candidateUsers, e.dueDate, e.followUpDate, e.priority].some((t) => typeof t === 'string' && call.test(t)),
      );
    }
    return this.platformCalls;
  }

  /** Start events of process-level event sub-processes that a message, signal or timer triggers. */
  eventSubStarts(): ElementInfo[] {
    return [...this.model.elements.values()].filter((e) => e.eventSub?.topLevel && (e.messageName || e.signalName || e.timer || e.condition));
  }

  /**
   * The serialized context an instance started at `startEventId` runs on. bpmn-engine would run
   * every start event of a process at once; BPMN (and Camunda) start exactly one. So each start
   * event gets a variant of the process without the other start events, in which it is a plain
   * start event (its message or timer trigger has already happened when the instance starts).
   */
  contextFor(startEventId: string): Untyped {
    let ctx = this.contexts.get(startEventId);
    if (ctx) return ctx;
    const starts = this.model.startEvents;
    const chosen = starts.find((s) => s.id === startEventId);
    if (!chosen) throw new Error(`unknown start event ${startEventId}`);
    let elements: Untyped;
    if (starts.length > 1 || chosen.kind !== 'none') {
      elements = JSON.parse(JSON.stringify(this.mapped));
      const removed = unreachableFrom(elements, startEventId, new Set(starts.map((s) => s.id)));
      elements.activities = elements.activities.filter((a: Untyped) => !removed.has(a.id));
      elements.sequenceFlows = elements.sequenceFlows.filter((f: Untyped) => !removed.has(f.sourceId) && !removed.has(f.targetId));
      const start = elements.activities.find((a: Untyped) => a.id === startEventId);
      if (start?.behaviour) delete start.behaviour.eventDefinitions;
      elements.timers = (elements.timers ?? []).filter((t: Untyped) => t.parent?.id !== startEventId && !removed.has(t.parent?.id));
    } else {
      elements = JSON.parse(JSON.stringify(this.mapped));
    }
    // Message, signal and timer starts of event sub-processes are triggered by the platform (see
    // LiveInstance#triggerEventSub); inside the engine they are plain start events.
    const triggered = new Set(this.eventSubStarts().map((e) => e.id));
    for (const a of elements.activities) if (triggered.has(a.id) && a.behaviour) delete a.behaviour.eventDefinitions;
    elements.timers = (elements.timers ?? []).filter((t: Untyped) => !triggered.has(t.parent?.id));
    ctx = deserialize(elements, typeResolver);
    this.contexts.set(startEventId, ctx);
    return ctx;
  }
}

/**
 * The other start events, and what only they lead to: without them those activities would have
 * no inbound flow and bpmn-engine would start them too. Boundary events go with their host.
 */
function unreachableFrom(elements: Untyped, startId: string, startIds: Set<string>): Set<string> {
  const removed = new Set([...startIds].filter((id) => id !== startId));
  const inbound = new Map<string, string[]>();
  for (const f of elements.sequenceFlows) inbound.set(f.targetId, [...(inbound.get(f.targetId) ?? []), f.sourceId]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const a of elements.activities) {
      if (removed.has(a.id)) continue;
      const attachedTo = a.behaviour?.attachedTo?.id;
      const sources = inbound.get(a.id);
      const dead = attachedTo ? removed.has(attachedTo) : Boolean(sources?.length) && sources!.every((s) => removed.has(s));
      if (dead) {
        removed.add(a.id);
        changed = true;
      }
    }
  }
  return removed;
}

