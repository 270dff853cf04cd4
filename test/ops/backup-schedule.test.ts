import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { backupFileName } from '../../src/ops/backup.ts';
import { opsTarget } from '../../src/ops/database.ts';
import { readManifest } from '../../src/ops/manifest.ts';
import { BackupScheduler } from '../../src/ops/scheduled.ts';
import { freshDatabase, postgresUrl, usingPostgres, type TestDatabase } from '../helpers/db.ts';

describe('ops: scheduled backup (once a day across nodes, with retention)', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let dir: string;
  let clock: ManualClock;
  const policy = { daily: 30, monthly: 12 };

  before(async () => {
    t = await freshDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-scheduled-'));
  });
  after(async () => {
    await t.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const target = () => (usingPostgres ? opsTarget(postgresUrl(), t.searchPath) : opsTarget(t.url));
  const nodeOn = (node: string, over: Partial<ConstructorParameters<typeof BackupScheduler>[0]> = {}) =>
    new BackupScheduler({ db: t.db, clock, node, target: target(), dir, atMinutes: 2 * 60, policy, ...over });
  const backups = () => fs.readdirSync(dir).filter((f) => /\.(sqlite|dump)$/.test(f)).sort();

  it('is not due before BACKUP_AT, then exactly one of two nodes takes the day’s backup', async () => {
    // Given two nodes and a clock at 01:59 Beijing time
    clock = new ManualClock(Date.parse('2026-12-01T01:59:00+08:00'));
    const [a, b] = [nodeOn('node-a'), nodeOn('node-b')];
    expect(await a.tick()).to.equal('not due');
    expect(backups()).to.deep.equal([]);
    // When both tick at 02:00
    clock.set(Date.parse('2026-12-01T02:00:00+08:00'));
    const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
    // Then one of them took the backup and the other found it done
    expect([ra, rb].filter((r) => r === 'done before')).to.have.length(1);
    expect(backups()).to.deep.equal([backupFileName(clock.now(), usingPostgres ? 'postgres' : 'sqlite')]);
    expect(readManifest(path.join(dir, backups()[0])).rowCounts.scheduled_runs).to.equal(1);
    const run = await t.db('scheduled_runs').where({ name: 'backup', period: '2026-12-01' }).first();
    expect(run.finished_at).to.not.equal(null);
    // And a later tick the same day does nothing
    clock.advance(3_600_000);
    expect(await a.tick()).to.equal('done before');
    expect(backups()).to.have.length(1);
  });

  it('prunes BACKUP_DIR by the retention policy after the next day’s backup', async () => {
    // Given old backups from 40 and 35 days ago (same month) and last month's end, with manifests
    const kind = usingPostgres ? 'postgres' : 'sqlite';
    const old = [Date.parse('2026-10-23T02:00:00+08:00'), Date.parse('2026-10-28T02:00:00+08:00')];
    for (const at of old) {
      const f = path.join(dir, backupFileName(at, kind));
      fs.writeFileSync(f, 'old');
      fs.writeFileSync(`${f}.manifest.json`, '{}');
    }
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a backup');
    // When the next day's backup runs
    clock.set(Date.parse('2026-12-02T02:30:00+08:00'));
    const r = await nodeOn('node-a').tick();
    // Then October keeps only its newest backup, and other files are left alone
    expect(r).to.have.property('deleted').that.deep.equals([path.join(dir, backupFileName(old[0], kind))]);
    expect(backups()).to.deep.equal([old[1], Date.parse('2026-12-01T02:00:00+08:00'), clock.now()].map((at) => backupFileName(at, kind)));
    expect(fs.existsSync(path.join(dir, `${backupFileName(old[0], kind)}.manifest.json`))).to.equal(false);
    expect(fs.existsSync(path.join(dir, 'notes.txt'))).to.equal(true);
  });

  it('gives the day back when the backup fails, so that the next tick tries again', async () => {
    // Given a node whose backup cannot be taken (a database that is not there)
    clock.set(Date.parse('2026-12-03T02:00:00+08:00'));
    const broken = nodeOn('node-a', { target: usingPostgres ? opsTarget(postgresUrl(), 'no_such_schema') : opsTarget(path.join(dir, 'missing.sqlite')) });
    // When it ticks, the tick fails and leaves no claim and no file behind
    let failed = false;
    await broken.tick().catch(() => (failed = true));
    expect(failed).to.equal(true);
    expect(await t.db('scheduled_runs').where({ name: 'backup', period: '2026-12-03' })).to.deep.equal([]);
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).to.deep.equal([]);
    // Then a healthy node takes the day's backup on its next tick
    expect(await nodeOn('node-b').tick()).to.have.property('file');
  });
});
