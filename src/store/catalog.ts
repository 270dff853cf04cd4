import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

/** The power-item catalog (权力事项目录): items in force and every version of each. */

export type ItemCategory = '行政许可' | '行政处罚' | '行政强制' | '行政征收' | '行政检查' | '其他';
export type ItemStatus = 'active' | 'retired';

/** A tier of a penalty discretion standard (自由裁量基准): when it applies and the fine range. */
export interface DiscretionTier {
  code: string;
  name: string;
  condition: string;
  partyType: 'person' | 'organisation';
  /** Fine range in CNY (yuan), inclusive. */
  min: number;
  max: number;
}

export interface DiscretionStandard {
  tiers: DiscretionTier[];
  /** Fines of this amount (CNY) or more are major penalties: leaders decide collectively. */
  majorAmount: number;
}

export interface PowerItem {
  code: string;
  name: string;
  category: ItemCategory;
  unitId: string;
  legalBasis: string;
  statutoryDays: number;
  promisedDays: number;
  discretion: DiscretionStandard | null;
  processKey: string;
  status: ItemStatus;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface Approval {
  step: string;
  name: string | null;
  by: string;
  at: number;
  decision?: string;
  comment?: string;
}

export interface ItemVersion {
  code: string;
  version: number;
  changeType: string;
  snapshot: Omit<PowerItem, 'createdAt' | 'updatedAt' | 'version'>;
  legalGround: string | null;
  reason: string;
  sunshineRef: string | null;
  /** The 三合一 platform's date of the change (YYYY-MM-DD), when given. */
  sunshineDate?: string | null;
  changedBy: string;
  approvals: Approval[];
  instanceId: string | null;
  changedAt: number;
}

const toItem = (r: any): PowerItem => ({
  code: r.code,
  name: r.name,
  category: r.category,
  unitId: r.unit_id,
  legalBasis: r.legal_basis,
  statutoryDays: Number(r.statutory_days),
  promisedDays: Number(r.promised_days),
  discretion: fromJson(r.discretion, null),
  processKey: r.process_key,
  status: r.status,
  version: Number(r.version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toVersion = (r: any): ItemVersion => ({
  code: r.code,
  version: Number(r.version),
  changeType: r.change_type,
  snapshot: fromJson(r.snapshot, {} as ItemVersion['snapshot']),
  legalGround: r.legal_ground,
  reason: r.reason,
  sunshineRef: r.sunshine_ref,
  sunshineDate: r.sunshine_date ?? null,
  changedBy: r.changed_by,
  approvals: fromJson(r.approvals, []),
  instanceId: r.instance_id,
  changedAt: Number(r.changed_at),
});

export async function getItem(db: Knex, code: string): Promise<PowerItem | undefined> {
  const r = await db('power_items').where({ code }).first();
  return r && toItem(r);
}

export async function listItems(db: Knex, f: { status?: ItemStatus; category?: string; unitId?: string } = {}): Promise<PowerItem[]> {
  const q = db('power_items').orderBy('code');
  if (f.status) q.where('status', f.status);
  if (f.category) q.where('category', f.category);
  if (f.unitId) q.where('unit_id', f.unitId);
  return (await q).map(toItem);
}

export async function countItems(db: Knex): Promise<number> {
  const r = await db('power_items').count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

/**
 * Writes `item` as its new version in force and appends the version row, in one transaction the
 * caller holds. `expectedVersion` (null for a new item) guards against two changes racing.
 */
export async function saveItemVersion(
  trx: Knex | Knex.Transaction,
  item: PowerItem,
  expectedVersion: number | null,
  meta: Omit<ItemVersion, 'code' | 'version' | 'snapshot'>,
): Promise<boolean> {
  const row = {
    name: item.name,
    category: item.category,
    unit_id: item.unitId,
    legal_basis: item.legalBasis,
    statutory_days: item.statutoryDays,
    promised_days: item.promisedDays,
    discretion: toJson(item.discretion),
    process_key: item.processKey,
    status: item.status,
    version: item.version,
    updated_at: item.updatedAt,
  };
  if (expectedVersion === null) {
    await trx('power_items').insert({ code: item.code, ...row, created_at: item.createdAt });
  } else {
    const n = await trx('power_items').where({ code: item.code, version: expectedVersion }).update(row);
    if (n !== 1) return false;
  }
  const { createdAt: _c, updatedAt: _u, version: _v, ...snapshot } = item;
  await trx('power_item_versions').insert({
    code: item.code,
    version: item.version,
    change_type: meta.changeType,
    snapshot: toJson(snapshot),
    legal_ground: meta.legalGround,
    reason: meta.reason,
    sunshine_ref: meta.sunshineRef,
    sunshine_date: meta.sunshineDate ?? null,
    changed_by: meta.changedBy,
    approvals: toJson(meta.approvals),
    instance_id: meta.instanceId,
    changed_at: meta.changedAt,
  });
  return true;
}

export async function itemVersions(db: Knex, code: string): Promise<ItemVersion[]> {
  return (await db('power_item_versions').where({ code }).orderBy('version')).map(toVersion);
}

export async function itemVersion(db: Knex, code: string, version: number): Promise<ItemVersion | undefined> {
  const r = await db('power_item_versions').where({ code, version }).first();
  return r && toVersion(r);
}
