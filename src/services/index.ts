import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { EngineService } from '../engine/service.ts';

export interface ServiceDeps {
  db: Knex;
  engine: EngineService;
  clock: Clock;
}

/**
 * Registers every service-task handler the BPMN files in processes/ name (camunda:topic). Must run
 * before deploying, since deploy refuses a file naming an unregistered handler.
 * Usage: `registerHandlers({ db, engine, clock })`.
 */
export function registerHandlers(_deps: ServiceDeps): void {
  // Filled in by the procedures (catalog, users, records, faults, accountability, penalties).
}
