import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

export interface HistoryRow {
  id?: number;
  instanceId: string;
  type: string;
  elementId?: string | null;
  elementType?: string | null;
  elementName?: string | null;
  executionId?: string | null;
  taskId?: string | null;
  actor?: string | null;
  at: number;
  data?: Record<string, unknown> | null;
}

const CHUNK = 500;

/** Appends history rows (the table is append-only: nothing updates or deletes them). */
export async function appendHistory(db: Knex, rows: HistoryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db('history').insert(
      rows.slice(i, i + CHUNK).map((h) => ({
        instance_id: h.instanceId,
        type: h.type,
        element_id: h.elementId ?? null,
        element_type: h.elementType ?? null,
        element_name: h.elementName ?? null,
        execution_id: h.executionId ?? null,
        task_id: h.taskId ?? null,
        actor: h.actor ?? null,
        at: h.at,
        data: toJson(h.data),
      })),
    );
  }
}

export async function historyOf(db: Knex, instanceId: string, opts: { afterId?: number; limit?: number } = {}): Promise<HistoryRow[]> {
  const q = db('history').where({ instance_id: instanceId }).orderBy('id').limit(opts.limit ?? 1000);
  if (opts.afterId) q.where('id', '>', opts.afterId);
  const rows = await q;
  return rows.map((r: any) => ({
    id: Number(r.id),
    instanceId: r.instance_id,
    type: r.type,
    elementId: r.element_id,
    elementType: r.element_type,
    elementName: r.element_name,
    executionId: r.execution_id,
    taskId: r.task_id,
    actor: r.actor,
    at: Number(r.at),
    data: fromJson(r.data, null),
  }));
}
