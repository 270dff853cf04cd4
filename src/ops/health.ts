import type { Knex } from 'knex';
import { pendingMigrations } from '../store/metrics.ts';

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/**
 * Whether this node may take traffic: the database answers and its schema is current (a node
 * started before a migration ran elsewhere, or cut off from the database, is not ready).
 * Usage: `const r = await readiness(db); ctx.status = r.ok ? 200 : 503`.
 */
export async function readiness(db: Knex): Promise<Readiness> {
  const checks: Readiness['checks'] = {};
  try {
    await db.raw('select 1');
    checks.database = { ok: true };
    const pending = await pendingMigrations(db);
    checks.migrations = pending.length ? { ok: false, detail: `待执行的迁移：${pending.join('、')}` } : { ok: true };
  } catch (err) {
    checks.database = { ok: false, detail: `数据库不可用：${(err as Error).message.slice(0, 200)}` };
  }
  return { ok: Object.values(checks).every((c) => c.ok), checks };
}
