import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { MigrationSource } from './migration-source.ts';

// Every difference between SQLite and PostgreSQL lives in this file and in src/store/dialect.ts.

// Timestamps are stored as epoch milliseconds in BIGINT columns; PostgreSQL returns int8 as a
// string unless told otherwise. Millisecond timestamps are far inside Number's safe range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

const here = path.dirname(fileURLToPath(import.meta.url));
export const migrationsDir = path.join(here, '..', 'store', 'migrations');

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * Knex configuration for a DATABASE_URL: `postgres://…` for PostgreSQL, anything else is a SQLite
 * file path (`:memory:` works for throwaway use).
 * Usage: `knex(knexConfig('data/platform.sqlite'))`.
 */
export function knexConfig(url: string, opts: { searchPath?: string } = {}): Knex.Config {
  const migrations = { migrationSource: new MigrationSource(migrationsDir) };
  if (isPostgresUrl(url)) {
    return {
      client: 'pg',
      connection: url,
      searchPath: opts.searchPath ? [opts.searchPath] : undefined,
      pool: { min: 0, max: 10 },
      migrations,
    };
  }
  if (url !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  return {
    client: 'sqlite3',
    connection: { filename: url },
    useNullAsDefault: true,
    // One connection: SQLite has one writer anyway, and a single connection makes every
    // transaction strictly serial instead of failing with SQLITE_BUSY.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: any, done: (err: Error | null, conn: unknown) => void) {
        conn.serialize(() => {
          conn.run('PRAGMA journal_mode = WAL');
          conn.run('PRAGMA synchronous = FULL');
          conn.run('PRAGMA foreign_keys = ON');
          conn.run('PRAGMA busy_timeout = 5000', (err: Error | null) => done(err, conn));
        });
      },
    },
    migrations,
  };
}

/**
 * Opens a database and brings its schema up to date.
 * Usage: `const db = await openDatabase(config.databaseUrl)`.
 */
export async function openDatabase(url: string, opts: { searchPath?: string; migrate?: boolean } = {}): Promise<Knex> {
  const db = knexFactory(knexConfig(url, opts));
  if (opts.searchPath && isPostgresUrl(url)) {
    await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [opts.searchPath]);
  }
  if (opts.migrate !== false) {
    const [, applied] = (await db.migrate.latest()) as [number, string[]];
    // New tables and indexes have no statistics yet; a planner without them scans (issue 15:
    // the inbox took 3 s at 20,000 instances until a manual ANALYZE).
    if (applied.length) await refreshStatistics(db);
  }
  return db;
}

/**
 * Refreshes the query planner's statistics (ANALYZE on both databases): after migrations, after a
 * restore, and daily on each node. Usage: `await refreshStatistics(db)`.
 */
export async function refreshStatistics(db: Knex): Promise<void> {
  if (!isPostgres(db)) {
    await db.raw('ANALYZE');
    return;
  }
  // Only this deployment's schema (a bare ANALYZE would visit every schema of the database).
  const { rows } = await db.raw('SELECT tablename FROM pg_tables WHERE schemaname = current_schema()');
  const tables = (rows as Array<{ tablename: string }>).map((r) => r.tablename);
  if (tables.length) await db.raw(`ANALYZE ${tables.map(() => '??').join(', ')}`, tables);
}

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/** Row-locking suffix for "claim some rows nobody else is claiming" (no-op on SQLite's single writer). */
export function skipLocked(db: Knex): string {
  return isPostgres(db) ? ' FOR UPDATE SKIP LOCKED' : '';
}

/**
 * Drops columns in a migration's `down`. On SQLite, knex's dropColumn rebuilds the table (create,
 * copy, drop, rename), and dropping a table other rows reference fails with foreign keys on; SQLite
 * (3.35+) drops a column in place instead. Indexes on the columns must be dropped first.
 * Usage: `await dropColumns(knex, 'tasks', ['limit_days'])`.
 */
export async function dropColumns(knex: Knex, table: string, columns: string[]): Promise<void> {
  if (isPostgres(knex)) {
    await knex.schema.alterTable(table, (t) => {
      for (const c of columns) t.dropColumn(c);
    });
    return;
  }
  for (const c of columns) await knex.raw('ALTER TABLE ?? DROP COLUMN ??', [table, c]);
}
