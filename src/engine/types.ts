import type { Knex } from 'knex';
import type { FieldError } from '../errors.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { TaskRow } from '../store/tasks.ts';
import type { DeployedItem, DeployFile } from '../store/definitions.ts';

/** An approval a guard found in the history (who, at which element, when); it authorises an effect. */
export interface GuardApproval {
  element: string;
  by: string;
  at: number;
}

/** Who is acting: a signed-in user with their groups, or the platform itself. */
export interface Actor {
  id: string;
  groups: string[];
  /** The person's name as the session knows it (a Person has it), saving a read where it is shown. */
  displayName?: string;
  /** The person's unit now (a Person has it): kept with each task they complete. */
  unitId?: string | null;
  /** The platform's own jobs and handlers; never a person. */
  system?: boolean;
  /**
   * 委托: a substitute acting for an absent person ("代 X 办理") may work X's tasks — those
   * assigned to X or offered to X's user or groups. Separation of duties is checked on the
   * substitute (id, groups) themselves.
   */
  actingFor?: { id: string; groups: string[] };
}

export const SYSTEM: Actor = { id: 'system', groups: [], system: true };

export interface HandlerContext {
  /** The job's transaction: domain writes commit together with the engine step, or not at all. */
  trx: Knex.Transaction;
  instance: InstanceRow;
  /** The instance's variables as they are before the handler runs. */
  variables: Record<string, unknown>;
  elementId: string;
  elementName?: string;
  /** camunda:properties of the service task, e.g. parameters for a generic handler. */
  properties: Record<string, string>;
  attempt: number;
  now: number;
  /**
   * Sends a message after this step commits (e.g. to start an accountability review): it is queued
   * in the step's transaction and correlated by the job executor, with retries.
   */
  sendMessage(name: string, opts: MessageToSend): Promise<void>;
  /**
   * Cancels another instance after this step commits (queued in the step's transaction, run once by
   * the job executor): one step changes one instance, so a cross-instance effect goes through the outbox.
   */
  cancelInstance(instanceId: string, opts: { by: string; reason: string }): Promise<void>;
  /**
   * For a guarded handler (see guards.ts): who asked (the instance's starter) and the approvals
   * that satisfied its guard, checked in this transaction. Absent for unguarded handlers.
   */
  authority?: { requestedBy: string; approvals: GuardApproval[] };
}

export interface MessageToSend {
  businessKey?: string;
  instanceId?: string;
  variables?: Record<string, unknown>;
}

/**
 * A service-task handler, registered by name and named in BPMN by
 * `camunda:type="external" camunda:topic="name"`. What it returns is merged into the instance's
 * variables. Throwing makes the job retry with backoff; after the last retry an incident opens.
 */
export type Handler = (ctx: HandlerContext) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

// A deployment's files and items are stored shapes (store/definitions.ts); named here for the engine's callers.
export type { DeployedItem, DeployFile };

export interface DeploymentResult {
  id: string | null;
  items: DeployedItem[];
  notes: Array<{ file: string; message: string }>;
}

/**
 * A completion check, registered by name and named on a user task by the camunda:property
 * `completionCheck` (comma list): it sees the submitted, form-validated values before the step
 * runs and answers the fields it refuses (422), e.g. a fine outside the item's discretion tier.
 * It runs inside the step's transaction (`db` is that transaction) and again on every retry.
 */
export type TaskCheck = (ctx: { db: Knex; task: TaskRow; instance: InstanceRow; variables: Record<string, unknown>; actor: Actor }) => Promise<FieldError[]> | FieldError[];

/**
 * Data a form shows that comes from the platform, not from the instance: e.g. the records the
 * signed-in user entered, as options of a select (`valuesKey`). Registered per form key; the same
 * data is the context the submission is validated against, so a choice outside it is refused.
 */
export type FormDataProvider = (ctx: { db: Knex; actor: Actor }) => Promise<Record<string, unknown>>;

/**
 * The platform functions expressions may call (`unitHeadOf`, `leaderInChargeOf`,
 * `certifiedOfficersIn`, see src/lib/feel.ts), built from a snapshot of the organisation read in
 * the step's transaction. Synchronous: FEEL calls them while evaluating.
 */
export type ExpressionFunctions = Record<string, (...args: any[]) => unknown>;

/** Reads the organisation and returns the functions (set by the services layer). */
export type ExpressionFunctionsProvider = (db: Knex) => Promise<ExpressionFunctions>;
