import type { Knex } from 'knex';

/** A vendor's request to reset someone's password, decided by a second person. */
export interface PasswordResetRequest {
  id: string;
  userId: string;
  requestedBy: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'used' | 'expired';
  approvalInstanceId: string | null;
  decidedBy: string | null;
  comment: string | null;
  requestedAt: number;
  decidedAt: number | null;
  expiresAt: number | null;
  usedAt: number | null;
}

type Db = Knex | Knex.Transaction;

function fromRow(r: any): PasswordResetRequest {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: r.id,
    userId: r.user_id,
    requestedBy: r.requested_by,
    reason: r.reason,
    status: r.status,
    approvalInstanceId: r.approval_instance_id,
    decidedBy: r.decided_by,
    comment: r.comment,
    requestedAt: Number(r.requested_at),
    decidedAt: n(r.decided_at),
    expiresAt: n(r.expires_at),
    usedAt: n(r.used_at),
  };
}

export async function insertPasswordResetRequest(db: Db, r: PasswordResetRequest): Promise<void> {
  await db('password_reset_requests').insert({
    id: r.id,
    user_id: r.userId,
    requested_by: r.requestedBy,
    reason: r.reason,
    status: r.status,
    approval_instance_id: r.approvalInstanceId,
    decided_by: r.decidedBy,
    comment: r.comment,
    requested_at: r.requestedAt,
    decided_at: r.decidedAt,
    expires_at: r.expiresAt,
    used_at: r.usedAt,
  });
}

export async function getPasswordResetRequest(db: Db, id: string): Promise<PasswordResetRequest | undefined> {
  const r = await db('password_reset_requests').where({ id }).first();
  return r ? fromRow(r) : undefined;
}

/** The request an approval instance of platform-password-reset decides. */
export async function passwordResetByApproval(db: Db, approvalInstanceId: string): Promise<PasswordResetRequest | undefined> {
  const r = await db('password_reset_requests').where({ approval_instance_id: approvalInstanceId }).first();
  return r ? fromRow(r) : undefined;
}

/** Requests, newest first, optionally of one status or one account. */
export async function listPasswordResetRequests(db: Db, f: { status?: string; userId?: string; limit?: number } = {}): Promise<PasswordResetRequest[]> {
  const q = db('password_reset_requests').orderBy('requested_at', 'desc').orderBy('id').limit(Math.min(f.limit ?? 100, 500));
  if (f.status) q.where({ status: f.status });
  if (f.userId) q.where({ user_id: f.userId });
  return (await q).map(fromRow);
}

/** Approved requests past their deadline become expired (their slot for a new request frees up). */
export async function expirePasswordResets(db: Db, now: number): Promise<number> {
  return Number(await db('password_reset_requests').where({ status: 'approved' }).where('expires_at', '<=', now).update({ status: 'expired' }));
}

/** Decides a pending request; false when it was not pending any more. */
export async function decidePasswordReset(
  trx: Knex.Transaction,
  id: string,
  d: { status: 'approved' | 'rejected'; decidedBy: string; comment: string | null; at: number; expiresAt: number | null },
): Promise<boolean> {
  const n = await trx('password_reset_requests')
    .where({ id, status: 'pending' })
    .update({ status: d.status, decided_by: d.decidedBy, comment: d.comment, decided_at: d.at, expires_at: d.expiresAt });
  return Number(n) === 1;
}

/**
 * Uses the approved, unexpired request of `userId` made by `requestedBy`: one statement, so two
 * simultaneous resets cannot both use it. The request used, or undefined when there was none.
 */
export async function usePasswordReset(trx: Knex.Transaction, userId: string, requestedBy: string, now: number): Promise<PasswordResetRequest | undefined> {
  const open = await trx('password_reset_requests').where({ user_id: userId, requested_by: requestedBy, status: 'approved' }).where('expires_at', '>', now).first();
  if (!open) return undefined;
  const n = await trx('password_reset_requests').where({ id: open.id, status: 'approved' }).update({ status: 'used', used_at: now });
  return Number(n) === 1 ? fromRow({ ...open, status: 'used', used_at: now }) : undefined;
}

/** Whether the account ever signed in (a session was opened for it). */
export async function everSignedIn(db: Db, userId: string): Promise<boolean> {
  return !!(await db('sessions').where({ user_id: userId }).first('id'));
}

/** Whether the account was created by an applied, approved change of users and roles. */
export async function createdByApprovedChange(db: Db, userId: string): Promise<boolean> {
  const r = await db('org_changes').where({ user_id: userId, action: 'create' }).whereNotNull('instance_id').whereNotNull('approved_by').first('id');
  return !!r;
}

/** Whether an error is the one-open-request-per-account index refusing a second request. */
export function isDuplicateOpen(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(e?.message ?? '');
}
