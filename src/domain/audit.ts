import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { wellFormed } from '../json-guard.ts';
import { advanceHead, auditHead, auditRowsAfter, insertAuditRow, listAuditRows, type AuditFilter, type AuditRow } from '../store/audit.ts';
import { listLoginEvents } from '../store/auth.ts';

/**
 * The tamper-evident audit trail. Every state-changing request appends one entry in the same
 * transaction as the change; entries form one SHA-256 chain (each stores the previous hash), so
 * `verifyAudit` finds an edited, inserted or deleted row.
 */

/** What happened, by whom, to what: the caller's part of an audit row. */
export interface AuditEntry {
  actor: string;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  instanceId?: string | null;
  ip?: string | null;
  requestId?: string | null;
  before?: unknown;
  after?: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** The hash of a row: SHA-256 over its stored fields in a fixed order, the previous hash included. */
export function rowHash(r: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify([
    r.seq, r.at, r.actor, r.action, r.objectType, r.objectId, r.instanceId, r.ip, r.requestId, r.before, r.after, r.prevHash,
  ]);
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * A field as it will be stored: cut to its column and made well formed. Text with a lone UTF-16
 * surrogate (or one made by the cut) is stored by both databases as U+FFFD, and PostgreSQL cannot
 * store U+0000 at all; so both are replaced here, and the hash covers exactly what is stored.
 */
const text = (v: unknown, max: number) => (v === undefined || v === null ? null : storable(String(v).slice(0, max)));
const storable = (s: string) => wellFormed(s).replace(/\u0000/g, '\ufffd');

/**
 * Appends one entry to the chain inside `trx` (the transaction of the change it records).
 * Usage: `await appendAudit(trx, { actor: 'head', action: 'task.claim', objectType: 'task', objectId }, now)`.
 */
export async function appendAudit(trx: Knex.Transaction, e: AuditEntry, at: number): Promise<AuditRow> {
  const { seq, prevHash } = await advanceHead(trx);
  const partial: Omit<AuditRow, 'hash'> = {
    seq,
    at,
    actor: text(e.actor, 100) ?? 'unknown',
    action: text(e.action, 60)!,
    objectType: text(e.objectType, 40),
    objectId: text(e.objectId, 200),
    instanceId: text(e.instanceId, 36),
    ip: text(e.ip, 64),
    requestId: text(e.requestId, 100),
    before: e.before === undefined ? null : canonicalJson(e.before),
    after: e.after === undefined ? null : canonicalJson(e.after),
    prevHash,
  };
  const row = { ...partial, hash: rowHash(partial) };
  await insertAuditRow(trx, row);
  return row;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The chain position of the first row that is altered, out of place, or missing. */
  firstBrokenAt?: number;
  reason?: string;
  /** Every break found, in chain order (at most MAX_BROKEN_LISTED; then `truncated`). */
  broken: Array<{ seq: number; reason: string }>;
  truncated?: boolean;
  /** The last hash; noting it elsewhere also detects a rewrite of the whole chain. */
  headHash: string;
}

/** Breaks listed by verifyAudit; a chain broken in more places than this is reported truncated. */
export const MAX_BROKEN_LISTED = 1000;

/**
 * Re-computes the whole chain in order and reports every break, not only the first: one damaged
 * row must not hide later tampering. After a break, checking goes on from the row's stored hash,
 * so each edited, inserted or deleted row is reported once.
 * Usage: `const { ok, broken } = await verifyAudit(db)`.
 */
export async function verifyAudit(db: Knex, batch = 5000): Promise<VerifyResult> {
  const head = await auditHead(db);
  const broken: Array<{ seq: number; reason: string }> = [];
  let truncated = false;
  const report = (seq: number, reason: string) => {
    if (broken.length < MAX_BROKEN_LISTED) broken.push({ seq, reason });
    else truncated = true;
  };
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await auditRowsAfter(db, expectedSeq - 1, batch);
    if (!rows.length) break;
    for (const r of rows) {
      if (r.seq !== expectedSeq) {
        report(expectedSeq, r.seq === expectedSeq + 1 ? `第 ${expectedSeq} 条审计记录缺失` : `第 ${expectedSeq}–${r.seq - 1} 条审计记录缺失`);
      } else if (r.prevHash !== prev) {
        report(r.seq, `第 ${r.seq} 条审计记录与前一条不衔接`);
      }
      const { hash, ...rest } = r;
      if (rowHash(rest) !== hash) report(r.seq, `第 ${r.seq} 条审计记录内容被修改`);
      prev = hash;
      expectedSeq = r.seq + 1;
      checked++;
    }
  }
  const last = expectedSeq - 1;
  if (head.seq > last) report(last + 1, `第 ${last + 1} 条及之后的审计记录缺失`);
  else if (head.hash !== prev) report(last, `审计链末尾哈希不一致`);
  const first = broken[0];
  return {
    ok: !first,
    checked,
    ...(first ? { firstBrokenAt: first.seq, reason: first.reason } : {}),
    broken,
    ...(truncated ? { truncated } : {}),
    headHash: head.hash,
  };
}

/** An audit row as the API shows it: JSON parsed, no hashes needed by readers but kept. */
export interface AuditView extends Omit<AuditRow, 'before' | 'after'> {
  before: unknown;
  after: unknown;
}

export async function listAudit(db: Knex, f: AuditFilter): Promise<{ rows: AuditView[]; total: number }> {
  const { rows, total } = await listAuditRows(db, f);
  return {
    rows: rows.map((r) => ({ ...r, before: parsed(r.before), after: parsed(r.after) })),
    total,
  };
}

/** A row edited by hand may hold text that is not JSON: show it as it is rather than fail. */
function parsed(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Sign-in attempts, newest first, for the security auditor and supervision. */
export function loginEvents(db: Knex, f: Parameters<typeof listLoginEvents>[1]) {
  return listLoginEvents(db, f);
}
