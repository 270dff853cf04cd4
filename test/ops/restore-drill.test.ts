import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { ManualClock } from '../../src/clock.ts';
import { appendAudit, verifyAudit } from '../../src/domain/audit.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { StepHook } from '../../src/engine/steps.ts';
import type { Actor } from '../../src/engine/types.ts';
import { backup } from '../../src/ops/backup.ts';
import { opsTarget } from '../../src/ops/database.ts';
import { databaseFacts, readManifest } from '../../src/ops/manifest.ts';
import { restore } from '../../src/ops/restore.ts';
import { historyOf } from '../../src/store/history.ts';
import { flow, process as bpmn, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';
import { asDatabaseOwner, freshDatabase, postgresUrl, usingPostgres, type TestDatabase } from '../helpers/db.ts';
import { emptyTarget, lastLine, npmRun, snapshotOf, type InstanceSnapshot, type RestoreTarget } from './drill-helpers.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const HOUR = 3_600_000;

describe('ops: restore drill (backup under a stream of work, restore onto a fresh database)', function () {
  this.timeout(180_000);
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;
  let dir: string;
  let target: RestoreTarget;
  let restored: Knex;
  let backupFile: string;
  /** Every committed state of every instance, in order (recorded after each step returns). */
  const history = new Map<string, InstanceSnapshot[]>();
  /** How many states each instance had when the backup started and when it finished. */
  let atStart = new Map<string, number>();
  let atEnd = new Map<string, number>();
  const timers: string[] = [];
  const sourceUrl = usingPostgres ? postgresUrl() : '';
  const schemaArgs = () => (usingPostgres ? ['--schema', t.searchPath!] : []);

  const audited = (action: string): StepHook => (trx, r) =>
    appendAudit(trx, { actor: staff.id, action, objectType: 'instance', objectId: r.instance.id, instanceId: r.instance.id }, clock.now()).then(() => undefined);

  async function record(id: string) {
    history.set(id, [...(history.get(id) ?? []), (await snapshotOf(t.db, id))!]);
  }

  /** One unit of work: start a case, or finish one; every tenth step also starts a timer case. */
  let steps = 0;
  async function step() {
    steps++;
    const open = [...history].filter(([id, s]) => !timers.includes(id) && s[s.length - 1].status === 'running');
    if (steps % 3 === 0 && open.length) {
      const [id] = open[steps % open.length];
      const [task] = (await engine.tasksOfInstance(id)).filter((x) => x.status === 'open');
      await engine.complete(task.id, { by: staff, variables: { ok: true }, hook: audited('drill.complete') });
      await record(id);
    } else {
      const { instance } = await engine.start('drillTask', { by: staff, businessKey: `B-${steps}`, hook: audited('drill.start') });
      await record(instance.id);
    }
    if (steps % 10 === 0) {
      const { instance } = await engine.start('drillTimer', { by: staff, hook: audited('drill.timer') });
      timers.push(instance.id);
      await record(instance.id);
    }
  }

  const counts = () => new Map([...history].map(([id, s]) => [id, s.length]));

  before(async () => {
    t = await freshDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-backups-'));
    clock = new ManualClock(Date.parse('2026-12-01T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy(
      [
        { name: 'task.bpmn', content: bpmn('drillTask', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'handle')}${userTask('handle', '办理', 'camunda:candidateGroups="staff"')}${flow('f1', 'handle', 'end')}<bpmn:endEvent id="end" />`) },
        {
          name: 'timer.bpmn',
          content: bpmn(
            'drillTimer',
            `<bpmn:startEvent id="start" />${flow('f0', 'start', 'wait')}
            <bpmn:intermediateCatchEvent id="wait" name="等待一小时"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            ${flow('f1', 'wait', 'after')}${userTask('after', '到期后办理', 'camunda:candidateGroups="staff"')}${flow('f2', 'after', 'end')}<bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'system' },
    );
    target = await emptyTarget(t.db);
  });

  after(async () => {
    await engine?.stop();
    await target?.drop();
    await t?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes a backup with `npm run backup` while cases keep starting and finishing', async () => {
    // Given a database with work in progress, timers waiting among it
    for (let i = 0; i < 40; i++) await step();
    // When the backup runs as its own process while this one keeps working
    atStart = counts();
    let running = true;
    const cli = npmRun('backup', ['--out', dir, ...schemaArgs()], usingPostgres ? sourceUrl : t.url).finally(() => {
      running = false;
    });
    let during = 0;
    while (running) {
      await step();
      during++;
    }
    const run = await cli;
    atEnd = counts();
    // Then it exits 0 and its last line is the backup file, with the manifest beside it
    expect(run.code, run.stderr).to.equal(0);
    backupFile = lastLine(run.stdout);
    expect(fs.existsSync(backupFile)).to.equal(true);
    const m = readManifest(backupFile);
    expect(m.kind).to.equal(usingPostgres ? 'postgres' : 'sqlite');
    expect(m.schemaVersion).to.match(/^\d{14}_.*\.ts$/);
    expect(m.rowCounts.process_instances).to.be.at.least(atStart.size);
    expect(m.auditHead.seq).to.be.greaterThan(0);
    expect(during).to.be.greaterThan(0);
    // And work goes on after the backup: more cases, and the waiting timers come due and fire here
    for (let i = 0; i < 20; i++) await step();
    clock.advance(2 * HOUR);
    expect(await engine.jobs.runDue()).to.be.greaterThan(0);
    for (const id of timers) await record(id);
  });

  it('restores with `npm run restore` onto an empty database, every case committed before the backup intact', async () => {
    // When the backup is restored onto a fresh database
    const run = await npmRun('restore', [backupFile], target.url);
    expect(run.code, run.stderr).to.equal(0);
    restored = await target.open(t.searchPath);
    // Then every instance committed before the backup started is there, in a state it really had
    let exact = 0;
    for (const [id, n] of atStart) {
      const snap = await snapshotOf(restored, id);
      expect(snap, `instance ${id} is missing`).to.not.equal(undefined);
      const states = history.get(id)!;
      const at = states.findIndex((s) => JSON.stringify(s) === JSON.stringify(snap));
      expect(at, `instance ${id} restored in a state it never had`).to.be.at.least(n - 1);
      // … and exactly the state it had if nothing touched it while the backup ran
      if (atEnd.get(id) === n) {
        expect(snap).to.deep.equal(states[n - 1]);
        exact++;
      }
    }
    expect(exact).to.be.greaterThan(0);
    // And the audit chain verifies and ends where the manifest says
    const audit = await verifyAudit(restored);
    expect(audit.ok, audit.reason).to.equal(true);
    expect(audit.headHash).to.equal(readManifest(backupFile).auditHead.hash);
  });

  it('holds nothing half-written: every restored case is consistent across instances, tasks, jobs and audit', async () => {
    const rows: Array<{ id: string; process_key: string }> = await restored('process_instances').select('id', 'process_key');
    const auditRows: Array<{ instance_id: string; action: string }> = await restored('audit_log').select('instance_id', 'action');
    for (const { id, process_key: key } of rows) {
      const snap = (await snapshotOf(restored, id))!;
      // Every restored instance is one this test committed, in one of its committed states
      expect(history.get(id)?.map((s) => JSON.stringify(s)), `unknown instance ${id}`).to.include(JSON.stringify(snap));
      const open = snap.tasks.filter((x) => x.endsWith(':open'));
      const actions = auditRows.filter((a) => a.instance_id === id).map((a) => a.action).sort();
      if (key === 'drillTask') {
        expect(snap.jobs).to.deep.equal([]);
        expect(snap.tasks).to.have.length(1);
        expect(open).to.have.length(snap.status === 'running' ? 1 : 0);
        expect(actions).to.deep.equal(snap.status === 'running' ? ['drill.start'] : ['drill.complete', 'drill.start']);
      } else {
        // A timer case waits with its timer job and no task, or has fired and has its task
        expect(snap.status).to.equal('running');
        expect(snap.jobs.length + open.length).to.equal(1);
        expect(actions).to.deep.equal(['drill.timer']);
      }
    }
    // And no audit row speaks of an instance the backup does not hold
    const ids = new Set(rows.map((r) => r.id));
    expect(auditRows.filter((a) => a.instance_id && !ids.has(a.instance_id))).to.deep.equal([]);
  });

  it('fires each timer that came due in the gap exactly once when an engine runs on the restored database', async () => {
    const waiting = (await restored('jobs').where({ type: 'timer' }).select('instance_id')).map((r: { instance_id: string }) => r.instance_id);
    expect(waiting.length).to.be.greaterThan(0);
    expect(waiting).to.include.members(timers.filter((id) => atStart.has(id)));
    // When an engine starts on the restored database (the clock is already past the due time)
    const revived = await EngineService.create({ db: restored, clock });
    try {
      expect(await revived.jobs.runDue()).to.equal(waiting.length);
      expect(await revived.jobs.runDue()).to.equal(0);
    } finally {
      await revived.stop();
    }
    // Then each timer case fired once and waits at its next task
    for (const id of waiting) {
      const fired = (await historyOf(restored, id)).filter((h) => h.type === 'timer.fired');
      expect(fired, `timer of ${id}`).to.have.length(1);
      const snap = (await snapshotOf(restored, id))!;
      expect(snap.jobs).to.deep.equal([]);
      expect(snap.tasks.filter((x) => x.endsWith(':after:open'))).to.have.length(1);
    }
  });

  describe('restore refuses what does not verify, and leaves the target as it was', () => {
    let spare: RestoreTarget;
    before(async () => {
      spare = await emptyTarget(t.db);
    });
    after(async () => {
      await spare?.drop();
    });

    /** A copy of the backup (and its manifest) in its own directory, for tampering with. */
    function copyOfBackup(): string {
      const d = fs.mkdtempSync(path.join(dir, 'copy-'));
      const file = path.join(d, path.basename(backupFile));
      fs.copyFileSync(backupFile, file);
      fs.copyFileSync(`${backupFile}.manifest.json`, `${file}.manifest.json`);
      return file;
    }

    function expectRefusal(run: { code: number; stderr: string }, code: string) {
      expect(run.code).to.not.equal(0);
      expect(run.stderr).to.contain(`[${code}]`);
      expect(run.stderr, 'a message, not a stack trace').to.not.match(/^\s+at /m);
    }

    it('refuses a tampered backup file (SHA-256 mismatch)', async () => {
      // Given a backup file with one byte changed
      const file = copyOfBackup();
      const bytes = fs.readFileSync(file);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      fs.writeFileSync(file, bytes);
      // When it is restored
      const run = await npmRun('restore', [file], spare.url);
      // Then restore exits 1 and nothing was written to the target
      expectRefusal(run, 'BACKUP_CHECKSUM_MISMATCH');
      expect(run.code).to.equal(1);
      expect(await spare.isUntouched(t.searchPath)).to.equal(true);
    });

    it('refuses a manifest whose audit head does not match the restored chain', async () => {
      // Given an intact file whose manifest claims another audit head
      const file = copyOfBackup();
      const m = JSON.parse(fs.readFileSync(`${file}.manifest.json`, 'utf8'));
      m.auditHead.hash = 'f'.repeat(64);
      fs.writeFileSync(`${file}.manifest.json`, JSON.stringify(m));
      // When it is restored
      const run = await npmRun('restore', [file], spare.url);
      // Then restore exits 1 and takes the restored data away again
      expectRefusal(run, 'RESTORE_MISMATCH');
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain('审计链末尾');
      expect(await spare.isUntouched(t.searchPath)).to.equal(true);
    });

    it('refuses a backup whose audit chain was edited before it was taken (AUDIT_CHAIN_BROKEN)', async () => {
      // Given a backup, with a consistent manifest, of a database where one audit row was edited by hand
      await asDatabaseOwner(t.db, () => t.db('audit_log').where({ seq: 2 }).update({ actor: 'someone-else' }));
      const { file } = await backup(usingPostgres ? opsTarget(sourceUrl, t.searchPath) : opsTarget(t.url), fs.mkdtempSync(path.join(dir, 'edited-')));
      // When it is restored, the re-computed chain breaks at the edited row
      const err = await expectError(restore(opsTarget(spare.url, t.searchPath), file), 'AUDIT_CHAIN_BROKEN');
      expect(err.exitCode).to.equal(1);
      expect(err.details.firstBrokenAt).to.equal(2);
      // Then the target is as empty as it was
      expect(await spare.isUntouched(t.searchPath)).to.equal(true);
    });

    it('refuses a target that is not empty and changes nothing in it', async () => {
      // Given the database restored above, which now holds work done after the restore
      const before = await databaseFacts(restored);
      // When the backup is restored onto it again
      const run = await npmRun('restore', [backupFile], target.url);
      // Then restore exits 2 and every table still has its rows, the audit chain its head
      expectRefusal(run, 'TARGET_NOT_EMPTY');
      expect(run.code).to.equal(2);
      expect(await databaseFacts(restored)).to.deep.equal(before);
      expect((await verifyAudit(restored)).headHash).to.equal(before.auditHead.hash);
    });
  });
});
