import type { Knex } from 'knex';

/** Fault reports (故障报修, Art. 10). */

export interface FaultReport {
  id: string;
  instanceId: string;
  reporter: string;
  unitId: string | null;
  device: string;
  deviceDetail: string | null;
  description: string;
  occurredAt: number;
  reportedAt: number;
  sameDay: boolean;
  responsibility: string | null;
  status: 'reported' | 'closed';
  repairNote: string | null;
  repairedBy: string | null;
  affectedOperation: boolean | null;
  accountability: 'none' | 'opened' | null;
  closedAt: number | null;
}

const toFault = (r: any): FaultReport => ({
  id: r.id,
  instanceId: r.instance_id,
  reporter: r.reporter,
  unitId: r.unit_id,
  device: r.device,
  deviceDetail: r.device_detail,
  description: r.description,
  occurredAt: Number(r.occurred_at),
  reportedAt: Number(r.reported_at),
  sameDay: Boolean(r.same_day),
  responsibility: r.responsibility,
  status: r.status,
  repairNote: r.repair_note,
  repairedBy: r.repaired_by,
  affectedOperation: r.affected_operation === null ? null : Boolean(r.affected_operation),
  accountability: r.accountability,
  closedAt: r.closed_at === null ? null : Number(r.closed_at),
});

/** Inserts the report of an instance, or updates it when the reporter corrected the details. */
export async function saveFaultReport(trx: Knex | Knex.Transaction, f: FaultReport): Promise<void> {
  const row = {
    reporter: f.reporter,
    unit_id: f.unitId,
    device: f.device,
    device_detail: f.deviceDetail,
    description: f.description,
    occurred_at: f.occurredAt,
    reported_at: f.reportedAt,
    same_day: f.sameDay,
    responsibility: f.responsibility,
    status: f.status,
  };
  const n = await trx('fault_reports').where({ instance_id: f.instanceId }).update(row);
  if (n === 0) await trx('fault_reports').insert({ id: f.id, instance_id: f.instanceId, ...row });
}

export async function closeFaultReport(
  trx: Knex | Knex.Transaction,
  instanceId: string,
  patch: { repairNote: string; repairedBy: string | null; affectedOperation: boolean; accountability: 'none' | 'opened'; closedAt: number },
): Promise<void> {
  await trx('fault_reports').where({ instance_id: instanceId }).update({
    status: 'closed',
    repair_note: patch.repairNote,
    repaired_by: patch.repairedBy,
    affected_operation: patch.affectedOperation,
    accountability: patch.accountability,
    closed_at: patch.closedAt,
  });
}

export async function faultOfInstance(db: Knex | Knex.Transaction, instanceId: string): Promise<FaultReport | undefined> {
  const r = await db('fault_reports').where({ instance_id: instanceId }).first();
  return r && toFault(r);
}

export async function listFaults(db: Knex, f: { reporter?: string; sameDay?: boolean; status?: string } = {}): Promise<FaultReport[]> {
  const q = db('fault_reports').orderBy('reported_at', 'desc').orderBy('id');
  if (f.reporter) q.where('reporter', f.reporter);
  if (f.sameDay !== undefined) q.where('same_day', f.sameDay);
  if (f.status) q.where('status', f.status);
  return (await q).map(toFault);
}
