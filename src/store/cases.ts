import type { Knex } from 'knex';

export interface RunningCase {
  instanceId: string;
  processKey: string;
  businessKey: string | null;
  itemCode: string;
  itemName: string;
  unitId: string;
  promisedDays: number;
  startedAt: number;
  startedBy: string;
  level: string | null;
  caseNumber: string | null;
  subject: string | null;
}

/** Running instances of procedures catalog items are bound to, with their item and warned level. */
export async function runningCases(db: Knex): Promise<RunningCase[]> {
  const rows = await db('process_instances as i')
    .leftJoin('case_warnings as w', 'w.instance_id', 'i.id')
    .where('i.status', 'running')
    .whereIn('i.process_key', db('power_items').distinct('process_key'))
    .select('i.id', 'i.process_key', 'i.business_key', 'i.variables', 'i.started_at', 'i.started_by', 'w.level', 'i.case_number', 'i.subject');
  const items = new Map<string, any>((await db('power_items').select('code', 'name', 'unit_id', 'promised_days')).map((r: any) => [r.code, r]));
  const out: RunningCase[] = [];
  for (const r of rows as any[]) {
    const code = JSON.parse(r.variables).itemCode;
    const item = typeof code === 'string' ? items.get(code) : undefined;
    if (!item) continue;
    out.push({
      instanceId: r.id,
      processKey: r.process_key,
      businessKey: r.business_key,
      itemCode: item.code,
      itemName: item.name,
      unitId: item.unit_id,
      promisedDays: item.promised_days,
      startedAt: Number(r.started_at),
      startedBy: r.started_by,
      level: r.level,
      caseNumber: r.case_number ?? null,
      subject: r.subject ?? null,
    });
  }
  return out;
}

/**
 * Raises a case's warned level to `level`; true only for the caller that raised it (the guard
 * against announcing twice, across nodes).
 */
export async function raiseCaseLevel(db: Knex, c: { instanceId: string; itemCode: string; dueAt: number }, level: 'yellow' | 'red', now: number): Promise<boolean> {
  const inserted = await db.raw(
    `INSERT INTO case_warnings (instance_id, item_code, level, due_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (instance_id) DO NOTHING RETURNING instance_id`,
    [c.instanceId, c.itemCode, level, c.dueAt, now],
  );
  if ((Array.isArray(inserted) ? inserted : inserted.rows).length === 1) return true;
  if (level === 'yellow') return false;
  return (await db('case_warnings').where({ instance_id: c.instanceId, level: 'yellow' }).update({ level: 'red', updated_at: now })) === 1;
}

/** Marks that an accountability review was queued for the case; false if one was already. */
export async function markAccountabilityQueued(db: Knex, instanceId: string, now: number): Promise<boolean> {
  return (await db('case_warnings').where({ instance_id: instanceId }).whereNull('accountability_queued_at').update({ accountability_queued_at: now })) === 1;
}

/** The open task of a case that is furthest past due, with who holds it. */
export async function overdueStep(db: Knex, instanceId: string, now: number): Promise<{ name: string | null; assignee: string | null; dueAt: number | null } | undefined> {
  const r = await db('tasks').where({ instance_id: instanceId, status: 'open' }).orderBy('due_at').first();
  return r && { name: r.name, assignee: r.assignee, dueAt: r.due_at === null ? null : Number(r.due_at) };
}

export async function caseWarnings(db: Knex): Promise<Array<{ instanceId: string; itemCode: string; level: string; dueAt: number; accountabilityQueuedAt: number | null }>> {
  const rows = await db('case_warnings').orderBy('updated_at', 'desc');
  return rows.map((r: any) => ({ instanceId: r.instance_id, itemCode: r.item_code, level: r.level, dueAt: Number(r.due_at), accountabilityQueuedAt: r.accountability_queued_at === null ? null : Number(r.accountability_queued_at) }));
}
