import Router from '@koa/router';
import { NotFoundError } from '../errors.ts';
import { formVersionsOf } from '../services/forms.ts';
import type { ApiDeps } from './context.ts';
import * as api from './contracts/forms.ts';
import { iso } from './present.ts';
import { routeMounter } from './route.ts';

/** GET /forms/:key: the latest version of a form (or `?version=n`), as form-js JSON. */
export function formRoutes(deps: ApiDeps): Router {
  const r = new Router();
  routeMounter(r, deps.limits.jsonBytes)(api.form, async (_ctx, { params, query }) => {
    const versions = await formVersionsOf(deps.db, params.key);
    const form = query.version ? versions.find((f) => f.version === query.version) : versions[0];
    if (!form) throw new NotFoundError(`表单 ${params.key}${query.version ? ` 第 ${query.version} 版` : ''} 不存在`, 'FORM_NOT_FOUND');
    return { key: form.key, version: form.version, versions: versions.map((f) => f.version), deployedAt: iso(form.deployedAt), deployedBy: form.deployedBy, schema: form.schema };
  });
  return r;
}
