import type { Knex } from 'knex';

export interface OperationSource {
  instanceId: string;
  processKey: string;
  definitionId: string;
  businessKey: string | null;
  status: string;
  variables: Record<string, unknown>;
  startedBy: string;
  startedAt: number;
  endedAt: number | null;
}

/** The process keys catalog items run on: their instances are power-item cases. */
export async function boundProcessKeys(db: Knex): Promise<Set<string>> {
  return new Set((await db('power_items').distinct('process_key')).map((r: { process_key: string }) => r.process_key));
}

/** Instances started before `to` that were running at some point in [from, to). */
export async function instancesInPeriod(db: Knex, from: number, to: number): Promise<OperationSource[]> {
  const rows = await db('process_instances')
    .where('started_at', '<', to)
    .where((w) => w.whereNull('ended_at').orWhere('ended_at', '>=', from))
    .orderBy('started_at')
    .select('id', 'process_key', 'definition_id', 'business_key', 'status', 'variables', 'started_by', 'started_at', 'ended_at');
  return rows.map((r: any) => ({
    instanceId: r.id,
    processKey: r.process_key,
    definitionId: r.definition_id,
    businessKey: r.business_key,
    status: r.status,
    variables: JSON.parse(r.variables),
    startedBy: r.started_by,
    startedAt: Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
  }));
}

export interface StepSource {
  instanceId: string;
  elementId: string;
  name: string | null;
  assignee: string | null;
  completedBy: string | null;
  status: string;
  createdAt: number;
  completedAt: number | null;
  dueAt: number | null;
  yellowAt: number | null;
}

export async function stepsOf(db: Knex, instanceIds: string[]): Promise<StepSource[]> {
  const out: StepSource[] = [];
  for (let i = 0; i < instanceIds.length; i += 500) {
    const rows = await db('tasks')
      .whereIn('instance_id', instanceIds.slice(i, i + 500))
      .orderBy('created_at')
      .orderBy('id')
      .select('instance_id', 'element_id', 'name', 'assignee', 'completed_by', 'status', 'created_at', 'completed_at', 'due_at', 'yellow_at');
    for (const r of rows) {
      out.push({
        instanceId: r.instance_id,
        elementId: r.element_id,
        name: r.name,
        assignee: r.assignee,
        completedBy: r.completed_by,
        status: r.status,
        createdAt: Number(r.created_at),
        completedAt: r.completed_at === null ? null : Number(r.completed_at),
        dueAt: r.due_at === null ? null : Number(r.due_at),
        yellowAt: r.yellow_at === null ? null : Number(r.yellow_at),
      });
    }
  }
  return out;
}

export interface UploadRow {
  id: string;
  month: string;
  schema: string;
  package: string;
  sha256: string;
  operations: number;
  trigger: 'job' | 'manual';
  createdBy: string;
  createdAt: number;
  uploadedAt: number | null;
  uploadedBy: string | null;
  receipt: string | null;
}

export async function insertUpload(db: Knex, u: UploadRow): Promise<void> {
  await db('provincial_uploads').insert({
    id: u.id,
    month: u.month,
    schema: u.schema,
    package: u.package,
    sha256: u.sha256,
    operations: u.operations,
    trigger: u.trigger,
    created_by: u.createdBy,
    created_at: u.createdAt,
  });
}

const toUpload = (r: any, withPackage: boolean): UploadRow => ({
  id: r.id,
  month: r.month,
  schema: r.schema,
  package: withPackage ? r.package : '',
  sha256: r.sha256,
  operations: r.operations,
  trigger: r.trigger,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  uploadedAt: r.uploaded_at === null ? null : Number(r.uploaded_at),
  uploadedBy: r.uploaded_by,
  receipt: r.receipt,
});

const UPLOAD_LIST_COLUMNS = ['id', 'month', 'schema', 'sha256', 'operations', 'trigger', 'created_by', 'created_at', 'uploaded_at', 'uploaded_by', 'receipt'];

export async function listUploads(db: Knex, month?: string): Promise<UploadRow[]> {
  const q = db('provincial_uploads').select(UPLOAD_LIST_COLUMNS).orderBy('created_at', 'desc');
  if (month) q.where({ month });
  return (await q).map((r: any) => toUpload(r, false));
}

/** Uploads recorded as done in [from, to). */
export async function uploadsDoneIn(db: Knex, from: number, to: number): Promise<UploadRow[]> {
  const rows = await db('provincial_uploads').select(UPLOAD_LIST_COLUMNS).where('uploaded_at', '>=', from).where('uploaded_at', '<', to).orderBy('uploaded_at');
  return rows.map((r: any) => toUpload(r, false));
}

/** Records that a package was uploaded; false if it was recorded already. */
export async function markUploaded(db: Knex, id: string, by: string, at: number, receipt: string): Promise<boolean> {
  return (await db('provincial_uploads').where({ id }).whereNull('uploaded_at').update({ uploaded_at: at, uploaded_by: by, receipt })) === 1;
}

export async function getUpload(db: Knex, id: string): Promise<UploadRow | undefined> {
  const r = await db('provincial_uploads').where({ id }).first();
  return r && toUpload(r, true);
}

