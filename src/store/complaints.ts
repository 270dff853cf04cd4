import type { Knex } from 'knex';

/** 投诉举报 (issue 18, item 6): the complaints table. */

export type ComplaintStatus = 'handling' | 'concluded';
export type ComplaintFinding = 'unfounded' | 'founded' | 'accountability';

export interface Complaint {
  id: string;
  receipt: string;
  subject: string;
  content: string;
  unitId: string | null;
  contact: string | null;
  source: 'public' | 'internal';
  reporter: string | null;
  clientKey: string | null;
  status: ComplaintStatus;
  finding: ComplaintFinding | null;
  outcome: string | null;
  instanceId: string | null;
  concludedBy: string | null;
  createdAt: number;
  concludedAt: number | null;
}

const toComplaint = (r: any): Complaint => ({
  id: r.id,
  receipt: r.receipt,
  subject: r.subject,
  content: r.content,
  unitId: r.unit_id,
  contact: r.contact,
  source: r.source,
  reporter: r.reporter,
  clientKey: r.client_key,
  status: r.status,
  finding: r.finding,
  outcome: r.outcome,
  instanceId: r.instance_id,
  concludedBy: r.concluded_by,
  createdAt: Number(r.created_at),
  concludedAt: r.concluded_at === null || r.concluded_at === undefined ? null : Number(r.concluded_at),
});

/** Usage: `await insertComplaint(trx, complaint)`. */
export async function insertComplaint(db: Knex | Knex.Transaction, c: Complaint): Promise<void> {
  await db('complaints').insert({
    id: c.id,
    receipt: c.receipt,
    subject: c.subject,
    content: c.content,
    unit_id: c.unitId,
    contact: c.contact,
    source: c.source,
    reporter: c.reporter,
    client_key: c.clientKey,
    status: c.status,
    finding: c.finding,
    outcome: c.outcome,
    instance_id: c.instanceId,
    concluded_by: c.concludedBy,
    created_at: c.createdAt,
    concluded_at: c.concludedAt,
  });
}

export async function complaintByReceipt(db: Knex | Knex.Transaction, receipt: string): Promise<Complaint | undefined> {
  const r = await db('complaints').where({ receipt }).first();
  return r ? toComplaint(r) : undefined;
}

export async function complaintOfInstance(db: Knex | Knex.Transaction, instanceId: string): Promise<Complaint | undefined> {
  const r = await db('complaints').where({ instance_id: instanceId }).first();
  return r ? toComplaint(r) : undefined;
}

/** Complaints since a time, from one client address (or all when clientKey is null). */
export async function countComplaintsSince(db: Knex, since: number, clientKey: string | null): Promise<number> {
  const q = db('complaints').where('created_at', '>=', since).andWhere({ source: 'public' });
  if (clientKey) q.andWhere({ client_key: clientKey });
  const row = await q.count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function listComplaints(db: Knex, f: { status?: ComplaintStatus } = {}): Promise<Complaint[]> {
  const q = db('complaints').orderBy('created_at', 'desc').limit(500);
  if (f.status) q.where({ status: f.status });
  return (await q).map(toComplaint);
}

export async function concludeComplaint(
  trx: Knex.Transaction,
  instanceId: string,
  v: { finding: ComplaintFinding; outcome: string; concludedBy: string | null; concludedAt: number },
): Promise<void> {
  await trx('complaints')
    .where({ instance_id: instanceId })
    .update({ status: 'concluded', finding: v.finding, outcome: v.outcome, concluded_by: v.concludedBy, concluded_at: v.concludedAt });
}
