import Router from '@koa/router';
import { NotFoundError } from '../errors.ts';
import { formVersions } from '../store/definitions.ts';
import type { ApiDeps } from './context.ts';
import { QueryReader } from './input.ts';
import { iso } from './present.ts';

/** GET /forms/:key: the latest version of a form (or `?version=n`), as form-js JSON. */
export function formRoutes(deps: ApiDeps): Router {
  const r = new Router();
  r.get('/forms/:key', async (ctx) => {
    const q = new QueryReader(ctx.query);
    const version = q.int('version', { min: 1, max: 1_000_000, fallback: 0 });
    q.done();
    const versions = await formVersions(deps.db, ctx.params.key);
    const form = version ? versions.find((f) => f.version === version) : versions[0];
    if (!form) throw new NotFoundError(`表单 ${ctx.params.key}${version ? ` 第 ${version} 版` : ''} 不存在`, 'FORM_NOT_FOUND');
    ctx.body = { key: form.key, version: form.version, versions: versions.map((f) => f.version), deployedAt: iso(form.deployedAt), deployedBy: form.deployedBy, schema: form.schema };
  });
  return r;
}
