import { createHash } from 'node:crypto';
import type { AuditRow } from '../store/audit.ts';

/** The chain's start: the previous hash of the first link. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of a row written before the chain left the hot path (prev hash and row number
 * included): such rows keep it, and it is their chain hash too.
 */
export function legacyRowHash(r: Omit<AuditRow, 'hash'>): string {
  const content = JSON.stringify([
    r.seq, r.at, r.actor, r.action, r.objectType, r.objectId, r.instanceId, r.ip, r.requestId, r.before, r.after, r.prevHash,
  ]);
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * The hash of a row's own content, known before it has a row number or a place in the chain
 * (both are bound by the chain hash): `contentHash(row) === row.hash` for every row written now.
 */
export function contentHash(r: Omit<AuditRow, 'hash' | 'seq' | 'prevHash'>): string {
  const content = JSON.stringify(['v2', r.at, r.actor, r.action, r.objectType, r.objectId, r.instanceId, r.ip, r.requestId, r.before, r.after]);
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** The chain hash of a link: binds the previous link, the row's number and its content. */
export function linkHash(prevHash: string, seq: number, content: string): string {
  return createHash('sha256').update(`${prevHash}:${seq}:${content}`, 'utf8').digest('hex');
}
