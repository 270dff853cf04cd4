import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { migrationsDir } from '../../src/db/knex.ts';
import { freshDatabase, usingPostgres, type TestDatabase } from '../helpers/db.ts';

/** The tables of the database (platform tables only: knex's own bookkeeping left out). */
async function tables(t: TestDatabase): Promise<string[]> {
  const names: string[] = usingPostgres
    ? (await t.db.raw('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?', [t.searchPath!])).rows.map((r: { name: string }) => r.name)
    : (await t.db('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').pluck('name'));
  return names.filter((n) => !n.startsWith('knex_migrations')).sort();
}

/**
 * Migrations are forward-only in production (README: Upgrading; a failed upgrade is rolled back
 * by restoring the backup taken before it), yet every one has a working `down`, so a developer
 * can step back and forth: all the way down and up again leaves the same schema.
 */
describe('ops: migrations', function () {
  this.timeout(120_000);
  let t: TestDatabase;
  const files = fs.readdirSync(migrationsDir).filter((f) => /^\d{14}_\w+\.ts$/.test(f)).sort();

  before(async () => {
    t = await freshDatabase();
  });
  after(() => t?.drop());

  it('Given every migration file, Then each exports both up and down', async () => {
    expect(files.length).to.be.greaterThan(50);
    for (const f of files) {
      const m = await import(path.join(migrationsDir, f));
      expect(typeof m.up, `${f} up`).to.equal('function');
      expect(typeof m.down, `${f} down`).to.equal('function');
    }
  });

  it('When every migration is rolled back, Then no platform table is left; When migrated again, Then the same tables are back', async () => {
    const latest = await tables(t);
    expect(latest.length).to.be.greaterThan(40);
    await t.db.migrate.rollback(undefined, true);
    expect(await tables(t)).to.deep.equal([]);
    const [, pending] = (await t.db.migrate.list()) as [unknown[], unknown[]];
    expect(pending).to.have.length(files.length);
    await t.db.migrate.latest();
    expect(await tables(t)).to.deep.equal(latest);
    const [done] = (await t.db.migrate.list()) as [Array<{ name: string } | string>, unknown[]];
    expect(done).to.have.length(files.length);
  });
});
