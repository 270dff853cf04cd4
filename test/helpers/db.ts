import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { openDatabase } from '../../src/db/knex.ts';

/**
 * A fresh, migrated database for one test file: a temp SQLite file, or (TEST_DB=pg) a new schema
 * on the PostgreSQL server named by DATABASE_URL. Runs never see each other's rows.
 */
export interface TestDatabase {
  db: Knex;
  url: string;
  searchPath?: string;
  /** Opens another connection pool on the same database (a second node, a restarted server). */
  reopen(): Promise<Knex>;
  drop(): Promise<void>;
}

export const usingPostgres = process.env.TEST_DB === 'pg';

export function postgresUrl(): string {
  const url = process.env.DATABASE_URL;
  return url && url.startsWith('postgres') ? url : 'postgres://postgres@127.0.0.1:5432/test';
}

export async function freshDatabase(): Promise<TestDatabase> {
  if (usingPostgres) {
    const url = postgresUrl();
    const searchPath = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase(url, { searchPath });
    const pools: Knex[] = [db];
    return {
      db,
      url,
      searchPath,
      async reopen() {
        const k = await openDatabase(url, { searchPath, migrate: false });
        pools.push(k);
        return k;
      },
      async drop() {
        await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [searchPath]);
        await Promise.all(pools.map((p) => p.destroy()));
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-test-'));
  const url = path.join(dir, 'test.sqlite');
  const db = await openDatabase(url);
  const pools: Knex[] = [db];
  return {
    db,
    url,
    async reopen() {
      const k = await openDatabase(url, { migrate: false });
      pools.push(k);
      return k;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.destroy()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Plays an attacker with the database owner's rights: the append-only triggers of the audit and
 * sign-in tables are off while `fn` runs (dropped and re-created on SQLite, disabled on
 * PostgreSQL), so a test can edit rows and show that verification still catches it.
 * Usage: `await asDatabaseOwner(db, () => db('audit_log').where({ seq }).update({ actor: 'x' }))`.
 */
export async function asDatabaseOwner<T>(db: Knex, fn: () => Promise<T>): Promise<T> {
  const tables = ['audit_log', 'audit_chain', 'login_events'];
  if (db.client.config.client === 'pg') {
    for (const t of tables) await db.raw(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    try {
      return await fn();
    } finally {
      for (const t of tables) await db.raw(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
    }
  }
  const triggers: Array<{ name: string; sql: string }> = await db('sqlite_master').where({ type: 'trigger' }).whereIn('tbl_name', tables).select('name', 'sql');
  for (const t of triggers) await db.raw(`DROP TRIGGER ${t.name}`);
  try {
    return await fn();
  } finally {
    for (const t of triggers) await db.raw(t.sql);
  }
}
