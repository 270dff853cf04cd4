import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../errors.ts';
import { ACCEPTED_TYPES_TEXT, sniffFileType } from '../lib/file-type.ts';
import {
  attachmentContent,
  attachmentsOf,
  countOfInstance,
  getAttachment,
  countUnlinked,
  getAttachments,
  insertAttachment,
  linkAttachments,
  type AttachmentRow,
} from '../store/attachments.ts';
import { getInstance } from '../store/instances.ts';
import { mayViewInstance } from './access.ts';
import type { Person } from './org.ts';

/**
 * Attachments of a case (issue 13, item 8). An upload is checked by its bytes (PDF, OFD, DOCX,
 * XLSX, JPEG, PNG; anything else 415), hashed, and kept in the database — or, with
 * ATTACHMENTS_DIR, as a file named by its id there. Until a start or a task completion references
 * it (a variable holding `{id, name, size, sha256}` as the upload answered, or a list of them), only
 * its uploader reads it; then it belongs to that case and is read exactly as the case is. Nothing
 * here deletes one.
 */

export interface AttachmentLimits {
  /** Largest file. */
  fileBytes: number;
  /** Uploads of one person not yet part of a case. */
  unlinkedPerUser: number;
  /** Attachments of one case. */
  perCase: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { fileBytes: 10 * 1024 * 1024, unlinkedPerUser: 30, perCase: 100 };

/** A file name safe to store and to send back: its last path part, no control characters, ≤ 200. */
export function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return base.slice(0, 200) || '附件';
}

/**
 * Stores one upload and returns its description; `audit` runs in the same transaction.
 * Refusals store nothing: 400 empty, 413 too large, 415 type, 409 `ATTACHMENT_LIMIT`.
 */
export async function saveUpload(
  db: Knex,
  upload: { name: string; bytes: Buffer },
  opts: { by: Person; now: number; limits: AttachmentLimits; dir?: string | null; audit: (trx: Knex.Transaction, a: AttachmentRow) => Promise<void> },
): Promise<AttachmentRow> {
  if (!upload.bytes.length) throw new BadRequestError('请求参数有误', [{ field: 'file', message: '文件为空' }]);
  if (upload.bytes.length > opts.limits.fileBytes) throw new AppError(413, 'PAYLOAD_TOO_LARGE', `附件过大（上限 ${opts.limits.fileBytes / 1024 / 1024} MB）`);
  const type = sniffFileType(upload.bytes);
  if (!type) throw new AppError(415, 'UNSUPPORTED_FILE_TYPE', `不支持的附件类型：只接受 ${ACCEPTED_TYPES_TEXT} 文件（按文件内容判断，与扩展名无关）`);
  const row: AttachmentRow = {
    id: randomUUID(),
    name: cleanName(upload.name),
    size: upload.bytes.length,
    sha256: createHash('sha256').update(upload.bytes).digest('hex'),
    contentType: type.mime,
    storedPath: opts.dir ? path.join(opts.dir, `${Date.now().toString(36)}-${randomUUID()}.${type.ext}`) : null,
    uploadedBy: opts.by.id,
    uploadedAt: opts.now,
    instanceId: null,
    taskId: null,
    linkedAt: null,
  };
  if (row.storedPath) {
    await fs.mkdir(path.dirname(row.storedPath), { recursive: true });
    await fs.writeFile(row.storedPath, upload.bytes, { flag: 'wx' });
  }
  try {
    await db.transaction(async (trx) => {
      if ((await countUnlinked(trx, opts.by.id)) >= opts.limits.unlinkedPerUser) {
        throw new ConflictError(`尚未提交的附件已达 ${opts.limits.unlinkedPerUser} 个：请先提交申请或办理任务`, 'ATTACHMENT_LIMIT');
      }
      await insertAttachment(trx, row, row.storedPath ? null : upload.bytes);
      await opts.audit(trx, row);
    });
  } catch (err) {
    // The row is not there: neither is the file (nothing kept from a refused upload).
    if (row.storedPath) await fs.rm(row.storedPath, { force: true });
    throw err;
  }
  return row;
}

