import type { Knex } from 'knex';
import { auditHead, chainCounts, chainLinksAfter, linkChain, lockHeadForChaining, saveVerification, lastVerification, takePending, unlinkedRows, type AuditRow, type ChainLink } from '../store/audit.ts';
import { contentHash, GENESIS_HASH, legacyRowHash, linkHash } from './audit-hash.ts';

/**
 * The audit chain, linked after commit. Writers only insert rows (each with the hash of its own
 * content) and a trigger queues them; `chainAudit` — one chainer at a time, on any node — links
 * queued rows in order: position n+1 gets `hash = SHA-256(prev hash : row number : content hash)`.
 * `verifyAudit` walks the chain and reports every row that was edited, deleted, or inserted
 * around the platform, as the single locked chain did before, without a lock on the hot path.
 */

/**
 * Links every queued audit row into the chain; returns how many were linked. Safe to call from
 * every node at once: the others skip while one holds the head. Rows removed before they were
 * linked stay queued, and verification reports them missing.
 * Usage: `await chainAudit(db)` (the nodes' chainer does this every few hundred ms).
 */
export async function chainAudit(db: Knex, now = Date.now(), batch = 2000): Promise<number> {
  let total = 0;
  for (;;) {
    const linked = await db.transaction(async (trx) => {
      const head = await lockHeadForChaining(trx);
      if (!head) return 0;
      const pending = await takePending(trx, batch);
      let { seq: pos, hash: prev } = head;
      const links: Array<Omit<ChainLink, 'row'>> = [];
      const done: number[] = [];
      for (const p of pending) {
        if (p.chained) {
          done.push(p.seq); // put back by hand after it was linked: it is in the chain already
          continue;
        }
        if (!p.row) continue;
        const hash = linkHash(prev, p.seq, p.row.hash);
        links.push({ pos: ++pos, seq: p.seq, prevHash: prev, hash, chainedAt: now });
        done.push(p.seq);
        prev = hash;
      }
      if (done.length) await linkChain(trx, links, done, { seq: pos, hash: prev });
      return links.length;
    });
    total += linked;
    if (linked < batch) return total;
  }
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The row number of the first row that is altered, out of place, or missing. */
  firstBrokenAt?: number;
  reason?: string;
  /** Every break found, in chain order (at most MAX_BROKEN_LISTED; then `truncated`). */
  broken: Array<{ seq: number; reason: string }>;
  truncated?: boolean;
  /** The last chain hash; noting it elsewhere also detects a rewrite of the whole chain. */
  headHash: string;
  /** Rows committed but not yet linked (they are checked once linked). */
  pending?: number;
}

/** Breaks listed by verifyAudit; a chain broken in more places than this is reported truncated. */
export const MAX_BROKEN_LISTED = 1000;

/** What is wrong with one link, or null. Rows from before the chain left the hot path keep their own hashes. */
function linkProblem(l: ChainLink, prev: string): string | null {
  const r = l.row as AuditRow | null;
  if (!r) return `第 ${l.seq} 条审计记录缺失`;
  if (l.prevHash !== prev) return `第 ${l.seq} 条审计记录与前一条不衔接`;
  if (r.prevHash !== '') {
    const { hash, ...rest } = r;
    if (legacyRowHash(rest) !== hash || l.hash !== hash) return `第 ${l.seq} 条审计记录内容被修改`;
    if (r.prevHash !== prev) return `第 ${l.seq} 条审计记录与前一条不衔接`;
    return null;
  }
  if (contentHash(r) !== r.hash || linkHash(prev, l.seq, r.hash) !== l.hash) return `第 ${l.seq} 条审计记录内容被修改`;
  return null;
}

/** The chain hash a link should carry, from its row and the previous link; null without a row. */
function expectedHash(l: ChainLink, prev: string): string | null {
  if (!l.row) return null;
  return l.row.prevHash !== '' ? l.row.hash : linkHash(prev, l.seq, l.row.hash);
}

/**
 * Re-computes the whole chain in order and reports every break, not only the first: one damaged
 * row must not hide later tampering. After a break, checking goes on from the link's stored hash,
 * so each edited, inserted or deleted row is reported once. Queued rows are not checked until
 * linked (call `chainAudit` first to check everything committed).
 * Usage: `await chainAudit(db); const { ok, broken } = await verifyAudit(db)`.
 */
export async function verifyAudit(db: Knex, batch = 5000): Promise<VerifyResult> {
  const head = await auditHead(db);
  const broken: Array<{ seq: number; reason: string }> = [];
  let truncated = false;
  const report = (seq: number, reason: string) => {
    if (broken.length < MAX_BROKEN_LISTED) broken.push({ seq, reason });
    else truncated = true;
  };
  let expectedPos = 1;
  let prev = GENESIS_HASH;
  let lastSeq = 0;
  let checked = 0;
  for (;;) {
    const links = await chainLinksAfter(db, expectedPos - 1, batch);
    if (!links.length) break;
    for (const l of links) {
      if (l.pos !== expectedPos) report(lastSeq + 1, `审计链第 ${expectedPos}–${l.pos - 1} 环缺失`);
      const problem = linkProblem(l, prev);
      if (problem) report(l.seq, problem);
      // Go on from the hash this link should have (when its row is there to compute it), so an
      // edited link is reported once, not again at its successor.
      prev = expectedHash(l, prev) ?? l.hash;
      lastSeq = l.seq;
      expectedPos = l.pos + 1;
      if (l.row) checked++;
    }
  }
  if (head.seq > expectedPos - 1) report(lastSeq + 1, `审计链第 ${expectedPos} 环及之后缺失`);
  else if (head.hash !== prev) report(lastSeq, '审计链末尾哈希不一致');
  const counts = await chainCounts(db);
  if (counts.rows > checked + counts.pending) {
    for (const seq of await unlinkedRows(db, MAX_BROKEN_LISTED)) report(seq, `第 ${seq} 条审计记录不在审计链中（绕过平台写入）`);
  }
  broken.sort((a, b) => a.seq - b.seq);
  const first = broken[0];
  return {
    ok: !first,
    checked,
    ...(first ? { firstBrokenAt: first.seq, reason: first.reason } : {}),
    broken,
    ...(truncated ? { truncated } : {}),
    headHash: head.hash,
    ...(counts.pending ? { pending: counts.pending } : {}),
  };
}

/**
 * Links what is queued, verifies, and keeps the result for the monitor (which reads it with
 * `latestVerification` instead of re-hashing the chain on every page load).
 */
export async function chainAndVerify(db: Knex, now: number): Promise<VerifyResult> {
  await chainAudit(db, now);
  const result = await verifyAudit(db);
  await saveVerification(db, now, result);
  return result;
}

/** The last kept verification, or null before the first. */
export async function latestVerification(db: Knex): Promise<{ at: number; result: VerifyResult } | null> {
  const v = await lastVerification(db);
  return v ? { at: v.at, result: v.result as VerifyResult } : null;
}
