import type { Knex } from 'knex';
import { getItem, itemVersions, listItems, type ItemStatus, type ItemVersion, type PowerItem } from '../store/catalog.ts';

/** Reads of the power-item catalog (Art. 3) for the HTTP layer. */

export function catalogItems(db: Knex, f: { status?: ItemStatus; category?: string; unitId?: string }): Promise<PowerItem[]> {
  return listItems(db, f);
}

/** One item with its versions (who changed what, why, approved by whom), or undefined. */
export async function catalogItem(db: Knex, code: string): Promise<{ item: PowerItem; versions: ItemVersion[] } | undefined> {
  const item = await getItem(db, code);
  return item ? { item, versions: await itemVersions(db, item.code) } : undefined;
}
