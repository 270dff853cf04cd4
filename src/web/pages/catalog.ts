/** The power-item catalog (权力事项目录) as the API serves it. */
import { api, ApiError } from '../api.ts';

export interface CatalogItem {
  code: string;
  name: string;
  category?: string;
  unitId?: string;
  unitName?: string | null;
  legalBasis?: string;
  statutoryDays?: number;
  promisedDays?: number;
  processKey?: string;
  status?: string;
  version: number;
  updatedAt?: number | string;
}

const PATHS = ['/api/catalog/items', '/api/power-items', '/api/catalog'];
let found: string | null = null;

/** The catalog items in force; null when the server has no catalog endpoint. */
export async function catalogItems(): Promise<CatalogItem[] | null> {
  for (const path of found ? [found] : PATHS) {
    try {
      const body = await api.get<any>(path, { limit: 200 });
      found = path;
      return Array.isArray(body) ? body : (body.items ?? []);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 405)) continue;
      throw err;
    }
  }
  return null;
}
