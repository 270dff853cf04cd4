import type { Knex } from 'knex';

/** Claims the run of `name` for `period`; false if some node claimed it before. */
export async function claimRun(db: Knex, name: string, period: string, node: string, now: number): Promise<boolean> {
  const res = await db.raw(
    `INSERT INTO scheduled_runs (name, period, node, started_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, period) DO NOTHING RETURNING name`,
    [name, period, node, now],
  );
  return (Array.isArray(res) ? res : res.rows).length === 1;
}

export async function finishRun(db: Knex, name: string, period: string, now: number, result: unknown): Promise<void> {
  await db('scheduled_runs').where({ name, period }).update({ finished_at: now, result: JSON.stringify(result ?? null) });
}

/** Gives a claimed run back (it failed), so that the next tick tries again. */
export async function releaseRun(db: Knex, name: string, period: string): Promise<void> {
  await db('scheduled_runs').where({ name, period }).whereNull('finished_at').delete();
}

export async function lastRuns(db: Knex, limit = 50): Promise<Array<{ name: string; period: string; node: string; startedAt: number; finishedAt: number | null; result: unknown }>> {
  const rows = await db('scheduled_runs').orderBy('started_at', 'desc').limit(limit);
  return rows.map((r: any) => ({ name: r.name, period: r.period, node: r.node, startedAt: Number(r.started_at), finishedAt: r.finished_at === null ? null : Number(r.finished_at), result: r.result ? JSON.parse(r.result) : null }));
}
