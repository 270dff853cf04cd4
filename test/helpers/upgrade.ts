import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { migrationsDir, openDatabase } from '../../src/db/knex.ts';
import { postgresUrl, usingPostgres, type TestDatabase } from './db.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'upgrade');

export interface UpgradeManifest {
  release: string;
  commit: string;
  sqliteSha256: string;
  /** The migrations the old release had run, with each file's SHA-256 at its commit. */
  migrations: Record<string, string>;
}

/** The manifest of a release's fixture (scripts/make-upgrade-fixture.ts). */
export function upgradeManifest(release: string): UpgradeManifest {
  return JSON.parse(fs.readFileSync(path.join(fixtures, `${release}.json`), 'utf8'));
}

/** The fixture's SQLite file, unpacked into a new temporary directory (checked against its SHA-256). */
function unpack(release: string): { dir: string; file: string } {
  const bytes = zlib.gunzipSync(fs.readFileSync(path.join(fixtures, `${release}.sqlite.gz`)));
  if (createHash('sha256').update(bytes).digest('hex') !== upgradeManifest(release).sqliteSha256) throw new Error(`fixture ${release}: SHA-256 differs from its manifest`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-upgrade-'));
  const file = path.join(dir, 'platform.sqlite');
  fs.writeFileSync(file, bytes);
  return { dir, file };
}

/**
 * The database a past release left behind, upgraded the way `npm start` upgrades it: opening it
 * runs every migration it has not had (src/db/knex.ts openDatabase).
 * - SQLite: the very file the old release wrote.
 * - PostgreSQL: the old release's schema is built in a new schema by the old release's migrations
 *   only (the same files: their SHA-256 at the old commit are checked against today's), its rows
 *   are copied from the fixture, and only then is the database opened and upgraded.
 * Usage: `const t = await upgradedDatabase('v0.2.0'); … await t.drop()`.
 */
export async function upgradedDatabase(release: string): Promise<TestDatabase & { before: string[] }> {
  const manifest = upgradeManifest(release);
  const { dir, file } = unpack(release);
  const pools: Knex[] = [];
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  if (!usingPostgres) {
    const before = await migrationsIn(file);
    const db = await openDatabase(file);
    pools.push(db);
    return {
      db,
      url: file,
      before,
      reopen: async () => pools[pools.push(await openDatabase(file, { migrate: false })) - 1],
      async drop() {
        await Promise.all(pools.map((p) => p.destroy()));
        cleanup();
      },
    };
  }
  const url = postgresUrl();
  const searchPath = `u_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const old = await openDatabase(url, { searchPath, migrate: false });
  try {
    await migrateUpTo(old, Object.keys(manifest.migrations));
    await copyRows(file, old);
  } finally {
    await old.destroy();
  }
  const db = await openDatabase(url, { searchPath });
  pools.push(db);
  return {
    db,
    url,
    searchPath,
    before: Object.keys(manifest.migrations),
    reopen: async () => pools[pools.push(await openDatabase(url, { searchPath, migrate: false })) - 1],
    async drop() {
      await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [searchPath]);
      await Promise.all(pools.map((p) => p.destroy()));
      cleanup();
    },
  };
}

/** Today's SHA-256 of each migration file (to show the old ones were never edited). */
export function currentMigrationHashes(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, createHash('sha256').update(fs.readFileSync(path.join(migrationsDir, n))).digest('hex')]));
}

async function migrationsIn(file: string): Promise<string[]> {
  const db = knexFactory({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
  try {
    return (await db('knex_migrations').orderBy('id').select('name')).map((r: { name: string }) => r.name);
  } finally {
    await db.destroy();
  }
}

/** Runs migrations one by one until exactly `names` have run (the old release's schema). */
async function migrateUpTo(db: Knex, names: string[]): Promise<void> {
  for (let i = 0; i < names.length; i++) {
    const [, pending] = (await db.migrate.list()) as [unknown[], Array<{ file: string }>];
    if (pending[0]?.file !== names[i]) throw new Error(`expected migration ${names[i]} next, found ${pending[0]?.file}`);
    await db.migrate.up();
  }
}

/** Copies every table's rows from the SQLite fixture into `target`, then moves serial sequences past them. */
async function copyRows(file: string, target: Knex): Promise<void> {
  const source = knexFactory({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
  try {
    const tables: string[] = (await source('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').whereNot('name', 'like', 'knex_%').select('name')).map((r: { name: string }) => r.name);
    await target.transaction(async (trx) => {
      // Rows go in table by table; the fixture's references are whole, so the checks wait.
      await trx.raw('SET LOCAL session_replication_role = replica');
      for (const table of tables) {
        const rows = await source(table).select('*');
        // Some migrations seed rows (e.g. step_guard): the fixture's rows are the whole truth.
        await trx(table).del();
        for (let i = 0; i < rows.length; i += 200) await trx(table).insert(rows.slice(i, i + 200));
        const id = await trx.raw(
          `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'id' AND column_default LIKE 'nextval%'`,
          [table],
        );
        if (id.rows.length && rows.length) await trx.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), (SELECT max(id) FROM ??))`, [table, table]);
      }
    });
  } finally {
    await source.destroy();
  }
}
