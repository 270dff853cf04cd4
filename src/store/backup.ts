import type { Knex } from 'knex';
import sqlite3 from 'sqlite3';
import { isPostgres } from '../db/knex.ts';

// The queries backup and restore need: which tables a database holds, how many rows each has,
// and which migration it is at. Row counts in a manifest are compared after a restore, so they
// must be read in the same snapshot as the backup (the caller passes that transaction).

/**
 * The application's tables (knex's bookkeeping included), sorted by name.
 * Usage: `const tables = await listTables(trx)`.
 */
export async function listTables(db: Knex): Promise<string[]> {
  if (isPostgres(db)) {
    const res = await db.raw(`SELECT tablename AS name FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename`);
    return res.rows.map((r: { name: string }) => r.name);
  }
  const rows = await db.raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  return rows.map((r: { name: string }) => r.name);
}

/** Rows per table, keyed by table name. */
export async function rowCounts(db: Knex, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const [{ n }] = await db(t).count({ n: '*' });
    out[t] = Number(n);
  }
  return out;
}

/** The name of the last migration applied (the schema version), or null on an unmigrated database. */
export async function latestMigration(db: Knex): Promise<string | null> {
  const tables = await listTables(db);
  if (!tables.includes('knex_migrations')) return null;
  const r = await db('knex_migrations').orderBy('id', 'desc').first('name');
  return r?.name ?? null;
}

/** PostgreSQL: whether `schema` exists and how many relations (tables, views, sequences) it holds. */
export async function pgSchemaContents(db: Knex, schema: string): Promise<{ exists: boolean; relations: number }> {
  const ns = await db.raw(`SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ?`, [schema]);
  if (!ns.rows.length) return { exists: false, relations: 0 };
  const res = await db.raw(`SELECT count(*)::int AS n FROM pg_catalog.pg_class WHERE relnamespace = ?`, [ns.rows[0].oid]);
  return { exists: true, relations: Number(res.rows[0].n) };
}

/** PostgreSQL: empties a schema after a failed restore (drops it, recreating it if it existed). */
export async function pgResetSchema(db: Knex, schema: string, recreate: boolean): Promise<void> {
  await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
  if (recreate) await db.raw('CREATE SCHEMA ??', [schema]);
}

/** PostgreSQL: exports the snapshot of the current (repeatable read) transaction for pg_dump --snapshot. */
export async function pgExportSnapshot(trx: Knex.Transaction): Promise<string> {
  await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  const res = await trx.raw('SELECT pg_catalog.pg_export_snapshot() AS s');
  return res.rows[0].s;
}

/**
 * SQLite: whether the file at `file` holds any table or view, opened read-only (so that checking
 * a target changes nothing). A file that is not a database counts as not empty.
 */
export function sqliteFileHasTables(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return resolve(true);
      db.get(`SELECT count(*) AS n FROM sqlite_master WHERE type IN ('table', 'view')`, (e: Error | null, row: { n: number } | undefined) => {
        db.close();
        resolve(e ? true : Number(row?.n) > 0);
      });
    });
  });
}
