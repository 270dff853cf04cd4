import fs from 'node:fs';
import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { migrationsDir } from '../../src/db/knex.ts';
import { verifyAudit } from '../../src/domain/audit.ts';
import { readiness } from '../../src/ops/health.ts';
import { startServer, T0, type Client, type TestServer } from '../helpers/api.ts';
import { currentMigrationHashes, upgradeManifest, upgradedDatabase } from '../helpers/upgrade.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RELEASE = 'v0.2.0';

/**
 * Upgrades under running cases (issue 19, item 2). The fixture is a database written by release
 * v0.2.0's own code (scripts/make-upgrade-fixture.ts): eight cases left waiting at a user task
 * (unclaimed, claimed, after a first step), a boundary timer, an intermediate timer, a message and
 * one branch of a parallel split, plus one finished case. The current code opens it as `npm start`
 * does (the migrations v0.2.0 lacked run first) and every case is carried to its end.
 */
describe(`ops: upgrade from ${RELEASE} with running cases`, function () {
  this.timeout(120_000);
  let s: TestServer;
  let oldMigrations: string[];
  let staff: Client;
  let head: Client;
  const clock = new ManualClock(T0 + HOUR);

  const instanceOf = async (businessKey: string) => (await s.db('process_instances').where({ business_key: businessKey }).first())!;
  const openTasks = async (businessKey: string) =>
    s.db('tasks').join('process_instances as i', 'i.id', 'tasks.instance_id').where({ 'i.business_key': businessKey, 'tasks.status': 'open' }).orderBy('tasks.element_id').select('tasks.id', 'tasks.element_id', 'tasks.assignee');
  const complete = async (who: Client, businessKey: string, elementId: string, variables: Record<string, unknown> = {}) => {
    const task = (await openTasks(businessKey)).find((t) => t.element_id === elementId);
    expect(task, `${businessKey} waits at ${elementId}`).to.exist;
    if (!task!.assignee) expect((await who.post(`/api/tasks/${task!.id}/claim`)).status).to.equal(200);
    const res = await who.post(`/api/tasks/${task!.id}/complete`, { variables });
    expect(res.status, res.text).to.equal(200);
  };

  before(async () => {
    const database = await upgradedDatabase(RELEASE);
    oldMigrations = database.before;
    s = await startServer({ database, clock });
    [staff, head] = await Promise.all(['staff', 'head'].map((u) => s.login(u)));
  });

  after(() => s?.close());

  it('Given the v0.2.0 migrations, unchanged since, When the current code opens the database, Then the missing migrations have run and the node is ready', async () => {
    const manifest = upgradeManifest(RELEASE);
    expect(oldMigrations).to.deep.equal(Object.keys(manifest.migrations));
    expect(currentMigrationHashes(oldMigrations)).to.deep.equal(manifest.migrations);
    const all = fs.readdirSync(migrationsDir).filter((f) => /^\d{14}_.*\.ts$/.test(f)).sort();
    const ran = (await s.db('knex_migrations').orderBy('id').select('name')).map((r) => r.name);
    expect(ran).to.deep.equal(all);
    expect(all.length).to.be.greaterThan(oldMigrations.length);
    expect(await readiness(s.db)).to.deep.include({ ok: true });
  });

  it('Then the platform procedures changed since v0.2.0 wait as a startup proposal; a leader approves it and the new versions are active', async () => {
    const [proposal] = await s.db('deployment_proposals').where({ status: 'pending' }).select('id', 'source', 'proposed_by');
    expect(proposal).to.include({ source: 'startup', proposed_by: 'system' });
    const leader = await s.login('leader');
    const res = await leader.post(`/api/deployments/${proposal.id}/approve`, { comment: '升级后同意' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.status).to.equal('active');
  });

  it('Then every case waits where v0.2.0 left it and the audit chain written by v0.2.0 verifies', async () => {
    const running = await s.db('process_instances').where({ status: 'running' }).orderBy('business_key').pluck('business_key');
    expect(running).to.deep.equal(['A-0', 'A-1', 'M-1', 'P-1', 'R-1', 'R-2', 'R-3', 'T-1']);
    const waits = async (k: string) => (await openTasks(k)).map((t) => `${t.element_id}${t.assignee ? `@${t.assignee}` : ''}`);
    expect(await waits('R-1')).to.deep.equal(['accept']);
    expect(await waits('R-2')).to.deep.equal(['accept@staff']);
    expect(await waits('R-3')).to.deep.equal(['check']);
    expect(await waits('P-1')).to.deep.equal(['b']);
    expect(await waits('A-1')).to.deep.equal(['Task_Approve']);
    expect(await waits('A-0')).to.deep.equal(['Task_Notify@staff']);
    expect(await waits('T-1')).to.deep.equal([]);
    expect(await waits('M-1')).to.deep.equal([]);
    const audit = await verifyAudit(s.db);
    expect(audit.ok, JSON.stringify(audit.broken)).to.equal(true);
    expect(audit.checked).to.be.greaterThan(40);
  });

  it('When the waiting people act, Then their tasks complete under the new code', async () => {
    await complete(staff, 'R-2', 'accept', { note: '升级后受理' });
    await complete(head, 'R-2', 'check');
    await complete(head, 'R-3', 'check');
    await complete(head, 'P-1', 'b');
    await complete(head, 'A-1', 'Task_Approve', { decision: 'approve' });
    await complete(staff, 'A-1', 'Task_Notify');
    await complete(staff, 'A-0', 'Task_Notify');
    for (const k of ['R-2', 'R-3', 'P-1', 'A-1', 'A-0']) expect((await instanceOf(k)).status, k).to.equal('completed');
    // R-2's boundary timer went with its step.
    expect(await s.db('jobs').where({ instance_id: (await instanceOf('R-2')).id }).count({ c: '*' }).first()).to.deep.equal({ c: 0 });
  });

  it('When the message v0.2.0 waited for arrives, Then M-1 moves on to its next step and ends', async () => {
    const res = await staff.post('/api/process-instances/messages/upg-docs', { businessKey: 'M-1' });
    expect(res.status, res.text).to.equal(200);
    await complete(staff, 'M-1', 'after');
    expect((await instanceOf('M-1')).status).to.equal('completed');
  });

  it('When the timers v0.2.0 set fall due, Then each fires exactly once and its case goes on to its end', async () => {
    clock.set(T0 + 3 * HOUR);
    staff = await s.login('staff');
    expect(await s.engine.jobs.runDue()).to.equal(1);
    expect(await s.engine.jobs.runDue()).to.equal(0);
    expect((await openTasks('T-1')).map((t) => t.element_id)).to.deep.equal(['after']);
    await complete(staff, 'T-1', 'after');

    clock.set(T0 + 3 * DAY);
    staff = await s.login('staff');
    expect(await s.engine.jobs.runDue()).to.equal(1);
    expect(await s.engine.jobs.runDue()).to.equal(0);
    expect((await openTasks('R-1')).map((t) => t.element_id)).to.deep.equal(['urge']);
    await complete(staff, 'R-1', 'urge');
    for (const k of ['T-1', 'R-1']) expect((await instanceOf(k)).status, k).to.equal('completed');
  });

  it('Then no case of v0.2.0 is left running, no job or incident is left over, and the audit chain still verifies', async () => {
    expect(await s.db('process_instances').where({ status: 'running' }).pluck('business_key')).to.deep.equal([]);
    expect(await s.db('jobs').count({ c: '*' }).first()).to.deep.equal({ c: 0 });
    expect(await s.db('incidents').where({ status: 'open' }).count({ c: '*' }).first()).to.deep.equal({ c: 0 });
    const audit = await verifyAudit(s.db);
    expect(audit.ok, JSON.stringify(audit.broken)).to.equal(true);
  });
});

/**
 * The waits v0.2.0 did not have, across the migrations added since: a fixture written by commit
 * bb70438 (main on 2026-12-02, not a release) with a 会签 (multi-instance) task one of three has
 * signed, and a case waiting at a call activity whose child waits at a user task, a boundary timer
 * pending on the call.
 */
describe('ops: upgrade from snapshot bb70438 (multi-instance and call activity waits)', function () {
  this.timeout(120_000);
  let s: TestServer;
  const clock = new ManualClock(T0 + HOUR);
  const SNAPSHOT = 'snapshot-bb70438';

  const instance = async (where: Record<string, string>) => (await s.db('process_instances').where(where).first())!;
  const open = async (instanceId: string) => s.db('tasks').where({ instance_id: instanceId, status: 'open' }).orderBy('assignee').select('id', 'element_id', 'assignee');
  const complete = async (who: Client, taskId: string, claim: boolean) => {
    if (claim) expect((await who.post(`/api/tasks/${taskId}/claim`)).status).to.equal(200);
    const res = await who.post(`/api/tasks/${taskId}/complete`, {});
    expect(res.status, res.text).to.equal(200);
  };

  before(async () => {
    s = await startServer({ database: await upgradedDatabase(SNAPSHOT), clock });
  });
  after(() => s?.close());

  it('Given the snapshot upgraded, Then the remaining signers sign, the case goes on to 归档 and ends', async () => {
    expect(await readiness(s.db)).to.deep.include({ ok: true });
    const mi = await instance({ business_key: 'MI-1' });
    expect((await open(mi.id)).map((t) => `${t.element_id}@${t.assignee}`)).to.deep.equal(['sign@leader', 'sign@supervisor']);
    for (const t of await open(mi.id)) await complete(await s.login(t.assignee), t.id, false);
    const [file] = await open(mi.id);
    expect(file.element_id).to.equal('file');
    await complete(await s.login('staff'), file.id, true);
    expect((await instance({ business_key: 'MI-1' })).status).to.equal('completed');
  });

  it('Then the called child completes, its parent takes the result and ends, and the call’s boundary timer never fires', async () => {
    const parent = await instance({ business_key: 'C-1' });
    const child = await instance({ parent_instance_id: parent.id });
    expect(child.status).to.equal('running');
    const [opine] = await open(child.id);
    await complete(await s.login('head'), opine.id, true);
    await s.engine.jobs.runDue();
    expect((await instance({ id: child.id })).status).to.equal('completed');
    const [decide] = await open(parent.id);
    expect(decide.element_id).to.equal('decide');
    await complete(await s.login('staff'), decide.id, true);
    expect((await instance({ id: parent.id })).status).to.equal('completed');
    clock.set(T0 + 11 * DAY);
    expect(await s.engine.jobs.runDue()).to.equal(0);
    expect(await s.db('process_instances').whereIn('process_key', ['upg-countersign', 'upg-parent', 'upg-child']).whereNot({ status: 'completed' }).count({ c: '*' }).first()).to.deep.equal({ c: 0 });
    const audit = await verifyAudit(s.db);
    expect(audit.ok, JSON.stringify(audit.broken)).to.equal(true);
  });
});
