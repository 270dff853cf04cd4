import type { Knex } from 'knex';

/** 申请撤回: the applicant's request to withdraw a case someone has acted on. */
export interface WithdrawRequestRow {
  id: string;
  instanceId: string;
  reason: string;
  requestedBy: string;
  requestedAt: number;
  status: 'pending' | 'approved' | 'rejected' | 'void';
  decidedBy: string | null;
  decidedAt: number | null;
  comment: string | null;
}

const fromRow = (r: any): WithdrawRequestRow => ({
  id: r.id,
  instanceId: r.instance_id,
  reason: r.reason,
  requestedBy: r.requested_by,
  requestedAt: Number(r.requested_at),
  status: r.status,
  decidedBy: r.decided_by ?? null,
  decidedAt: r.decided_at === null || r.decided_at === undefined ? null : Number(r.decided_at),
  comment: r.comment ?? null,
});

export async function insertWithdrawRequest(db: Knex, row: WithdrawRequestRow): Promise<void> {
  await db('withdraw_requests').insert({
    id: row.id, instance_id: row.instanceId, reason: row.reason, requested_by: row.requestedBy, requested_at: row.requestedAt, status: row.status,
    decided_by: null, decided_at: null, comment: null,
  });
}

export async function getWithdrawRequest(db: Knex, id: string): Promise<WithdrawRequestRow | undefined> {
  const r = await db('withdraw_requests').where({ id }).first();
  return r && fromRow(r);
}

/** The case's pending request, if any. */
export async function pendingWithdrawRequest(db: Knex, instanceId: string): Promise<WithdrawRequestRow | undefined> {
  const r = await db('withdraw_requests').where({ instance_id: instanceId, status: 'pending' }).first();
  return r && fromRow(r);
}

/** The case's requests, newest first. */
export async function withdrawRequestsOf(db: Knex, instanceId: string): Promise<WithdrawRequestRow[]> {
  return (await db('withdraw_requests').where({ instance_id: instanceId }).orderBy('requested_at', 'desc')).map(fromRow);
}

/** Decides a pending request; false when it was no longer pending (someone decided first). */
export async function decideWithdrawRequest(db: Knex, id: string, d: { status: 'approved' | 'rejected'; by: string; at: number; comment: string | null }): Promise<boolean> {
  const n = await db('withdraw_requests').where({ id, status: 'pending' }).update({ status: d.status, decided_by: d.by, decided_at: d.at, comment: d.comment });
  return n === 1;
}
