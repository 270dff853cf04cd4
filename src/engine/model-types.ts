import type { LoopInfo } from './multi-instance.ts';
import type { ErrorInfo } from './bpmn-error.ts';
import type { CallInfo } from './call-activity.ts';
import type { IoMapping } from './io-mapping.ts';
import type { DecisionRef } from './dmn/rule-task.ts';
import type { RiskPoint } from '../lib/risk-points.ts';

/** What model.ts reads from a BPMN file (the engine's view of a deployed process). */

/**
 * An object as bpmn-moddle reads it: its shape depends on its `$type` and on the extensions in
 * the file, so the readers check each field they use instead of trusting a declared type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one untyped boundary: moddle objects
export type Moddle = any;

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
  /** Conditional event (catch, boundary, event sub-process start): the FEEL/JUEL condition. */
  condition?: string;
  /** Link throw or catch event: the link's name (a throw continues at the catch of that name). */
  linkName?: string;
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
  moddleContext?: Moddle;
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