/** Whether the person may read it: the uploader before it is part of a case, afterwards whoever may read the case. */
export async function mayReadAttachment(db: Knex, a: AttachmentRow, p: Person): Promise<boolean> {
  if (!a.instanceId) return a.uploadedBy === p.id;
  const instance = await getInstance(db, a.instanceId);
  return Boolean(instance && (await mayViewInstance(db, instance, p)));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA = /^[0-9a-f]{64}$/;

/** The attachment references among submitted variables: `{id, sha256, …}` values or lists of them, by variable. */
export function attachmentRefs(variables: Record<string, unknown>): Array<{ field: string; id: string; sha256: string }> {
  const out: Array<{ field: string; id: string; sha256: string }> = [];
  const isRef = (v: any) => v && typeof v === 'object' && typeof v.id === 'string' && UUID.test(v.id) && typeof v.sha256 === 'string' && SHA.test(v.sha256);
  for (const [field, value] of Object.entries(variables ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (isRef(v)) out.push({ field, id: v.id, sha256: v.sha256 });
  }
  return out;
}

/**
 * Links the attachments a start or completion references to its case, inside its transaction:
 * each must exist with that hash and be the actor's own upload not yet in another case (or already
 * this case's). Otherwise the whole step is refused (422 per variable, 403 for someone else's).
 */
export async function linkReferenced(
  trx: Knex,
  variables: Record<string, unknown>,
  where: { instanceId: string; taskId: string | null },
  opts: { by: Person; now: number; limits: AttachmentLimits },
): Promise<void> {
  const refs = attachmentRefs(variables);
  if (!refs.length) return;
  const rows = new Map((await getAttachments(trx, [...new Set(refs.map((r) => r.id))])).map((a) => [a.id, a]));
  const errors: FieldError[] = [];
  for (const ref of refs) {
    const a = rows.get(ref.id);
    if (!a || a.sha256 !== ref.sha256) errors.push({ field: ref.field, message: '附件不存在或内容不符，请重新上传' });
    else if (a.instanceId !== where.instanceId && (a.instanceId !== null || a.uploadedBy !== opts.by.id)) {
      throw new ForbiddenError('不能引用他人上传或其他案件的附件', 'ATTACHMENT_FORBIDDEN', { field: ref.field });
    }
  }
  if (errors.length) throw new ValidationError(errors, '附件有误');
  const fresh = [...rows.values()].filter((a) => a.instanceId === null).map((a) => a.id);
  if ((await countOfInstance(trx, where.instanceId)) + fresh.length > opts.limits.perCase) {
    throw new ValidationError([{ field: refs[0].field, message: `每个案件最多 ${opts.limits.perCase} 个附件` }], '附件过多');
  }
  await linkAttachments(trx, fresh, where.instanceId, where.taskId, opts.now);
}

/**
 * An attachment and its bytes for this person: 404 `ATTACHMENT_NOT_FOUND`, 403 `ATTACHMENT_FORBIDDEN`.
 * Usage: `const { attachment, bytes } = await readAttachment(db, id, person)`.
 */
export async function readAttachment(db: Knex, id: string, p: Person): Promise<{ attachment: AttachmentRow; bytes: Buffer }> {
  const a = await getAttachment(db, id);
  if (!a) throw new NotFoundError('附件不存在', 'ATTACHMENT_NOT_FOUND');
  if (!(await mayReadAttachment(db, a, p))) throw new ForbiddenError('您无权查看该附件', 'ATTACHMENT_FORBIDDEN');
  const bytes = a.storedPath ? await fs.readFile(a.storedPath) : await attachmentContent(db, a.id);
  if (!bytes) throw new NotFoundError('附件内容缺失', 'ATTACHMENT_NOT_FOUND');
  return { attachment: a, bytes };
}

/** A case's attachments for whoever may read the case: 404 `INSTANCE_NOT_FOUND`, 403 `INSTANCE_FORBIDDEN`. */
export async function caseAttachments(db: Knex, instanceId: string, p: Person): Promise<AttachmentRow[]> {
  const instance = await getInstance(db, instanceId);
  if (!instance) throw new NotFoundError('流程实例不存在', 'INSTANCE_NOT_FOUND');
  if (!(await mayViewInstance(db, instance, p))) throw new ForbiddenError('您无权查看该流程实例', 'INSTANCE_FORBIDDEN');
  return attachmentsOf(db, instance.id);
}
