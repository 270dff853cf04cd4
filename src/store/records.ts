import type { Knex } from 'knex';
import type { Approval } from './catalog.ts';
import { fromJson, toJson } from './json.ts';

/**
 * Business records staff enter (power-operation records, self-built projects) and the archive of
 * deleted ones. `archiveRecord` is the only statement in the code base that removes a business
 * record, and it keeps the whole row in record_archive first (Art. 7).
 */

export interface PowerRecord {
  id: string;
  itemCode: string;
  unitId: string;
  caseNo: string | null;
  partyName: string;
  summary: string;
  result: string | null;
  handledOn: string;
  instanceId: string | null;
  enteredBy: string;
  enteredAt: number;
}

export interface Project {
  id: string;
  name: string;
  unitId: string;
  /** One-time investment in CNY (yuan, two decimals). */
  investment: number;
  location: string | null;
  plannedStart: string | null;
  stage: 'planned' | 'building' | 'completed';
  onlineRequired: boolean;
  instanceId: string | null;
  note: string | null;
  enteredBy: string;
  enteredAt: number;
}

export type RecordKind = 'power-record' | 'project';

export interface ArchiveEntry {
  id: string;
  recordKind: RecordKind;
  recordId: string;
  snapshot: Record<string, unknown>;
  instanceId: string;
  content: string;
  reason: string;
  requestedBy: string;
  approvals: Approval[];
  deletedBy: string;
  deletedAt: number;
  status: 'archived' | 'restored';
  restoredBy: string | null;
  restoredAt: number | null;
  restoreReason: string | null;
}

const TABLE: Record<RecordKind, string> = { 'power-record': 'power_records', project: 'self_built_projects' };

const toRecord = (r: any): PowerRecord => ({
  id: r.id,
  itemCode: r.item_code,
  unitId: r.unit_id,
  caseNo: r.case_no,
  partyName: r.party_name,
  summary: r.summary,
  result: r.result,
  handledOn: r.handled_on,
  instanceId: r.instance_id,
  enteredBy: r.entered_by,
  enteredAt: Number(r.entered_at),
});

const toProject = (r: any): Project => ({
  id: r.id,
  name: r.name,
  unitId: r.unit_id,
  investment: Number(r.investment_fen) / 100,
  location: r.location,
  plannedStart: r.planned_start,
  stage: r.stage,
  onlineRequired: Boolean(r.online_required),
  instanceId: r.instance_id,
  note: r.note,
  enteredBy: r.entered_by,
  enteredAt: Number(r.entered_at),
});

const toArchive = (r: any): ArchiveEntry => ({
  id: r.id,
  recordKind: r.record_kind,
  recordId: r.record_id,
  snapshot: fromJson(r.snapshot, {}),
  instanceId: r.instance_id,
  content: r.content,
  reason: r.reason,
  requestedBy: r.requested_by,
  approvals: fromJson(r.approvals, []),
  deletedBy: r.deleted_by,
  deletedAt: Number(r.deleted_at),
  status: r.status,
  restoredBy: r.restored_by,
  restoredAt: r.restored_at === null ? null : Number(r.restored_at),
  restoreReason: r.restore_reason,
});

const recordRow = (x: PowerRecord) => ({
  id: x.id,
  item_code: x.itemCode,
  unit_id: x.unitId,
  case_no: x.caseNo,
  party_name: x.partyName,
  summary: x.summary,
  result: x.result,
  handled_on: x.handledOn,
  instance_id: x.instanceId,
  entered_by: x.enteredBy,
  entered_at: x.enteredAt,
});

const projectRow = (x: Project) => ({
  id: x.id,
  name: x.name,
  unit_id: x.unitId,
  investment_fen: Math.round(x.investment * 100),
  location: x.location,
  planned_start: x.plannedStart,
  stage: x.stage,
  online_required: x.onlineRequired,
  instance_id: x.instanceId,
  note: x.note,
  entered_by: x.enteredBy,
  entered_at: x.enteredAt,
});

export async function insertPowerRecord(db: Knex | Knex.Transaction, x: PowerRecord): Promise<void> {
  await db('power_records').insert(recordRow(x));
}

export async function insertProject(db: Knex | Knex.Transaction, x: Project): Promise<void> {
  await db('self_built_projects').insert(projectRow(x));
}

export async function getPowerRecord(db: Knex | Knex.Transaction, id: string): Promise<PowerRecord | undefined> {
  const r = await db('power_records').where({ id }).first();
  return r && toRecord(r);
}

export async function getProject(db: Knex | Knex.Transaction, id: string): Promise<Project | undefined> {
  const r = await db('self_built_projects').where({ id }).first();
  return r && toProject(r);
}

export async function listPowerRecords(
  db: Knex,
  f: { unitId?: string; itemCode?: string; enteredBy?: string; limit?: number; offset?: number } = {},
): Promise<PowerRecord[]> {
  const q = db('power_records').orderBy('handled_on', 'desc').orderBy('id');
  if (f.unitId) q.where('unit_id', f.unitId);
  if (f.itemCode) q.where('item_code', f.itemCode);
  if (f.enteredBy) q.where('entered_by', f.enteredBy);
  return (await q.limit(f.limit ?? 100).offset(f.offset ?? 0)).map(toRecord);
}

