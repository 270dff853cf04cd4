import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { ManualClock } from '../../src/clock.ts';
import { seedDemoData } from '../../src/domain/demo-records.ts';
import { actorOf, seedOrganisation, type Person } from '../../src/domain/org.ts';
import { EngineService, type TaskWithWarning } from '../../src/engine/service.ts';
import type { StepResult } from '../../src/engine/steps.ts';
import { registerHandlers } from '../../src/services/index.ts';
import { freshDatabase, type TestDatabase } from './db.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A running platform for procedure stories: fresh database with the demo organisation, catalog and
 * records, handlers registered, processes/ and forms/ deployed, time on a ManualClock (Monday
 * 30 November 2026, 09:00 Beijing).
 */
export interface World {
  t: TestDatabase;
  db: Knex;
  engine: EngineService;
  clock: ManualClock;
  /** The demo user (with their current groups). */
  as(userId: string): Promise<Person>;
  /** Starts a process as a user, then runs the service tasks that follow. */
  start(key: string, userId: string, variables: Record<string, unknown>, businessKey?: string): Promise<StepResult>;
  /** The one open task of an element in an instance (fails if there is none). */
  task(instanceId: string, elementId: string): Promise<TaskWithWarning>;
  /** Element ids of the open tasks of an instance. */
  open(instanceId: string): Promise<string[]>;
  /** Completes the open task of an element as a user, then runs the service tasks that follow. */
  complete(instanceId: string, elementId: string, userId: string, variables?: Record<string, unknown>): Promise<StepResult>;
  /** Runs due jobs until none is left. */
  settle(): Promise<void>;
  status(instanceId: string): Promise<string>;
  variables(instanceId: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export const START = Date.parse('2026-11-30T09:00:00+08:00');

export async function world(): Promise<World> {
  const t = await freshDatabase();
  const db = t.db;
  const clock = new ManualClock(START);
  const engine = await EngineService.create({ db, clock });
  await seedOrganisation(db, clock.now(), true);
  await seedDemoData(db, clock.now());
  registerHandlers({ db, engine, clock });
  await engine.deployDirectories(path.join(root, 'processes'), path.join(root, 'forms'));
  const as = async (userId: string) => {
    const a = await actorOf(db, userId);
    if (!a) throw new Error(`no active user ${userId}`);
    return a;
  };
  const settle = async () => {
    for (let i = 0; i < 20 && (await engine.jobs.runDue()) > 0; i++);
  };
  const task = async (instanceId: string, elementId: string) => {
    const open = (await engine.tasksOfInstance(instanceId)).filter((x) => x.status === 'open' && x.elementId === elementId);
    expect(open, `open task ${elementId}`).to.have.length(1);
    return open[0];
  };
  return {
    t,
    db,
    engine,
    clock,
    as,
    settle,
    task,
    async start(key, userId, variables, businessKey) {
      const res = await engine.start(key, { by: await as(userId), variables, businessKey });
      await settle();
      return res;
    },
    async open(instanceId) {
      return (await engine.tasksOfInstance(instanceId)).filter((x) => x.status === 'open').map((x) => x.elementId);
    },
    async complete(instanceId, elementId, userId, variables = {}) {
      const tk = await task(instanceId, elementId);
      const res = await engine.complete(tk.id, { by: await as(userId), variables });
      await settle();
      return res;
    },
    async status(instanceId) {
      return (await engine.getInstance(instanceId))!.status;
    },
    async variables(instanceId) {
      return (await engine.getInstance(instanceId))!.variables;
    },
    async stop() {
      await engine.stop();
      await t.drop();
    },
  };
}