export interface DistrictKeyRow {
  keyId: string;
  districtId: string;
  publicKey: string;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}

export async function insertDistrictKey(db: Knex, k: DistrictKeyRow): Promise<void> {
  await db('district_keys').insert({ key_id: k.keyId, district_id: k.districtId, public_key: k.publicKey, created_at: k.createdAt, created_by: k.createdBy, revoked_at: k.revokedAt });
}

export async function getDistrictKey(db: Knex, keyId: string): Promise<DistrictKeyRow | undefined> {
  const r = await db('district_keys').where({ key_id: keyId }).first();
  return r && { keyId: r.key_id, districtId: r.district_id, publicKey: r.public_key, createdAt: Number(r.created_at), createdBy: r.created_by, revokedAt: r.revoked_at === null ? null : Number(r.revoked_at) };
}

export async function listDistrictKeys(db: Knex): Promise<DistrictKeyRow[]> {
  const rows = await db('district_keys').orderBy('district_id');
  return rows.map((r: any) => ({ keyId: r.key_id, districtId: r.district_id, publicKey: r.public_key, createdAt: Number(r.created_at), createdBy: r.created_by, revokedAt: r.revoked_at === null ? null : Number(r.revoked_at) }));
}

export interface ImportRow {
  id: string;
  districtId: string;
  fileSha256: string;
  keyId: string;
  periodFrom: string;
  periodTo: string;
  operations: number;
  inserted: number;
  updated: number;
  importedBy: string;
  importedAt: number;
  /** The package's generatedAt (null for imports made before it was kept). */
  exportedAt: number | null;
}

const toImport = (r: any): ImportRow => ({
  id: r.id,
  districtId: r.district_id,
  fileSha256: r.file_sha256,
  keyId: r.key_id,
  periodFrom: r.period_from,
  periodTo: r.period_to,
  operations: r.operations,
  inserted: r.inserted,
  updated: r.updated,
  importedBy: r.imported_by,
  importedAt: Number(r.imported_at),
  exportedAt: r.exported_at === null || r.exported_at === undefined ? null : Number(r.exported_at),
});

export async function importByFileHash(db: Knex, sha: string): Promise<ImportRow | undefined> {
  const r = await db('district_imports').where({ file_sha256: sha }).first();
  return r && toImport(r);
}

export async function insertImport(db: Knex, i: ImportRow): Promise<void> {
  await db('district_imports').insert({
    id: i.id,
    district_id: i.districtId,
    file_sha256: i.fileSha256,
    key_id: i.keyId,
    period_from: i.periodFrom,
    period_to: i.periodTo,
    operations: i.operations,
    inserted: i.inserted,
    updated: i.updated,
    imported_by: i.importedBy,
    imported_at: i.importedAt,
    exported_at: i.exportedAt,
  });
}

/** The newest export time imported so far for a district (null if none is known). */
export async function latestExportedAt(db: Knex, districtId: string): Promise<number | null> {
  const r = (await db('district_imports').where({ district_id: districtId }).max({ m: 'exported_at' }).first()) as { m: number | string | null } | undefined;
  return r?.m === null || r?.m === undefined ? null : Number(r.m);
}

export async function listImports(db: Knex): Promise<ImportRow[]> {
  return (await db('district_imports').orderBy('imported_at', 'desc')).map(toImport);
}

/** The content hashes of a district's stored operations. */
export async function operationHashes(db: Knex, districtId: string, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db('district_operations').where({ district_id: districtId }).whereIn('operation_id', ids.slice(i, i + 500)).select('operation_id', 'content_sha256');
    for (const r of rows) out.set(r.operation_id, r.content_sha256);
  }
  return out;
}

export interface DistrictOperationRow {
  districtId: string;
  operationId: string;
  itemCode: string | null;
  status: string | null;
  startedAt: number | null;
  endedAt: number | null;
  contentSha256: string;
  data: unknown;
  importId: string;
  updatedAt: number;
}

export async function upsertDistrictOperation(db: Knex, o: DistrictOperationRow): Promise<void> {
  await db('district_operations')
    .insert({
      district_id: o.districtId,
      operation_id: o.operationId,
      item_code: o.itemCode,
      status: o.status,
      started_at: o.startedAt,
      ended_at: o.endedAt,
      content_sha256: o.contentSha256,
      data: JSON.stringify(o.data),
      import_id: o.importId,
      updated_at: o.updatedAt,
    })
    .onConflict(['district_id', 'operation_id'])
    .merge();
}

export async function districtOperations(db: Knex, districtId?: string): Promise<DistrictOperationRow[]> {
  const q = db('district_operations').orderBy('district_id').orderBy('started_at');
  if (districtId) q.where({ district_id: districtId });
  return (await q).map((r: any) => ({
    districtId: r.district_id,
    operationId: r.operation_id,
    itemCode: r.item_code,
    status: r.status,
    startedAt: r.started_at === null ? null : Number(r.started_at),
    endedAt: r.ended_at === null ? null : Number(r.ended_at),
    contentSha256: r.content_sha256,
    data: JSON.parse(r.data),
    importId: r.import_id,
    updatedAt: Number(r.updated_at),
  }));
}

