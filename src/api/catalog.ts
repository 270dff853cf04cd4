import Router from '@koa/router';
import { NotFoundError } from '../errors.ts';
import { getItem, itemVersions, listItems, type PowerItem } from '../store/catalog.ts';
import { listUnits } from '../store/org.ts';
import type { ApiDeps } from './context.ts';
import { QueryReader } from './input.ts';
import { iso } from './present.ts';

const STATUSES = ['active', 'retired'] as const;

/**
 * The power-item catalog (权力事项目录), read-only for every signed-in user: the items (in force
 * by default) and one item with all its versions. The web UI's start page lists it; changes go
 * through the item-change procedure only.
 */
export function catalogRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { db } = deps;

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

  r.get('/catalog/items', async (ctx) => {
    const q = new QueryReader(ctx.query);
    const status = q.oneOf('status', STATUSES) ?? 'active';
    const category = q.string('category', 20);
    const unitId = q.string('unit', 60);
    q.done();
    const [items, units] = await Promise.all([listItems(db, { status, category, unitId }), unitNames()]);
    ctx.set('X-Total-Count', String(items.length));
    ctx.body = { items: items.map((i) => itemJson(i, units)), total: items.length };
  });

  r.get('/catalog/items/:code', async (ctx) => {
    const item = await getItem(db, ctx.params.code);
    if (!item) throw new NotFoundError(`权力事项 ${ctx.params.code} 不存在`, 'ITEM_NOT_FOUND');
    const [versions, units] = await Promise.all([itemVersions(db, item.code), unitNames()]);
    ctx.body = {
      item: itemJson(item, units),
      versions: versions.map((v) => ({
        version: v.version,
        changeType: v.changeType,
        snapshot: v.snapshot,
        legalGround: v.legalGround,
        reason: v.reason,
        sunshineRef: v.sunshineRef,
        changedBy: v.changedBy,
        approvals: v.approvals.map((a) => ({ ...a, at: iso(a.at) })),
        instanceId: v.instanceId,
        changedAt: iso(v.changedAt),
      })),
    };
  });

  return r;
}
