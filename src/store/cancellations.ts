import type { Knex } from 'knex';

/** A request to cancel a process instance that needs a second person's approval. */
export interface CancellationRequest {
  id: string;
  instanceId: string;
  processKey: string;
  requestedBy: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  approvalInstanceId: string | null;
  decidedBy: string | null;
  comment: string | null;
  requestedAt: number;
  decidedAt: number | null;
}

function fromRow(r: any): CancellationRequest {
  return {
    id: r.id,
    instanceId: r.instance_id,
    processKey: r.process_key,
    requestedBy: r.requested_by,
    reason: r.reason,
    status: r.status,
    approvalInstanceId: r.approval_instance_id,
    decidedBy: r.decided_by,
    comment: r.comment,
    requestedAt: Number(r.requested_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  };
}

export async function insertCancellationRequest(db: Knex | Knex.Transaction, r: CancellationRequest): Promise<void> {
  await db('cancellation_requests').insert({
    id: r.id,
    instance_id: r.instanceId,
    process_key: r.processKey,
    requested_by: r.requestedBy,
    reason: r.reason,
    status: r.status,
    approval_instance_id: r.approvalInstanceId,
    decided_by: r.decidedBy,
    comment: r.comment,
    requested_at: r.requestedAt,
    decided_at: r.decidedAt,
  });
}

/** The pending request of an instance, if any. */
export async function pendingCancellationOf(db: Knex | Knex.Transaction, instanceId: string): Promise<CancellationRequest | undefined> {
  const r = await db('cancellation_requests').where({ instance_id: instanceId, status: 'pending' }).first();
  return r ? fromRow(r) : undefined;
}

/** The request an approval instance decides. */
export async function cancellationByApproval(db: Knex | Knex.Transaction, approvalInstanceId: string): Promise<CancellationRequest | undefined> {
  const r = await db('cancellation_requests').where({ approval_instance_id: approvalInstanceId }).first();
  return r ? fromRow(r) : undefined;
}

/** Decides a pending request; false when it was not pending any more. */
export async function decideCancellation(
  trx: Knex.Transaction,
  id: string,
  d: { status: 'approved' | 'rejected'; decidedBy: string; comment: string | null; at: number },
): Promise<boolean> {
  const n = await trx('cancellation_requests')
    .where({ id, status: 'pending' })
    .update({ status: d.status, decided_by: d.decidedBy, comment: d.comment, decided_at: d.at });
  return Number(n) === 1;
}

/** Whether an error is the one-pending-request-per-instance index refusing a second request. */
export function isDuplicatePending(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(e?.message ?? '');
}
