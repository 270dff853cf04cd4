import type { Knex } from 'knex';
import { runStatementsIn, valuesPlaceholders, type Statement } from '../db/batch.ts';
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
const HISTORY_COLUMNS = ['instance_id', 'type', 'element_id', 'element_type', 'element_name', 'execution_id', 'task_id', 'actor', 'at', 'data'];

/** Appends history rows (the table is append-only: nothing updates or deletes them). */
export function appendHistoryStmts(rows: HistoryRow[]): Statement[] {
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    out.push({
      sql: `INSERT INTO history (${HISTORY_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(chunk.length, HISTORY_COLUMNS.length)}`,
      bindings: chunk.flatMap((h) => [
        h.instanceId, h.type, h.elementId ?? null, h.elementType ?? null, h.elementName ?? null, h.executionId ?? null,
        h.taskId ?? null, h.actor ?? null, h.at, toJson(h.data),
      ]),
    });
  }
  return out;
}

export async function appendHistory(db: Knex, rows: HistoryRow[]): Promise<void> {
  await runStatementsIn(db, appendHistoryStmts(rows));
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
