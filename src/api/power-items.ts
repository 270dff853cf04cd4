import Router from '@koa/router';
import { startItemCase } from '../domain/catalog.ts';
import type { Person } from '../domain/org.ts';
import { NotFoundError } from '../errors.ts';
import { catalogItem, catalogItems } from '../services/catalog-reads.ts';
import { unitNames } from '../services/directory.ts';
import type { PowerItem } from '../store/catalog.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import * as api from './contracts/power-items.ts';
import { iso, startedJson } from './present.ts';
import { routeMounter } from './route.ts';

/**
 * The power-item catalog (Art. 3): the items, one item with its versions, and starting a case of
 * an item on the procedure it is bound to (only catalog items can be started this way).
 */
export function powerItemRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { engine, db } = deps;

  /** Whether the person may start the item's procedure, and its start form. */
  const startInfo = async (item: PowerItem, person: Person) => {
    try {
      const { row, def } = await engine.definitions.latest(item.processKey);
      const start = def.model.startEvents.find((s) => s.kind === 'none');
      return { canStart: item.status === 'active' && engine.canStart(row, person), startFormKey: start?.formKey ?? null };
    } catch (err) {
      // Only "no such procedure" means not deployed; a database failure is an error, not a "no".
      if (err instanceof NotFoundError && err.code === 'PROCESS_NOT_FOUND') return { canStart: false, startFormKey: null };
      throw err;
    }
  };

  const itemJson = (i: PowerItem, units: Map<string, string>) => ({
    code: i.code,
    name: i.name,
    category: i.category,
    unitId: i.unitId,
    unitName: units.get(i.unitId) ?? null,
    legalBasis: i.legalBasis,
    statutoryDays: i.statutoryDays,
    promisedDays: i.promisedDays,
    discretion: i.discretion,
    processKey: i.processKey,
    status: i.status,
    version: i.version,
    createdAt: iso(i.createdAt),
    updatedAt: iso(i.updatedAt),
  });

  const route = routeMounter(r, deps.limits.jsonBytes);

  route(api.powerItems, async (ctx, { query }) => {
    const person = me(ctx);
    const units = await unitNames(db);
    const items = [];
    for (const item of await catalogItems(db, { status: query.status, category: query.category, unitId: query.unit })) items.push({ ...itemJson(item, units), ...(await startInfo(item, person)) });
    ctx.set('X-Total-Count', String(items.length));
    return { items, total: items.length };
  });

  route(api.powerItem, async (ctx, { params }) => {
    const found = await catalogItem(db, params.code);
    if (!found) throw new NotFoundError(`权力事项 ${params.code} 不在权力事项目录中`, 'ITEM_NOT_FOUND');
    return {
      ...itemJson(found.item, await unitNames(db)),
      ...(await startInfo(found.item, me(ctx))),
      versions: found.versions.map((v) => ({ ...v, approvals: v.approvals.map((a) => ({ ...a, at: iso(a.at) })), changedAt: iso(v.changedAt) })),
    };
  });

  route(api.startPowerItem, async (ctx, { params, body }) => {
    const person = me(ctx);
    const { businessKey, variables } = body;
    const code = params.code;
    const res = await startItemCase(engine, db, code, {
      by: person,
      businessKey: businessKey || undefined,
      variables: variables ?? {},
      hook: auditHook(ctx, deps, (s) => ({
        action: 'power-item.start',
        objectType: 'process-instance',
        objectId: s.instance.id,
        instanceId: s.instance.id,
        after: { itemCode: code, processKey: s.instance.processKey, businessKey: s.instance.businessKey, variables: variables ?? {} },
      })),
    });
    return startedJson(res, person, engine);
  });

  return r;
}
