import type { Knex } from 'knex';

/** An attachment's description (never its bytes). */
export interface AttachmentRow {
  id: string;
  name: string;
  size: number;
  sha256: string;
  contentType: string;
  storedPath: string | null;
  uploadedBy: string;
  uploadedAt: number;
  instanceId: string | null;
  taskId: string | null;
  linkedAt: number | null;
}

const META = ['id', 'name', 'size', 'sha256', 'content_type', 'stored_path', 'uploaded_by', 'uploaded_at', 'instance_id', 'task_id', 'linked_at'];

const toRow = (r: any): AttachmentRow => ({
  id: r.id,
  name: r.name,
  size: Number(r.size),
  sha256: r.sha256,
  contentType: r.content_type,
  storedPath: r.stored_path ?? null,
  uploadedBy: r.uploaded_by,
  uploadedAt: Number(r.uploaded_at),
  instanceId: r.instance_id ?? null,
  taskId: r.task_id ?? null,
  linkedAt: r.linked_at === null || r.linked_at === undefined ? null : Number(r.linked_at),
});

export async function insertAttachment(db: Knex, a: Omit<AttachmentRow, 'instanceId' | 'taskId' | 'linkedAt'>, content: Buffer | null): Promise<void> {
  await db('attachments').insert({
    id: a.id,
    name: a.name,
    size: a.size,
    sha256: a.sha256,
    content_type: a.contentType,
    content,
    stored_path: a.storedPath,
    uploaded_by: a.uploadedBy,
    uploaded_at: a.uploadedAt,
  });
}

export async function getAttachment(db: Knex, id: string): Promise<AttachmentRow | null> {
  const r = await db('attachments').where({ id }).first(META);
  return r ? toRow(r) : null;
}

export async function getAttachments(db: Knex, ids: string[]): Promise<AttachmentRow[]> {
  if (!ids.length) return [];
  return (await db('attachments').whereIn('id', ids).select(META)).map(toRow);
}

/** The bytes kept in the database (null when the file is in the attachments directory). */
export async function attachmentContent(db: Knex, id: string): Promise<Buffer | null> {
  const r = await db('attachments').where({ id }).first('content');
  return r?.content ? Buffer.from(r.content) : null;
}

/** The attachments of a case, oldest first. */
export async function attachmentsOf(db: Knex, instanceId: string): Promise<AttachmentRow[]> {
  return (await db('attachments').where({ instance_id: instanceId }).orderBy([{ column: 'linked_at' }, { column: 'uploaded_at' }, { column: 'id' }]).select(META)).map(toRow);
}

/** How many of this person's uploads are not yet part of any case. */
export async function countUnlinked(db: Knex, uploadedBy: string): Promise<number> {
  const r = await db('attachments').where({ uploaded_by: uploadedBy }).whereNull('instance_id').count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

export async function countOfInstance(db: Knex, instanceId: string): Promise<number> {
  const r = await db('attachments').where({ instance_id: instanceId }).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

/** Links unlinked uploads to a case (the step that referenced them). */
export async function linkAttachments(db: Knex, ids: string[], instanceId: string, taskId: string | null, now: number): Promise<void> {
  if (!ids.length) return;
  await db('attachments').whereIn('id', ids).whereNull('instance_id').update({ instance_id: instanceId, task_id: taskId, linked_at: now });
}
