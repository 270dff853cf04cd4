import fs from 'node:fs/promises';
import Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import type { Knex } from 'knex';
import { caseAttachments, linkReferenced, readAttachment, saveUpload, type AttachmentLimits } from '../domain/attachments.ts';
import type { Person } from '../domain/org.ts';
import { AppError, BadRequestError } from '../errors.ts';
import type { AttachmentRow } from '../store/attachments.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import { iso } from './present.ts';

interface UploadedFile {
  filepath: string;
  originalFilename?: string | null;
  size: number;
}

export const attachmentJson = (a: AttachmentRow) => ({
  id: a.id,
  name: a.name,
  size: a.size,
  sha256: a.sha256,
  contentType: a.contentType,
  uploadedBy: a.uploadedBy,
  uploadedAt: iso(a.uploadedAt),
  instanceId: a.instanceId,
  taskId: a.taskId,
});

const limitsOf = (deps: ApiDeps): AttachmentLimits => ({
  fileBytes: deps.limits.attachmentBytes,
  unlinkedPerUser: deps.limits.attachmentsUnlinked,
  perCase: deps.limits.attachmentsPerCase,
});

/**
 * Wraps a start's or completion's transaction hook so that the attachments its variables reference
 * are linked to the case in the same transaction (or the step is refused).
 * Usage: `hook: withAttachments(deps, person, variables, (s) => ({ instanceId: s.instance.id, taskId: null }), auditHook(…))`.
 */
export function withAttachments<R>(
  deps: ApiDeps,
  person: Person,
  variables: Record<string, unknown>,
  where: (result: R) => { instanceId: string; taskId: string | null },
  inner: (trx: Knex.Transaction, result: R) => Promise<void>,
): (trx: Knex.Transaction, result: R) => Promise<void> {
  return async (trx, result) => {
    await linkReferenced(trx, variables, where(result), { by: person, now: deps.engine.clock.now(), limits: limitsOf(deps) });
    await inner(trx, result);
  };
}

/**
 * Attachments (附件): POST /attachments (multipart, one file per request) → `{id, name, size,
 * sha256, contentType}`, GET /attachments/:id (the bytes), GET /process-instances/:id/attachments.
 */
export function attachmentRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const L = deps.limits;
  const { db, engine } = deps;
  const parse = koaBody({
    multipart: true,
    json: false,
    urlencoded: false,
    text: false,
    formidable: { maxFileSize: L.attachmentBytes, maxTotalFileSize: L.attachmentBytes, maxFiles: 1, maxFields: 5, maxFieldsSize: 4096, allowEmptyFiles: true, minFileSize: 0 },
  });

  /** The one uploaded file of the request, its temporary file removed whatever happens next. */
  const receive = async (ctx: Context): Promise<{ name: string; bytes: Buffer }> => {
    if (!ctx.is('multipart/form-data')) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '上传附件须为 multipart/form-data');
    if (Number(ctx.get('content-length') || 0) > L.attachmentBytes + 64 * 1024) throw new AppError(413, 'PAYLOAD_TOO_LARGE', `附件过大（上限 ${L.attachmentBytes / 1024 / 1024} MB）`);
    try {
      await parse(ctx, async () => undefined);
    } catch (err) {
      const e = err as { httpCode?: number };
      if (e.httpCode === 413) throw new AppError(413, 'PAYLOAD_TOO_LARGE', `附件过大或一次上传多个（上限 ${L.attachmentBytes / 1024 / 1024} MB，每次一个文件）`);
      if (e.httpCode && e.httpCode < 500) throw new BadRequestError('上传内容格式错误');
      throw err;
    }
    const files = Object.values((ctx.request as any).files ?? {}).flat() as UploadedFile[];
    try {
      if (files.length !== 1) throw new BadRequestError('请求参数有误', [{ field: 'file', message: files.length ? '每次只能上传一个文件' : '没有上传文件' }]);
      return { name: files[0].originalFilename ?? '', bytes: await fs.readFile(files[0].filepath) };
    } finally {
      await Promise.all(files.map((f) => fs.rm(f.filepath, { force: true })));
    }
  };

  r.post('/attachments', async (ctx) => {
    const person = me(ctx);
    const upload = await receive(ctx);
    const saved = await saveUpload(db, upload, {
      by: person,
      now: engine.clock.now(),
      limits: limitsOf(deps),
      dir: deps.attachmentsDir ?? null,
      audit: auditHook(ctx, deps, (a: AttachmentRow) => ({
        action: 'attachment.upload',
        objectType: 'attachment',
        objectId: a.id,
        after: { name: a.name, size: a.size, sha256: a.sha256, contentType: a.contentType },
      })),
    });
    ctx.status = 201;
    ctx.body = attachmentJson(saved);
  });

  r.get('/attachments/:id', async (ctx) => {
    const person = me(ctx);
    const { attachment: a, bytes } = await readAttachment(db, ctx.params.id, person);
    ctx.set('Content-Type', a.contentType);
    ctx.set('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.name)}`);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('ETag', `"${a.sha256}"`);
    ctx.set('X-Content-SHA256', a.sha256);
    ctx.body = bytes;
  });

  r.get('/process-instances/:id/attachments', async (ctx) => {
    ctx.body = { items: (await caseAttachments(db, ctx.params.id, me(ctx))).map(attachmentJson) };
  });

  return r;
}
