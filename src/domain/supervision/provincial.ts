import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors.ts';
import { beijingDate } from '../../lib/workdays.ts';
import { getUpload, insertUpload, listUploads, markUploaded, uploadsDoneIn, type UploadRow } from '../../store/exchange.ts';
import { insertNotifications } from '../../store/notifications.ts';
import { activeMembers } from '../../store/warnings.ts';
import { buildOperationsPackage, canonicalJson, OPERATIONS_SCHEMA, sha256Hex, type OperationsPackage } from './operations.ts';
import { monthOf, monthPeriod } from './periods.ts';
import { projectsPackage } from '../projects/package.ts';

/**
 * The provincial upload (Art. 5): the engineering office uploads platform data to the provincial
 * platform at least once a month. A monthly job (and a button for the engineering office) makes
 * the package of last month's power operations, stored with a manifest carrying the SHA-256 of its
 * canonical JSON; the engineering office records the upload with the provincial receipt; the
 * supervision office is warned when a calendar month passes without any recorded upload.
 */
export const CITY_SOURCE = { unitId: 'city', unitName: '常州市民防局' };

export interface UploadFile {
  manifest: { schema: string; month: string; sha256: string; operations: number; generatedAt: string };
  package: OperationsPackage;
}

/** Builds and stores the package of `month` (`2026-11`). */
export async function createUpload(db: Knex, month: string, opts: { by: string; trigger: 'job' | 'manual'; now: number }): Promise<UploadRow> {
  const period = monthPeriod(month);
  if (period.from > opts.now) throw new BadRequestError('不能为尚未开始的月份生成数据包', undefined, 'BAD_PERIOD');
  const pkg = await buildOperationsPackage(db, period, CITY_SOURCE, opts.now);
  pkg.projects = await projectsPackage(db, period);
  const sha = sha256Hex(canonicalJson(pkg));
  const file: UploadFile = { manifest: { schema: OPERATIONS_SCHEMA, month, sha256: sha, operations: pkg.operations.length, generatedAt: pkg.generatedAt }, package: pkg };
  const row: UploadRow = {
    id: randomUUID(),
    month,
    schema: OPERATIONS_SCHEMA,
    package: JSON.stringify(file, null, 1),
    sha256: sha,
    operations: pkg.operations.length,
    trigger: opts.trigger,
    createdBy: opts.by,
    createdAt: opts.now,
    uploadedAt: null,
    uploadedBy: null,
    receipt: null,
  };
  await insertUpload(db, row);
  return row;
}

/** Records that the engineering office uploaded a package (with the provincial platform's receipt). */
export async function recordUpload(db: Knex, id: string, by: string, receipt: string, now: number): Promise<UploadRow> {
  const row = await getUpload(db, id);
  if (!row) throw new NotFoundError(`数据包 ${id} 不存在`, 'UPLOAD_NOT_FOUND');
  if (!receipt || receipt.length > 200) throw new BadRequestError('请填写省平台回执编号（200 字以内）', undefined, 'RECEIPT_REQUIRED');
  if (!(await markUploaded(db, id, by, now, receipt))) throw new ConflictError('该数据包已登记上传', 'ALREADY_UPLOADED');
  return { ...row, uploadedAt: now, uploadedBy: by, receipt };
}

/** Whether a package still matches its manifest (nobody altered it). */
export function verifyUploadFile(text: string): { ok: boolean; sha256: string; expected: string | null } {
  try {
    const file = JSON.parse(text) as UploadFile;
    const sha = sha256Hex(canonicalJson(file.package));
    return { ok: sha === file.manifest?.sha256 && file.package?.operations?.length === file.manifest.operations, sha256: sha, expected: file.manifest?.sha256 ?? null };
  } catch {
    return { ok: false, sha256: '', expected: null };
  }
}

export async function uploadFile(db: Knex, id: string): Promise<UploadRow> {
  const row = await getUpload(db, id);
  if (!row) throw new NotFoundError(`数据包 ${id} 不存在`, 'UPLOAD_NOT_FOUND');
  return row;
}

export { listUploads };

/**
 * Run daily by the scheduler. From the 1st of a month: makes last month's package if there is none,
 * and, if no upload was recorded during last month, warns the supervision office once.
 * `since` (when the platform went live) keeps months before it out of the check.
 */
export async function monthlyUploadCheck(db: Knex, now: number, since: number): Promise<{ created: UploadRow | null; missedMonth: string | null }> {
  const last = monthOf(monthOf(now).from - 1);
  let created: UploadRow | null = null;
  if (!(await listUploads(db, last.key)).length) created = await createUpload(db, last.key, { by: 'system', trigger: 'job', now });
  if (last.from < since || (await uploadsDoneIn(db, last.from, last.to)).length) return { created, missedMonth: null };
  const supervision = await activeMembers(db, ['supervision']);
  await insertNotifications(
    db,
    supervision.map((userId) => ({
      id: randomUUID(),
      userId,
      kind: 'upload.missing',
      level: 'red' as const,
      title: `${last.key} 未向省平台上传数据`,
      body: `工程处应每月至少上传一次平台数据（第五条）；${beijingDate(last.from)} 至 ${beijingDate(last.to - 1)} 没有上传记录。`,
      taskId: null,
      instanceId: null,
      dedupeKey: `upload.missing:${last.key}:${userId}`,
      createdAt: now,
      readAt: null,
    })),
  );
  return { created, missedMonth: last.key };
}
