import type { Knex } from 'knex';
import { wellFormed } from '../json-guard.ts';
import { contentHash } from './audit-hash.ts';
import { insertAuditRow, listAuditRows, type AuditFilter, type AuditRow } from '../store/audit.ts';
import { listLoginEvents } from '../store/auth.ts';

export { chainAudit, verifyAudit, MAX_BROKEN_LISTED, type VerifyResult } from './audit-chain.ts';

/**
 * The tamper-evident audit trail. Every state-changing request appends one entry in the same
 * transaction as the change, with the SHA-256 of its own content; after commit, one chainer at a
 * time links entries into one SHA-256 chain (`audit-chain.ts`), so `verifyAudit` finds an edited,
 * inserted or deleted row while writers never wait on each other.
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

export { contentHash, GENESIS_HASH, legacyRowHash } from './audit-hash.ts';

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

/**
 * A field as it will be stored: cut to its column and made well formed. Text with a lone UTF-16
 * surrogate (or one made by the cut) is stored by both databases as U+FFFD, and PostgreSQL cannot
 * store U+0000 at all; so both are replaced here, and the hash covers exactly what is stored.
 */
const text = (v: unknown, max: number) => (v === undefined || v === null ? null : storable(String(v).slice(0, max)));
const storable = (s: string) => wellFormed(s).replace(/\u0000/g, '\ufffd');

/**
 * Appends one entry inside `trx` (the transaction of the change it records): one INSERT, no lock
 * shared with other writers. It is linked into the chain after commit (`chainAudit`); until
 * then its `prevHash` is empty.
 * Usage: `await appendAudit(trx, { actor: 'head', action: 'task.claim', objectType: 'task', objectId }, now)`.
 */
export async function appendAudit(trx: Knex.Transaction, e: AuditEntry, at: number): Promise<AuditRow> {
  const partial = {
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
    prevHash: '',
  };
  const row = { ...partial, hash: contentHash(partial) };
  const seq = await insertAuditRow(trx, row);
  return { ...row, seq };
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
