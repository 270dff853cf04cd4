import type { Knex } from 'knex';

/**
 * The yearly case-number counter of a process: one row per (process, year), incremented in the
 * start's transaction. The upsert takes the row lock on PostgreSQL (a concurrent start of the same
 * process waits for this one to commit or roll back); SQLite has a single writer.
 * Usage: `const seq = await nextCaseSeq(trx, 'item-change', 2026)`.
 */
export async function nextCaseSeq(trx: Knex.Transaction, processKey: string, year: number): Promise<number> {
  // One statement on both databases (SQLite ≥ 3.35 and PostgreSQL have UPSERT … RETURNING).
  const [row] = await trx('case_counters')
    .insert({ process_key: processKey, year, seq: 1 })
    .onConflict(['process_key', 'year'])
    .merge({ seq: trx.raw('case_counters.seq + 1') })
    .returning('seq');
  return Number(row.seq);
}

/** Stores the number of a case inserted earlier in the same transaction. */
export async function setCaseNumber(trx: Knex.Transaction, instanceId: string, caseNumber: string): Promise<void> {
  await trx('process_instances').where({ id: instanceId }).update({ case_number: caseNumber });
}

/** A user's display name as it is now (null for the platform itself or an unknown id). */
export async function displayNameOf(db: Knex, userId: string): Promise<string | null> {
  const row = await db('users').select('display_name').where({ id: userId }).first();
  return row ? row.display_name : null;
}

export interface CaseInfo {
  instanceId: string;
  caseNumber: string | null;
  subject: string | null;
  startedBy: string;
  startedByName: string | null;
  status: string;
}

/** Case labels of these instances (one query), by instance id. */
export async function caseInfoOf(db: Knex, instanceIds: string[]): Promise<Map<string, CaseInfo>> {
  const ids = [...new Set(instanceIds)];
  const out = new Map<string, CaseInfo>();
  if (!ids.length) return out;
  const rows = await db('process_instances').select('id', 'case_number', 'subject', 'started_by', 'started_by_name', 'status').whereIn('id', ids);
  for (const r of rows) {
    out.set(r.id, { instanceId: r.id, caseNumber: r.case_number, subject: r.subject, startedBy: r.started_by, startedByName: r.started_by_name, status: r.status });
  }
  return out;
}

/** Names of the open tasks of these instances (what a case is waiting on now), by instance id. */
export async function currentStepsOf(db: Knex, instanceIds: string[]): Promise<Map<string, string[]>> {
  const ids = [...new Set(instanceIds)];
  const out = new Map<string, string[]>();
  if (!ids.length) return out;
  const rows = await db('tasks').select('instance_id', 'name', 'element_id').whereIn('instance_id', ids).where('status', 'open').orderBy('created_at');
  for (const r of rows) out.set(r.instance_id, [...(out.get(r.instance_id) ?? []), r.name ?? r.element_id]);
  return out;
}

/** A LIKE pattern for `text` anywhere, with LIKE's wildcards escaped (use with `ESCAPE '\\'`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}

/** Case number, subject or applicant's name (columns of process_instances) contain `text`. */
export function matchCase(w: Knex.QueryBuilder, text: string, prefix = ''): Knex.QueryBuilder {
  const like = containsPattern(text);
  return w
    .whereRaw(`${prefix}case_number LIKE ? ESCAPE '\\'`, [like])
    .orWhereRaw(`${prefix}subject LIKE ? ESCAPE '\\'`, [like])
    .orWhereRaw(`${prefix}started_by_name LIKE ? ESCAPE '\\'`, [like]);
}
