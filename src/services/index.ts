import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { EngineService } from '../engine/service.ts';
import type { FormDataProvider, Handler, TaskCheck } from '../engine/types.ts';
import { accountabilityHandlers } from './accountability.ts';
import { cancellationHandlers } from './cancellation.ts';
import { catalogHandlers } from './catalog.ts';
import { faultHandlers } from './faults.ts';
import { orgHandlers } from './org.ts';
import { penaltyChecks, penaltyHandlers } from './penalty.ts';
import { recordForms, recordHandlers } from './records.ts';

export interface ServiceDeps {
  db: Knex;
  engine: EngineService;
  clock: Clock;
}

/** Every service-task handler of the procedures in processes/, by camunda:topic. */
export const HANDLERS: Record<string, Handler> = {
  ...catalogHandlers,
  ...orgHandlers,
  ...recordHandlers,
  ...faultHandlers,
  ...accountabilityHandlers,
  ...penaltyHandlers,
  ...cancellationHandlers,
};

/** Every completion check user tasks of processes/ declare (camunda:property completionCheck). */
export const CHECKS: Record<string, TaskCheck> = {
  ...penaltyChecks,
};

/** Platform data the forms in forms/ show (select options from `valuesKey`), by form key. */
export const FORM_DATA: Record<string, FormDataProvider> = {
  ...recordForms,
};

/**
 * Registers every service-task handler (camunda:topic) and completion check the BPMN files in
 * processes/ name, and the forms' platform data. Must run before deploying, since deploy refuses a
 * file naming an unregistered handler or check.
 * Usage: `registerHandlers({ db, engine, clock })`.
 */
export function registerHandlers(deps: ServiceDeps): void {
  for (const [name, fn] of Object.entries(HANDLERS)) deps.engine.registerHandler(name, fn);
  for (const [name, fn] of Object.entries(CHECKS)) deps.engine.registerTaskCheck(name, fn);
  for (const [key, fn] of Object.entries(FORM_DATA)) deps.engine.registerFormData(key, fn);
}
