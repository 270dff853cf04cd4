import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { asDatabaseOwner } from '../helpers/db.ts';
import { appendAudit, verifyAudit } from '../../src/domain/audit.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { approvalFiles } from './fixtures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

/** `npm run audit:verify` against this test's database; returns its exit code and JSON output. */
async function cliVerify(s: TestServer): Promise<{ code: number; out: any }> {
  const args = ['--import', 'tsx', path.join(root, 'src/cli/audit-verify.ts')];
  if (s.database.searchPath) args.push('--schema', s.database.searchPath);
  try {
    const { stdout } = await run(process.execPath, args, { cwd: root, env: { ...process.env, DATABASE_URL: s.database.url } });
    return { code: 0, out: JSON.parse(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: JSON.parse(e.stdout) };
  }
}

describe('API: the hash-chained audit trail', () => {
  let s: TestServer;
  let sup: Client;
  let staff: Client;
  let instanceId: string;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, approvalFiles);
    sup = await s.login('supervisor');
    staff = await s.login('staff');
  });
  after(async () => {
    await s.close();
  });

  it('records each state-changing request with who, what, which object, before/after, when and IP', async () => {
    const start = await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'AUD-1', variables: { title: '审计测试' } }, { headers: { 'x-request-id': 'req-audit-1' } });
    instanceId = start.body.id;
    const head = await s.login('head');
    const task = (await head.get(`/api/tasks?candidate=me&instance=${instanceId}`)).body.items[0];
    await head.post(`/api/tasks/${task.id}/claim`);
    await head.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'reject', comment: '不符合' } });

    const rows = (await sup.get(`/api/audit?instance=${instanceId}`)).body.items;
    expect(rows.map((r: any) => r.action)).to.deep.equal(['task.complete', 'task.claim', 'process.start']);
    const [complete, claim, started] = rows;
    expect(started).to.include({ actor: 'staff', objectType: 'process-instance', objectId: instanceId, requestId: 'req-audit-1' });
    expect(started.after).to.deep.include({ processKey: 'api-approval', businessKey: 'AUD-1' });
    expect(started.ip).to.match(/127\.0\.0\.1/);
    expect(claim).to.include({ actor: 'head', objectType: 'task', objectId: task.id });
    expect(claim.before).to.deep.equal({ assignee: null });
    expect(claim.after.assignee).to.equal('head');
    expect(complete.before).to.include({ status: 'open', assignee: 'head' });
    expect(complete.after).to.deep.include({ status: 'completed', variables: { decision: 'reject', comment: '不符合' }, instanceStatus: 'completed' });
    expect(Date.parse(complete.at)).to.equal(s.clock.now());
  });

  it('filters by actor, action and time range; only supervision reads it', async () => {
    const byActor = await sup.get('/api/audit?actor=head&action=task.claim');
    expect(byActor.body.items).to.have.length(1);
    const from = new Date(s.clock.now()).toISOString();
    expect((await sup.get(`/api/audit?from=${encodeURIComponent(from)}&action=process.start`)).body.total).to.equal(1);
    expect((await sup.get(`/api/audit?to=${encodeURIComponent(from)}&action=process.start`)).body.total).to.equal(0);
    expect((await sup.get('/api/audit?from=yesterday')).status).to.equal(400);
    for (const path of ['/api/audit', '/api/audit/verify']) {
      const r = await staff.get(path);
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal('FORBIDDEN');
    }
  });

  it('keeps one unbroken chain under concurrent requests, also from a second connection pool (another node)', async () => {
    const other = await s.database.reopen();
    const heads = await Promise.all(['head', 'legal', 'maint', 'invest'].map((u) => s.login(u)));
    const starts = Array.from({ length: 12 }, (_, i) => staff.post('/api/process-definitions/api-approval/start', { businessKey: `C-${i}`, variables: { title: `并发 ${i}` } }));
    const direct = Array.from({ length: 12 }, (_, i) =>
      other.transaction((trx) => appendAudit(trx, { actor: 'node-2', action: 'test.concurrent', objectId: String(i) }, s.clock.now())),
    );
    const reads = heads.map((h) => h.get('/api/tasks?candidate=me'));
    const results = await Promise.all([...starts, ...direct, ...reads]);
    expect(results.slice(0, 12).every((r: any) => r.status === 201)).to.equal(true);
    const seqs = (await s.db('audit_log').select('seq').orderBy('seq')).map((r: any) => Number(r.seq));
    expect(seqs).to.deep.equal(seqs.map((_, i) => i + 1));
    const v = await sup.get('/api/audit/verify');
    expect(v.status).to.equal(200);
    expect(v.body).to.include({ ok: true, checked: seqs.length });
  });

  it('npm run audit:verify agrees from the command line', async () => {
    const { code, out } = await cliVerify(s);
    expect(code).to.equal(0);
    expect(out.ok).to.equal(true);
    expect(out.checked).to.be.greaterThan(20);
  });

  it('reports the first row changed directly in the database', async () => {
    const target = (await s.db('audit_log').where({ action: 'task.claim' }).first()) as any;
    await asDatabaseOwner(s.db, () => s.db('audit_log').where({ seq: target.seq }).update({ actor: 'someone-else' }));
    const v = await sup.get('/api/audit/verify');
    expect(v.body.ok).to.equal(false);
    expect(v.body.firstBrokenAt).to.equal(Number(target.seq));
    const cli = await cliVerify(s);
    expect(cli.code).to.equal(1);
    expect(cli.out.firstBrokenAt).to.equal(Number(target.seq));
    // Recomputing that row's own hash does not help: the next row still names the old one.
    await asDatabaseOwner(s.db, () => s.db('audit_log').where({ seq: target.seq }).update({ actor: target.actor }));
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('reports deleted rows, in the middle and at the end', async () => {
    const { seq: last } = (await s.db('audit_log').max({ seq: 'seq' }).first()) as any;
    const middle = Math.floor(Number(last) / 2);
    const row = await s.db('audit_log').where({ seq: middle }).first();
    await asDatabaseOwner(s.db, () => s.db('audit_log').where({ seq: middle }).delete());
    let v = await verifyAudit(s.db);
    expect(v).to.include({ ok: false, firstBrokenAt: middle });
    await s.db('audit_log').insert(row);
    expect((await verifyAudit(s.db)).ok).to.equal(true);

    await asDatabaseOwner(s.db, () => s.db('audit_log').where({ seq: last }).delete());
    v = await verifyAudit(s.db);
    expect(v).to.include({ ok: false, firstBrokenAt: Number(last) });
  });
});
