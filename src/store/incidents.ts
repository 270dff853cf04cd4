import type { Knex } from 'knex';
import type { Statement } from '../db/batch.ts';

export interface IncidentRow {
  id: string;
  instanceId: string | null;
  jobId: string | null;
  elementId: string | null;
  type: string;
  message: string;
  status: 'open' | 'resolved';
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
}

function toRow(r: any): IncidentRow {
  return {
    id: r.id,
    instanceId: r.instance_id,
    jobId: r.job_id,
    elementId: r.element_id,
    type: r.type,
    message: r.message,
    status: r.status,
    createdAt: Number(r.created_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    resolvedBy: r.resolved_by,
  };
}

export async function insertIncident(db: Knex, i: IncidentRow): Promise<void> {
  await db('incidents').insert({
    id: i.id,
    instance_id: i.instanceId,
    job_id: i.jobId,
    element_id: i.elementId,
    type: i.type,
    message: i.message,
    status: i.status,
    created_at: i.createdAt,
    resolved_at: i.resolvedAt,
    resolved_by: i.resolvedBy,
  });
}

export async function getIncident(db: Knex, id: string): Promise<IncidentRow | undefined> {
  const r = await db('incidents').where({ id }).first();
  return r && toRow(r);
}

export async function listIncidents(db: Knex, f: { status?: string; instanceId?: string; limit?: number; offset?: number } = {}): Promise<IncidentRow[]> {
  const q = db('incidents').orderBy('created_at', 'desc').limit(f.limit ?? 100).offset(f.offset ?? 0);
  if (f.status) q.where('status', f.status);
  if (f.instanceId) q.where('instance_id', f.instanceId);
  return (await q).map(toRow);
}

/** Marks an open incident resolved; false if it was not open. */
export async function resolveIncident(db: Knex, id: string, by: string, at: number): Promise<boolean> {
  return (await db('incidents').where({ id, status: 'open' }).update({ status: 'resolved', resolved_by: by, resolved_at: at })) === 1;
}

export function resolveIncidentsOfInstanceStmt(instanceId: string, by: string, at: number): Statement {
  return {
    sql: "UPDATE incidents SET status = 'resolved', resolved_by = ?, resolved_at = ? WHERE instance_id = ? AND status = 'open'",
    bindings: [by, at, instanceId],
  };
}
