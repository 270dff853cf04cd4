/** What one engine step changed (StepEffects) and how a step fails (EngineStepError); see runtime.ts. */

export interface HistoryEvent {
  type: string;
  elementId?: string;
  elementType?: string;
  elementName?: string;
  executionId?: string;
  at: number;
  data?: Record<string, unknown>;
}

export interface TimerJob {
  executionId: string;
  elementId: string;
  dueAt: number;
}

/** What one engine step changed; written to the database in the step's transaction. */
export class StepEffects {
  readonly tasksCreated = new Map<string, string>(); // executionId → elementId
  readonly tasksClosed = new Map<string, 'completed' | 'cancelled'>();
  /** A multi-instance task's own variables (its collection item, loopCounter …), by executionId. */
  readonly taskLocals = new Map<string, Record<string, unknown>>();
  /** Why a task was cancelled, when it was not the instance's end (e.g. a 或签 decided). */
  readonly cancelReasons = new Map<string, string>();
  readonly timersCreated = new Map<string, TimerJob>();
  readonly timersRemoved = new Set<string>();
  readonly servicesRequested = new Map<string, string>(); // executionId → elementId
  readonly servicesRemoved = new Set<string>();
  /** Message and signal waits (catch events, receive tasks, boundaries, event sub-process starts). */
  readonly messageWaits = new Map<string, { elementId: string; messageName: string; type?: 'message' | 'signal' }>();
  readonly messageWaitsRemoved = new Set<string>();
  /** Messages thrown by message throw/end events, published through the outbox after commit. */
  readonly messagesThrown: Array<{ elementId: string; name: string }> = [];
  /** Signals thrown by signal throw/end events, broadcast through the outbox after commit (signals.ts). */
  readonly signalsThrown: Array<{ elementId: string; name: string }> = [];
  /** Call activities reached (a child instance is to be started), executionId → elementId. */
  readonly callsRequested = new Map<string, string>();
  /** Call activities left without their child completing (interrupted, cancelled): the child goes too. */
  readonly callsAbandoned = new Map<string, string>();
  /** A call made inside a multi-instance scope: the scope's variables its camunda:in mappings see. */
  readonly callLocals = new Map<string, Record<string, unknown>>();
  readonly history: HistoryEvent[] = [];
  ended = false;

  /** Tasks, jobs and subscriptions created and gone again within one step never reach the database. */
  static netRemove<T>(created: Map<string, T>, removed: Set<string>, key: string): void {
    if (created.has(key)) created.delete(key);
    else removed.add(key);
  }
}

export class EngineStepError extends Error {
  readonly elementId?: string;
  constructor(message: string, elementId?: string) {
    super(message);
    this.elementId = elementId;
  }
}
