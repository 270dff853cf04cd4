import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import { freshDatabase, type TestDatabase } from './db.ts';

/** Two nodes: two engine services, each with its own pool and cache, on one fresh database. */
export interface TwoNodes {
  t: TestDatabase;
  clock: ManualClock;
  a: EngineService;
  b: EngineService;
}

/**
 * Starts node-a and node-b on one fresh database with a shared manual clock (Thursday
 * 26 November 2026, 09:00 Beijing time).
 * Usage: `({ t, clock, a, b } = await twoNodes())` in `before`, `await stopNodes({ t, a, b })` in `after`.
 */
export async function twoNodes(): Promise<TwoNodes> {
  const t = await freshDatabase();
  const clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
  const a = await EngineService.create({ db: t.db, clock, nodeId: 'node-a' });
  const b = await EngineService.create({ db: await t.reopen(), clock, nodeId: 'node-b' });
  return { t, clock, a, b };
}

/** Stops both nodes and drops the database. */
export async function stopNodes(n: Pick<TwoNodes, 't' | 'a' | 'b'>): Promise<void> {
  await n.a.stop();
  await n.b.stop();
  await n.t.drop();
}
