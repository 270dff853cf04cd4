import type { Knex } from 'knex';

/**
 * Counts for the supervision office's monitor: running instances per process and per current
 * activity, open tasks per warning level, open incidents, and all of it per unit (the unit of the
 * instance's starter).
 */

export interface WarningCounts {
  green: number;
  yellow: number;
  red: number;
  none: number;
}

const n = (v: unknown) => Number(v ?? 0);

/** `CASE` expression naming an open task's warning level at `now` (same rule as the engine's). */
function warningCase(db: Knex, now: number): Knex.Raw {
  return db.raw(
    `CASE WHEN t.due_at IS NULL THEN 'none' WHEN t.due_at < ? THEN 'red' WHEN t.yellow_at IS NOT NULL AND t.yellow_at <= ? THEN 'yellow' ELSE 'green' END`,
    [now, now],
  );
}

export async function runningPerProcess(db: Knex): Promise<Array<{ processKey: string; running: number }>> {
  const rows = await db('process_instances').select('process_key').count({ c: '*' }).where('status', 'running').groupBy('process_key').orderBy('process_key');
  return rows.map((r: any) => ({ processKey: r.process_key, running: n(r.c) }));
}

/** Where running instances wait: open user tasks, and timers, service jobs and message waits. */
export async function currentActivities(db: Knex): Promise<Array<{ processKey: string; elementId: string; name: string | null; kind: string; count: number }>> {
  const tasks = await db('tasks')
    .select('process_key', 'element_id')
    .max({ name: 'name' })
    .count({ c: '*' })
    .where('status', 'open')
    .groupBy('process_key', 'element_id');
  const jobs = await db('jobs as j')
    .join('process_instances as i', 'i.id', 'j.instance_id')
    .select('i.process_key', 'j.element_id', 'j.type')
    .count({ c: '*' })
    .where('i.status', 'running')
    .groupBy('i.process_key', 'j.element_id', 'j.type');
  const waits = await db('event_subscriptions as s')
    .join('process_instances as i', 'i.id', 's.instance_id')
    .select('i.process_key', 's.element_id')
    .count({ c: '*' })
    .where('s.type', 'message')
    .groupBy('i.process_key', 's.element_id');
  return [
    ...tasks.map((r: any) => ({ processKey: r.process_key, elementId: r.element_id, name: r.name ?? null, kind: 'userTask', count: n(r.c) })),
    ...jobs.map((r: any) => ({ processKey: r.process_key, elementId: r.element_id, name: null, kind: r.type, count: n(r.c) })),
    ...waits.map((r: any) => ({ processKey: r.process_key, elementId: r.element_id, name: null, kind: 'message', count: n(r.c) })),
  ].sort((a, b) => a.processKey.localeCompare(b.processKey) || b.count - a.count);
}

export async function tasksPerWarning(db: Knex, now: number): Promise<WarningCounts> {
  const rows = await db('tasks as t').select({ level: warningCase(db, now) }).count({ c: '*' }).where('t.status', 'open').groupBy('level');
  const out: WarningCounts = { green: 0, yellow: 0, red: 0, none: 0 };
  for (const r of rows as any[]) out[r.level as keyof WarningCounts] = n(r.c);
  return out;
}

export async function openIncidentsPerProcess(db: Knex): Promise<Array<{ processKey: string | null; open: number }>> {
  const rows = await db('incidents as x')
    .leftJoin('process_instances as i', 'i.id', 'x.instance_id')
    .select('i.process_key')
    .count({ c: '*' })
    .where('x.status', 'open')
    .groupBy('i.process_key');
  return rows.map((r: any) => ({ processKey: r.process_key ?? null, open: n(r.c) }));
}

export interface UnitCounts {
  unitId: string | null;
  unitName: string | null;
  running: number;
  openTasks: number;
  tasks: WarningCounts;
  incidents: number;
}

/** Per unit of the starter: running instances, their open tasks by warning level, open incidents. */
export async function perUnit(db: Knex, now: number): Promise<UnitCounts[]> {
  const running = await db('process_instances as i')
    .leftJoin('users as u', 'u.id', 'i.started_by')
    .select('u.unit_id')
    .count({ c: '*' })
    .where('i.status', 'running')
    .groupBy('u.unit_id');
  const tasks = await db('tasks as t')
    .join('process_instances as i', 'i.id', 't.instance_id')
    .leftJoin('users as u', 'u.id', 'i.started_by')
    .select('u.unit_id', { level: warningCase(db, now) })
    .count({ c: '*' })
    .where('t.status', 'open')
    .groupBy('u.unit_id', 'level');
  const incidents = await db('incidents as x')
    .join('process_instances as i', 'i.id', 'x.instance_id')
    .leftJoin('users as u', 'u.id', 'i.started_by')
    .select('u.unit_id')
    .count({ c: '*' })
    .where('x.status', 'open')
    .groupBy('u.unit_id');
  const names = new Map((await db('units').select('id', 'name')).map((u: any) => [u.id, u.name]));
  const units = new Map<string | null, UnitCounts>();
  const unit = (id: string | null) => {
    let u = units.get(id);
    if (!u) units.set(id, (u = { unitId: id, unitName: id ? (names.get(id) ?? null) : null, running: 0, openTasks: 0, tasks: { green: 0, yellow: 0, red: 0, none: 0 }, incidents: 0 }));
    return u;
  };
  for (const r of running as any[]) unit(r.unit_id ?? null).running = n(r.c);
  for (const r of tasks as any[]) {
    const u = unit(r.unit_id ?? null);
    u.tasks[r.level as keyof WarningCounts] += n(r.c);
    u.openTasks += n(r.c);
  }
  for (const r of incidents as any[]) unit(r.unit_id ?? null).incidents = n(r.c);
  return [...units.values()].sort((a, b) => String(a.unitId).localeCompare(String(b.unitId)));
}

export async function countIncidents(db: Knex, f: { status?: string; instanceId?: string }): Promise<number> {
  const q = db('incidents').count({ c: '*' });
  if (f.status) q.where('status', f.status);
  if (f.instanceId) q.where('instance_id', f.instanceId);
  const [r] = await q;
  return n((r as any).c);
}
