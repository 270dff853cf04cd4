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

/** An audit row as a writer gives it: everything but the row number. */
export type NewAuditRow = Omit<AuditRow, 'seq'>;

/**
 * Inserts one audit row in the step's transaction and returns its row number. Nothing is shared
 * between writers: PostgreSQL numbers rows from a sequence, SQLite has a single writer anyway.
 * A trigger queues the row in `audit_pending` for the chainer (`takePending`/`linkChain`).
 */
export async function insertAuditRow(trx: Knex.Transaction, row: NewAuditRow): Promise<number> {
  const seq =
    trx.client.config.client === 'pg'
      ? undefined
      : // The highest number ever used, also if the last row was deleted by hand: a number is never reused.
        trx.raw('(SELECT MAX(n) + 1 FROM (SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log UNION ALL SELECT COALESCE(MAX(seq), 0) FROM audit_chain) AS m)');
  const rows = await trx('audit_log')
    .insert({
      ...(seq ? { seq } : {}),
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
    })
    .returning('seq');
  const r = rows[0] as { seq: number | string } | number | string;
  return Number(typeof r === 'object' ? r.seq : r);
}

/** One link of the chain, with the audit row it links (null when that row is gone). */
export interface ChainLink {
  pos: number;
  seq: number;
  prevHash: string;
  hash: string;
  chainedAt: number;
  row: AuditRow | null;
}

/**
 * Locks the chain's head for one chainer. On PostgreSQL a second chainer (another node) gets
 * null at once instead of waiting (SKIP LOCKED): it has nothing to add while the first one runs.
 */
export async function lockHeadForChaining(trx: Knex.Transaction): Promise<{ seq: number; hash: string } | null> {
  const q = trx('audit_head').where({ id: 1 }).select('seq', 'hash');
  if (trx.client.config.client !== 'pg') {
    // SQLite: write first, so the transaction takes the write lock now (waiting out other
    // writers) instead of failing SQLITE_BUSY when a read transaction later tries to write.
    await trx('audit_head').where({ id: 1 }).update({ seq: trx.raw('seq') });
    const r = await q.first();
    return r ? { seq: Number(r.seq), hash: r.hash } : null;
  }
  const r = await q.forUpdate().skipLocked().first();
  return r ? { seq: Number(r.seq), hash: r.hash } : null;
}

/** Queued rows in row-number order, each with its audit row (null if it was removed meanwhile). */
export async function takePending(trx: Knex.Transaction, limit: number): Promise<Array<{ seq: number; row: AuditRow | null; chained: boolean }>> {
  const rows = await trx('audit_pending as p')
    .leftJoin('audit_log as l', 'l.seq', 'p.seq')
    .leftJoin('audit_chain as c', 'c.seq', 'p.seq')
    .select('p.seq as pending_seq', 'l.*', 'c.pos as chained_pos')
    .orderBy('p.seq')
    .limit(limit);
  return rows.map((r: any) => ({ seq: Number(r.pending_seq), row: r.seq === null || r.seq === undefined ? null : toRow(r), chained: r.chained_pos !== null && r.chained_pos !== undefined }));
}

/** Appends links to the chain, moves the head, and takes the linked rows off the queue. */
export async function linkChain(trx: Knex.Transaction, links: Array<Omit<ChainLink, 'row'>>, done: number[], head: { seq: number; hash: string }): Promise<void> {
  for (let i = 0; i < links.length; i += 200) {
    await trx('audit_chain').insert(links.slice(i, i + 200).map((l) => ({ pos: l.pos, seq: l.seq, prev_hash: l.prevHash, hash: l.hash, chained_at: l.chainedAt })));
  }
  for (let i = 0; i < done.length; i += 500) await trx('audit_pending').whereIn('seq', done.slice(i, i + 500)).delete();
  await trx('audit_head').where({ id: 1 }).update({ seq: head.seq, hash: head.hash });
}

/** Links in chain order after position `afterPos`, each joined with its audit row. */
export async function chainLinksAfter(db: Knex, afterPos: number, limit: number): Promise<ChainLink[]> {
  const rows = await db('audit_chain as c')
    .leftJoin('audit_log as l', 'l.seq', 'c.seq')
    .select('c.pos as c_pos', 'c.seq as c_seq', 'c.prev_hash as c_prev', 'c.hash as c_hash', 'c.chained_at as c_at', 'l.*')
    .where('c.pos', '>', afterPos)
    .orderBy('c.pos')
    .limit(limit);
  return rows.map((r: any) => ({
    pos: Number(r.c_pos),
    seq: Number(r.c_seq),
    prevHash: r.c_prev,
    hash: r.c_hash,
    chainedAt: Number(r.c_at),
    row: r.seq === null || r.seq === undefined ? null : toRow(r),
  }));
}

/** How many audit rows there are, how many are linked, and how many wait in the queue. */
export async function chainCounts(db: Knex): Promise<{ rows: number; linked: number; pending: number }> {
  const [a] = await db('audit_log').count({ n: '*' });
  const [b] = await db('audit_chain').count({ n: '*' });
  const [c] = await db('audit_pending as p').join('audit_log as l', 'l.seq', 'p.seq').leftJoin('audit_chain as c', 'c.seq', 'p.seq').whereNull('c.seq').count({ n: '*' });
  return { rows: Number(a.n), linked: Number(b.n), pending: Number(c.n) };
}

/** Audit rows neither linked nor queued: rows someone inserted around the platform. */
export async function unlinkedRows(db: Knex, limit: number): Promise<number[]> {
  const rows = await db('audit_log as l')
    .leftJoin('audit_chain as c', 'c.seq', 'l.seq')
    .leftJoin('audit_pending as p', 'p.seq', 'l.seq')
    .whereNull('c.seq')
    .whereNull('p.seq')
    .select('l.seq')
    .orderBy('l.seq')
    .limit(limit);
  return rows.map((r: any) => Number(r.seq));
}

/** Keeps the last verification's result for readers that must not re-hash the chain (the monitor). */
export async function saveVerification(db: Knex, at: number, result: unknown): Promise<void> {
  await db('audit_head').where({ id: 1 }).update({ verified_at: at, verified: JSON.stringify(result) });
}

export async function lastVerification(db: Knex): Promise<{ at: number; result: unknown } | null> {
  const r = await db('audit_head').where({ id: 1 }).select('verified_at', 'verified').first();
  if (!r?.verified) return null;
  return { at: Number(r.verified_at), result: JSON.parse(r.verified) };
}

export async function auditHead(db: Knex): Promise<{ seq: number; hash: string }> {
  const r = await db('audit_head').where({ id: 1 }).first();
  return { seq: Number(r?.seq ?? 0), hash: r?.hash ?? '' };
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
