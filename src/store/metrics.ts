import type { Knex } from 'knex';

/**
 * What GET /metrics reads from the database at each scrape (cluster-wide figures: every node
 * answers the same). Each is one indexed aggregate.
 */
export interface DatabaseFigures {
  /** Seconds the oldest due, unleased job has waited past its due time (0 when none). */
  jobLagSeconds: number;
  dueJobs: number;
  /** Jobs with a due time still ahead (pending timers, retries). */
  waitingJobs: number;
  /** Jobs still marked as leased by a node whose lease ran out. */
  expiredLeases: number;
  openIncidents: number;
  /** History rows ever written: its rate is the cluster's steps per second. */
  historyEvents: number;
  runningInstances: number;
}

/** Reads the figures at `now`. Usage: `const f = await databaseFigures(db, clock.now())`. */
export async function databaseFigures(db: Knex, now: number): Promise<DatabaseFigures> {
  const due = await db('jobs')
    .whereNotNull('due_at')
    .where('due_at', '<=', now)
    .where((q) => q.whereNull('locked_until').orWhere('locked_until', '<', now))
    .min({ oldest: 'due_at' })
    .count({ c: '*' })
    .first();
  const waiting = await db('jobs').where('due_at', '>', now).count({ c: '*' }).first();
  const expired = await db('jobs').whereNotNull('locked_by').where('locked_until', '<', now).count({ c: '*' }).first();
  const incidents = await db('incidents').where({ status: 'open' }).count({ c: '*' }).first();
  const history = await db('history').max({ id: 'id' }).first();
  const running = await db('process_instances').where({ status: 'running' }).count({ c: '*' }).first();
  const oldest = due?.oldest === null || due?.oldest === undefined ? null : Number(due.oldest);
  return {
    jobLagSeconds: oldest === null ? 0 : Math.max(0, (now - oldest) / 1000),
    dueJobs: Number(due?.c ?? 0),
    waitingJobs: Number(waiting?.c ?? 0),
    expiredLeases: Number(expired?.c ?? 0),
    openIncidents: Number(incidents?.c ?? 0),
    historyEvents: Number(history?.id ?? 0),
    runningInstances: Number(running?.c ?? 0),
  };
}

/** Migrations not yet run (readiness: a node must not serve an old schema). */
export async function pendingMigrations(db: Knex): Promise<string[]> {
  const [, pending] = (await db.migrate.list()) as [unknown[], Array<{ file: string } | string>];
  return pending.map((p) => (typeof p === 'string' ? p : p.file));
}

/** Connections of the pool in use and free (tarn), for the pool-use gauge. */
export function poolUse(db: Knex): { used: number; free: number; pending: number } {
  const pool = (db.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
  return pool ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() } : { used: 0, free: 0, pending: 0 };
}