export async function listProjects(
  db: Knex,
  f: { unitId?: string; onlineRequired?: boolean; notOnline?: boolean; enteredBy?: string; limit?: number; offset?: number } = {},
): Promise<Project[]> {
  const q = db('self_built_projects').orderBy('id');
  if (f.unitId) q.where('unit_id', f.unitId);
  if (f.onlineRequired !== undefined) q.where('online_required', f.onlineRequired);
  if (f.notOnline) q.whereNull('instance_id');
  if (f.enteredBy) q.where('entered_by', f.enteredBy);
  return (await q.limit(f.limit ?? 100).offset(f.offset ?? 0)).map(toProject);
}

/** Highest numeric suffix of ids starting with `prefix` in a record table, for the next id. */
export async function lastIdWithPrefix(db: Knex | Knex.Transaction, kind: RecordKind, prefix: string): Promise<number> {
  const live = await db(TABLE[kind]).select('id').where('id', 'like', `${prefix}%`);
  const archived = await db('record_archive').select('record_id as id').where({ record_kind: kind }).where('record_id', 'like', `${prefix}%`);
  return Math.max(0, ...[...live, ...archived].map((r: any) => Number(String(r.id).slice(prefix.length)) || 0));
}

/** The live row of a record as stored (for the archive snapshot), or undefined. */
export async function recordRowOf(db: Knex | Knex.Transaction, kind: RecordKind, id: string): Promise<Record<string, unknown> | undefined> {
  const r = await db(TABLE[kind]).where({ id }).first();
  if (!r) return undefined;
  const row: Record<string, unknown> = { ...r };
  // Normalise driver differences so a restore writes back exactly what was there.
  if ('online_required' in row) row.online_required = Boolean(row.online_required);
  for (const k of ['entered_at', 'investment_fen']) if (k in row && row[k] !== null) row[k] = Number(row[k]);
  return row;
}

/**
 * Moves one record into the archive: copies the row, then removes it from its table. Returns false
 * if the record is not there (already deleted, or never existed).
 */
export async function archiveRecord(trx: Knex.Transaction, entry: Omit<ArchiveEntry, 'snapshot' | 'status' | 'restoredBy' | 'restoredAt' | 'restoreReason'>): Promise<boolean> {
  const snapshot = await recordRowOf(trx, entry.recordKind, entry.recordId);
  if (!snapshot) return false;
  await trx('record_archive').insert({
    id: entry.id,
    record_kind: entry.recordKind,
    record_id: entry.recordId,
    snapshot: toJson(snapshot),
    instance_id: entry.instanceId,
    content: entry.content,
    reason: entry.reason,
    requested_by: entry.requestedBy,
    approvals: toJson(entry.approvals),
    deleted_by: entry.deletedBy,
    deleted_at: entry.deletedAt,
    status: 'archived',
  });
  const n = await trx(TABLE[entry.recordKind]).where({ id: entry.recordId }).delete();
  return n === 1;
}

/** Puts an archived record back into its table and marks the archive entry restored. */
export async function restoreArchived(trx: Knex.Transaction, id: string, by: string, reason: string, at: number): Promise<ArchiveEntry | undefined> {
  const r = await trx('record_archive').where({ id, status: 'archived' }).first();
  if (!r) return undefined;
  const entry = toArchive(r);
  await trx(TABLE[entry.recordKind]).insert(entry.snapshot);
  await trx('record_archive').where({ id, status: 'archived' }).update({ status: 'restored', restored_by: by, restored_at: at, restore_reason: reason });
  return { ...entry, status: 'restored', restoredBy: by, restoredAt: at, restoreReason: reason };
}

export async function getArchiveEntry(db: Knex | Knex.Transaction, id: string): Promise<ArchiveEntry | undefined> {
  const r = await db('record_archive').where({ id }).first();
  return r && toArchive(r);
}

export async function listArchive(db: Knex, f: { status?: 'archived' | 'restored'; recordKind?: RecordKind; instanceId?: string; limit?: number; offset?: number } = {}): Promise<ArchiveEntry[]> {
  const q = db('record_archive').orderBy('deleted_at', 'desc').orderBy('id');
  if (f.status) q.where('status', f.status);
  if (f.recordKind) q.where('record_kind', f.recordKind);
  if (f.instanceId) q.where('instance_id', f.instanceId);
  return (await q.limit(f.limit ?? 100).offset(f.offset ?? 0)).map(toArchive);
}

export async function countRecords(db: Knex): Promise<number> {
  const a = await db('power_records').count({ n: '*' }).first();
  const b = await db('self_built_projects').count({ n: '*' }).first();
  return Number(a?.n ?? 0) + Number(b?.n ?? 0);
}
