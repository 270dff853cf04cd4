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

/** The catalog items in force (`GET /api/power-items?status=active`); null when the server has no catalog. */
export async function catalogItems(): Promise<CatalogItem[] | null> {
  try {
    const body = await api.get<{ items: CatalogItem[] }>('/api/power-items?status=active');
    return body.items;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
