import Router from '@koa/router';
import type { Context } from 'koa';
import type { DecisionTable } from '../engine/dmn/model.ts';
import { NotFoundError } from '../errors.ts';
import { decisionFile, decisionDefinitions } from '../domain/decisions.ts';
import type { DecisionRow } from '../store/decisions.ts';
import { me, type ApiDeps } from './context.ts';
import { serveAsAttachment } from './headers.ts';
import { QueryReader } from './input.ts';
import { iso } from './present.ts';

/**
 * DMN decision definitions (issue 11, item 10), deployed with POST /deployments like processes:
 * the latest version of each, the versions of one with its table, and the DMN file for the modeler.
 */
export function decisionRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { db } = deps;

  const summary = (row: DecisionRow) => {
    const t = row.table as DecisionTable;
    return {
      id: row.id,
      key: row.key,
      name: row.name,
      version: row.version,
      resourceName: row.resourceName,
      deploymentId: row.deploymentId,
      deployedAt: iso(row.deployedAt),
      deployedBy: row.deployedBy,
      hitPolicy: t.hitPolicy,
      aggregation: t.aggregation ?? null,
      inputs: t.inputs.map((i) => ({ label: i.label ?? null, expression: i.expression })),
      outputs: t.outputs.map((o) => ({ name: o.name, label: o.label ?? null })),
      rules: t.rules.length,
    };
  };

  const versionsOf = async (key: string) => {
    const versions = await decisionDefinitions(db, key);
    if (!versions.length) throw new NotFoundError(`决策 ${key} 不存在`, 'DECISION_NOT_FOUND');
    return versions;
  };

  r.get('/decision-definitions', async (ctx) => {
    me(ctx);
    const items = (await decisionDefinitions(db)).map(summary);
    ctx.body = { items, total: items.length };
  });

  r.get('/decision-definitions/:key', async (ctx) => {
    me(ctx);
    const versions = await versionsOf(ctx.params.key);
    ctx.body = { key: ctx.params.key, name: versions[0].name, latest: summary(versions[0]), versions: versions.map(summary), table: versions[0].table };
  });

  r.get('/decision-definitions/:key/xml', async (ctx: Context) => {
    me(ctx);
    const q = new QueryReader(ctx.query);
    const version = q.int('version', { min: 1, max: 1_000_000, fallback: 0 });
    q.done();
    await versionsOf(ctx.params.key);
    const file = await decisionFile(db, ctx.params.key, version || undefined);
    if (!file) throw new NotFoundError(`决策 ${ctx.params.key} 没有第 ${version} 版`, 'DECISION_VERSION_NOT_FOUND');
    ctx.type = 'application/xml; charset=utf-8';
    serveAsAttachment(ctx, file.resourceName);
    ctx.body = file.xml;
  });
  return r;
}
