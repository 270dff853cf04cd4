import type { Knex } from 'knex';

/** One stored audit row; `before`/`after` are the canonical JSON texts the hash covers. */
export interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  instanceId: string | null;
  ip: string | null;
  requestId: string | null;
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  actor?: string;
  instanceId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

function toRow(r: any): AuditRow {
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    actor: r.actor,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    instanceId: r.instance_id,
    ip: r.ip,
    requestId: r.request_id,
    before: r.before,
    after: r.after,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Takes the next chain position: bumps the head's sequence and returns it with the previous hash.
 * The UPDATE row-locks the head until the transaction ends (PostgreSQL), so concurrent appenders
 * on any node queue up behind it; SQLite has a single writer anyway.
 */
export async function advanceHead(trx: Knex.Transaction): Promise<{ seq: number; prevHash: string }> {
  const rows = await trx('audit_head')
    .where({ id: 1 })
    .update({ seq: trx.raw('seq + 1') })
    .returning(['seq', 'hash']);
  const r = rows[0] as { seq: number | string; hash: string } | undefined;
  if (!r) throw new Error('audit_head row is missing');
  return { seq: Number(r.seq), prevHash: r.hash };
}

export async function insertAuditRow(trx: Knex.Transaction, row: AuditRow): Promise<void> {
  await trx('audit_log').insert({
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    object_type: row.objectType,
    object_id: row.objectId,
    instance_id: row.instanceId,
    ip: row.ip,
    request_id: row.requestId,
    before: row.before,
    after: row.after,
    prev_hash: row.prevHash,
    hash: row.hash,
  });
  await trx('audit_head').where({ id: 1 }).update({ hash: row.hash });
}

export async function auditHead(db: Knex): Promise<{ seq: number; hash: string }> {
  const r = await db('audit_head').where({ id: 1 }).first();
  return { seq: Number(r?.seq ?? 0), hash: r?.hash ?? '' };
}

/** Rows in chain order after `afterSeq` (for verification in batches). */
export async function auditRowsAfter(db: Knex, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return (await db('audit_log').where('seq', '>', afterSeq).orderBy('seq').limit(limit)).map(toRow);
}

export async function listAuditRows(db: Knex, f: AuditFilter): Promise<{ rows: AuditRow[]; total: number }> {
  const apply = (q: Knex.QueryBuilder) => {
    if (f.actor) q.where('actor', f.actor);
    if (f.instanceId) q.where('instance_id', f.instanceId);
    if (f.action) q.where('action', f.action);
    if (f.objectType) q.where('object_type', f.objectType);
    if (f.objectId) q.where('object_id', f.objectId);
    if (f.from !== undefined) q.where('at', '>=', f.from);
    if (f.to !== undefined) q.where('at', '<', f.to);
    return q;
  };
  const [{ n }] = await apply(db('audit_log')).count({ n: '*' });
  const rows = await apply(db('audit_log').select('*'))
    .orderBy('seq', 'desc')
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0);
  return { rows: rows.map(toRow), total: Number(n) };
}
