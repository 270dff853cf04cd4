import type { Knex } from 'knex';
import { formVersions, type FormRow } from '../store/definitions.ts';

/** Every deployed version of form `key`, newest first (for GET /api/forms/:key). */
export function formVersionsOf(db: Knex, key: string): Promise<FormRow[]> {
  return formVersions(db, key);
}
