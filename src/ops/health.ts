import type { Knex } from 'knex';
import type { PollerHealth } from '../engine/job-pool.ts';
import { pendingMigrations } from '../store/metrics.ts';

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** How long a started poller may go without looking for jobs before the node is not ready. */
export function pollerStaleAfterMs(pollMs: number): number {
  return Math.max(30_000, 5 * pollMs);
}

/** The job poller's check: alive when it looked for jobs lately or runs jobs now (their heartbeat shows life). */
export function pollerCheck(h: PollerHealth): { ok: boolean; detail?: string } {
  if (!h.started) return { ok: true, detail: '本节点未启动作业轮询' };
  if (h.busy > 0 || (h.sinceLastPollMs !== null && h.sinceLastPollMs <= pollerStaleAfterMs(h.pollMs))) return { ok: true };
  const since = h.sinceLastPollMs === null ? '从未' : `${Math.round(h.sinceLastPollMs / 1000)} 秒前`;
  return { ok: false, detail: `作业轮询停滞：上次查找到期作业在${since}` };
}

/**
 * Whether this node may take traffic: the database answers, its schema is current (a node
 * started before a migration ran elsewhere, or cut off from the database, is not ready), and,
 * given `jobs`, its job poller lives (a node whose poller stopped would leave timers unfired).
 * Usage: `const r = await readiness(db, () => engine.jobs.health()); ctx.status = r.ok ? 200 : 503`.
 */
export async function readiness(db: Knex, jobs?: () => PollerHealth): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  try {
    await db.raw('select 1');
    checks.database = { ok: true };
    const pending = await pendingMigrations(db);
    checks.migrations = pending.length ? { ok: false, detail: `待执行的迁移：${pending.join('、')}` } : { ok: true };
  } catch (err) {
    checks.database = { ok: false, detail: `数据库不可用：${(err as Error).message.slice(0, 200)}` };
  }
  if (jobs) checks.jobs = pollerCheck(jobs());
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}
