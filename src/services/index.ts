import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { EngineService } from '../engine/service.ts';
import type { Handler } from '../engine/types.ts';
import { accountabilityHandlers } from './accountability.ts';
import { catalogHandlers } from './catalog.ts';
import { faultHandlers } from './faults.ts';
import { orgHandlers } from './org.ts';
import { penaltyHandlers } from './penalty.ts';
import { recordHandlers } from './records.ts';

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
};

/**
 * Registers every service-task handler the BPMN files in processes/ name (camunda:topic). Must run
 * before deploying, since deploy refuses a file naming an unregistered handler.
 * Usage: `registerHandlers({ db, engine, clock })`.
 */
export function registerHandlers(deps: ServiceDeps): void {
  for (const [name, fn] of Object.entries(HANDLERS)) deps.engine.registerHandler(name, fn);
}
