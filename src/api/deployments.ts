import fs from 'node:fs/promises';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import type { DeployFile } from '../engine/types.ts';
import { AppError, BadRequestError, DeploymentError, PayloadTooLargeError, type DeployProblem } from '../errors.ts';
import { assertJsonAcceptable } from '../json-guard.ts';
import { propose } from '../domain/deployments/proposals.ts';
import type { ProposalRow } from '../store/proposals.ts';
import { auditHook, GROUPS, me, requireGroup, type ApiDeps } from './context.ts';
import * as api from './contracts/deployments.ts';
import { addProposalRoutes } from './proposals.ts';
import { routeMounter } from './route.ts';

/** Content types a browser or curl may give a BPMN or form file; anything else is refused (Art. 12). */
const TEXT_TYPES = /^(application\/(xml|json|octet-stream|bpmn\+xml|x-bpmn)|text\/(xml|plain|json|x-bpmn))$/i;

interface UploadedFile {
  filepath: string;
  originalFilename?: string | null;
  mimetype?: string | null;
  size: number;
}

/**
 * POST /deployments: BPMN and form files as multipart/form-data (any field name) or JSON
 * `{name?, files: [{name, content}]}`; process owners only. Sizes and types are checked before
 * the engine reads anything; the engine then lists every problem of every file (400). Files that
 * pass become a pending proposal (202) that a second person approves (see proposals.ts); files
 * that change nothing answer 200 with `id: null`.
 */
export function deploymentRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const L = deps.limits;
  const parse = koaBody({
    json: true,
    jsonLimit: L.deploymentBytes,
    jsonStrict: true,
    multipart: true,
    urlencoded: false,
    text: false,
    formidable: { maxFileSize: L.deploymentFileBytes, maxTotalFileSize: L.deploymentBytes, maxFiles: L.deploymentFiles, maxFields: 20, maxFieldsSize: 64 * 1024, allowEmptyFiles: true, minFileSize: 0 },
  });

  const body = async (ctx: Context, next: Next) => {
    if (!ctx.is('application/json', '+json', 'multipart/form-data')) {
      throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '部署请求须为 multipart/form-data 或 application/json');
    }
    if (Number(ctx.get('content-length') || 0) > L.deploymentBytes) throw new PayloadTooLargeError(`部署内容过大（上限 ${L.deploymentBytes / 1024 / 1024} MB）`);
    try {
      await parse(ctx, async () => undefined);
    } catch (err) {
      const e = err as { httpCode?: number; status?: number; code?: number };
      if (e.httpCode === 413) throw new PayloadTooLargeError(`上传文件过大或过多（单个文件上限 ${L.deploymentFileBytes / 1024 / 1024} MB，最多 ${L.deploymentFiles} 个）`);
      if (e.httpCode && e.httpCode < 500) throw new BadRequestError('上传内容格式错误');
      throw err;
    }
    // Deep or ill-formed JSON is refused before anything recursive or the database sees it.
    if (ctx.is('application/json', '+json')) assertJsonAcceptable(ctx.request.body, '部署请求', { allowNul: true });
    return next();
  };

  const owner = async (ctx: Context, next: Next) => {
    requireGroup(ctx, GROUPS.processOwners, '仅流程管理员（process-owners）可以部署流程和表单');
    return next();
  };
  const route = routeMounter(r, L.jsonBytes);
  route(api.deploymentPost, async (ctx) => {
    const { files, name } = ctx.is('multipart/form-data') ? await multipartFiles(ctx) : jsonFiles(ctx, L.deploymentFiles);
    const person = me(ctx);
    const outcome = await propose(deps.engine, files, {
      proposer: person,
      source: 'api',
      name,
      hook: auditHook(ctx, deps, (p: ProposalRow) => ({
        action: 'deployment.propose',
        objectType: 'deployment-proposal',
        objectId: p.id,
        instanceId: p.instanceId,
        after: { name: p.name, approverGroup: p.approverGroup, items: p.items.filter((i) => !i.unchanged).map((i) => ({ file: i.file, kind: i.kind, key: i.key, version: i.version })) },
      })),
    });
    // 202: accepted as a proposal, nothing runs until a second person approves it.
    ctx.status = outcome.id ? 202 : 200;
    return outcome;
  }, { before: [owner, body] });

  addProposalRoutes(r, deps);
  return r;
}

function jsonFiles(ctx: Context, maxFiles: number): { files: DeployFile[]; name?: string } {
  const body = ctx.request.body as { files?: unknown; name?: unknown };
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('请求体须为 JSON 对象');
  if (!Array.isArray(body.files) || !body.files.length) throw new BadRequestError('请求参数有误', [{ field: 'files', message: '应为非空数组：[{name, content}]' }]);
  if (body.files.length > maxFiles) throw new PayloadTooLargeError(`一次最多部署 ${maxFiles} 个文件`);
  const problems: DeployProblem[] = [];
  const files: DeployFile[] = [];
  body.files.forEach((f: any, i: number) => {
    if (!f || typeof f !== 'object' || typeof f.name !== 'string' || typeof f.content !== 'string') {
      problems.push({ file: typeof f?.name === 'string' ? f.name : `files[${i}]`, message: '每个文件应为 {name: 字符串, content: 字符串}' });
      return;
    }
    const problem = textProblem(f.content);
    if (problem) problems.push({ file: f.name, message: problem });
    else files.push({ name: f.name, content: f.content });
  });
  if (problems.length) throw new DeploymentError(problems);
  const name = typeof body.name === 'string' ? body.name.slice(0, 200) : undefined;
  return { files, name };
}

async function multipartFiles(ctx: Context): Promise<{ files: DeployFile[]; name?: string }> {
  const uploaded = Object.values((ctx.request as any).files ?? {}).flat() as UploadedFile[];
  try {
    if (!uploaded.length) throw new BadRequestError('请求参数有误', [{ field: 'files', message: '没有上传文件' }]);
    const problems: DeployProblem[] = [];
    const files: DeployFile[] = [];
    for (const u of uploaded) {
      const file = u.originalFilename ?? '';
      if (u.mimetype && !TEXT_TYPES.test(u.mimetype.split(';')[0].trim())) {
        problems.push({ file, message: `不允许的文件类型：${u.mimetype}（只接受 BPMN/XML 与 JSON 表单文本文件）` });
        continue;
      }
      const bytes = await fs.readFile(u.filepath);
      let content: string;
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        problems.push({ file, message: '文件不是 UTF-8 文本' });
        continue;
      }
      const problem = textProblem(content);
      if (problem) problems.push({ file, message: problem });
      else files.push({ name: file, content: content.replace(/^\uFEFF/, '') });
    }
    if (problems.length) throw new DeploymentError(problems);
    const fields = ((ctx.request as any).body ?? {}) as Record<string, unknown>;
    return { files, name: typeof fields.name === 'string' ? fields.name.slice(0, 200) : undefined };
  } finally {
    await Promise.all(uploaded.map((u) => fs.rm(u.filepath, { force: true })));
  }
}

/** Binary content (NUL or other control bytes) is not a BPMN or form file. */
function textProblem(content: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000E-\u001F]/.test(content)) return '文件含有二进制内容，不是 BPMN/XML 或 JSON 文本';
  return null;
}
