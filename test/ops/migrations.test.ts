import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { migrationsDir } from '../../src/db/knex.ts';
import { startServer, type TestServer } from '../helpers/api.ts';
import { freshDatabase, usingPostgres, type TestDatabase } from '../helpers/db.ts';
import { upgradeManifest } from '../helpers/upgrade.ts';

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

  describe('with data: back to the last release and forward again', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ procedures: true });
    });
    after(() => s?.close());

    it('Given a database in use, When the migrations since v0.2.0 are rolled back and run again, Then the cases and their tasks are all still there', async () => {
      const staff = await s.login('staff');
      const started = await staff.post('/api/process-definitions/fault-report/start', {
        variables: { device: 'computer', occurredAt: '2026-11-30T08:40+08:00', description: '显示器无信号，无法办公' },
      });
      expect(started.status, started.text).to.equal(201);
      const count = async (table: string) => Number((await s.db(table).count({ n: '*' }))[0].n);
      const before = { instances: await count('process_instances'), tasks: await count('tasks'), users: await count('users'), audit: await count('audit_log') };
      const released = Object.keys(upgradeManifest('v0.2.0').migrations);
      const since = files.filter((f) => !released.includes(f));
      expect(since.length).to.be.greaterThan(0);
      for (let i = 0; i < since.length; i++) await s.db.migrate.down();
      const [done] = (await s.db.migrate.list()) as [Array<{ name: string } | string>, unknown[]];
      expect(done.map((d) => (typeof d === 'string' ? d : d.name))).to.deep.equal(released);
      await s.db.migrate.latest();
      expect({ instances: await count('process_instances'), tasks: await count('tasks'), users: await count('users'), audit: await count('audit_log') }).to.deep.equal(before);
    });
  });
});
