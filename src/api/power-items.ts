import Router from '@koa/router';
import { startItemCase } from '../domain/catalog.ts';
import type { Person } from '../domain/org.ts';
import { NotFoundError } from '../errors.ts';
import { getItem, itemVersions, listItems, type PowerItem } from '../store/catalog.ts';
import { listUnits } from '../store/org.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody, QueryReader } from './input.ts';
import { iso, startedJson } from './present.ts';

/**
 * The power-item catalog (Art. 3): the items, one item with its versions, and starting a case of
 * an item on the procedure it is bound to (only catalog items can be started this way).
 */
export function powerItemRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
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

  const unitNames = async () => new Map((await listUnits(db)).map((u) => [u.id, u.name]));
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

  r.get('/power-items', async (ctx) => {
    const person = me(ctx);
    const q = new QueryReader(ctx.query);
    const filter = { status: q.oneOf('status', ['active', 'retired'] as const), category: q.string('category', 20), unitId: q.string('unit', 60) };
    q.done();
    const units = await unitNames();
    const items = [];
    for (const item of await listItems(db, filter)) items.push({ ...itemJson(item, units), ...(await startInfo(item, person)) });
    ctx.set('X-Total-Count', String(items.length));
    ctx.body = { items, total: items.length };
  });

  r.get('/power-items/:code', async (ctx) => {
    const item = await getItem(db, ctx.params.code);
    if (!item) throw new NotFoundError(`权力事项 ${ctx.params.code} 不在权力事项目录中`, 'ITEM_NOT_FOUND');
    const versions = await itemVersions(db, item.code);
    ctx.body = {
      ...itemJson(item, await unitNames()),
      ...(await startInfo(item, me(ctx))),
      versions: versions.map((v) => ({ ...v, approvals: v.approvals.map((a) => ({ ...a, at: iso(a.at) })), changedAt: iso(v.changedAt) })),
    };
  });

  r.post('/power-items/:code/start', json, async (ctx) => {
    const person = me(ctx);
    const { businessKey, variables } = bodyFields(ctx, { businessKey: { type: 'string', max: 200 }, variables: { type: 'object' } });
    const code = ctx.params.code;
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
    ctx.status = 201;
    ctx.body = startedJson(res, person, engine);
  });

  return r;
}
