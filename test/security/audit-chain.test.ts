import { expect } from 'chai';
import { appendAudit } from '../../src/domain/audit.ts';
import { chainAudit, verifyAudit } from '../../src/domain/audit-chain.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { asDatabaseOwner } from '../helpers/db.ts';
import { approvalFiles } from '../api/fixtures.ts';

/**
 * Issue 15, item 2: the audit trail off the hot path. A step's transaction only inserts its audit
 * row (with the hash of its own content); no row is shared by all writers. One chainer at a time
 * links committed rows into the chain afterwards, and verification is as strong as before.
 */
describe('security: the audit chain is linked after commit, writers never share a row', () => {
  let s: TestServer;
  let sup: Client;
  let staff: Client;

  const head = async () => {
    const r = await s.db('audit_head').where({ id: 1 }).first();
    return { seq: Number(r.seq), hash: r.hash as string };
  };
  const linkedSeqs = async () => (await s.db('audit_chain').orderBy('pos').select('pos', 'seq')).map((r: any) => [Number(r.pos), Number(r.seq)]);

  before(async () => {
    s = await startServer();
    await deployViaApi(s, approvalFiles);
    sup = await s.login('supervisor');
    staff = await s.login('staff');
    await chainAudit(s.db);
  });
  after(async () => {
    await s.close();
  });

  it('Given a linked chain, when requests append audit rows, then they leave the chain head alone until the chainer links them, in order', async () => {
    const before = await head();
    const r = await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'CH-1', variables: { title: '链接' } });
    expect(r.status).to.equal(201);
    // The request wrote its row and queued it; it did not touch the shared head.
    expect(await head()).to.deep.equal(before);
    const mine = await s.db('audit_log').where({ action: 'process.start', instance_id: r.body.id }).first();
    expect(mine.prev_hash).to.equal('');
    expect(await s.db('audit_pending').where({ seq: mine.seq }).first()).to.not.equal(undefined);

    const linked = await chainAudit(s.db);
    expect(linked).to.be.greaterThan(0);
    const after = await head();
    expect(after.seq).to.equal(before.seq + linked);
    expect(Number((await s.db('audit_pending').count({ n: '*' }).first())!.n)).to.equal(0);
    const pos = (await linkedSeqs()).map(([p]) => p);
    expect(pos).to.deep.equal(pos.map((_, i) => i + 1));
    const v = await verifyAudit(s.db);
    expect(v).to.include({ ok: true, headHash: after.hash });
    expect(v.checked).to.equal(after.seq);
  });

  it('Given two nodes chaining at once, when both run while writers keep appending, then every row is linked exactly once', async () => {
    const other = await s.database.reopen();
    const writes = Array.from({ length: 30 }, (_, i) => (i % 2 ? s.db : other).transaction((trx) => appendAudit(trx, { actor: 'node', action: 'test.race', objectId: String(i) }, Date.now())));
    const chainers = Array.from({ length: 6 }, (_, i) => chainAudit(i % 2 ? s.db : other));
    await Promise.all([...writes, ...chainers]);
    await chainAudit(other);
    const links = await linkedSeqs();
    const seqs = links.map(([, seq]) => seq);
    expect(new Set(seqs).size).to.equal(seqs.length);
    expect(links.map(([p]) => p)).to.deep.equal(links.map((_, i) => i + 1));
    const rows = Number((await s.db('audit_log').count({ n: '*' }).first())!.n);
    expect(seqs).to.have.length(rows);
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('Given a row written around the platform (triggers off), when the chain is verified, then it is reported as not in the chain', async () => {
    const last = Number((await s.db('audit_log').max({ m: 'seq' }).first())!.m);
    const forged = { seq: last + 100, at: Date.now(), actor: 'mallory', action: 'task.complete', prev_hash: '', hash: 'f'.repeat(64) };
    await asDatabaseOwner(s.db, () => s.db('audit_log').insert(forged));
    await chainAudit(s.db);
    const v = await verifyAudit(s.db);
    expect(v.ok).to.equal(false);
    expect(v.broken).to.deep.include({ seq: last + 100, reason: `第 ${last + 100} 条审计记录不在审计链中（绕过平台写入）` });
    await asDatabaseOwner(s.db, () => s.db('audit_log').where({ seq: last + 100 }).delete());
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('Given a link of the chain edited in the database, when verified, then that row is reported and the rest still checks', async () => {
    const link = await s.db('audit_chain').orderBy('pos', 'desc').offset(3).first();
    await asDatabaseOwner(s.db, () => s.db('audit_chain').where({ pos: link.pos }).update({ hash: 'e'.repeat(64) }));
    const v = await verifyAudit(s.db);
    // Only the edited link is reported: its successor still names the true hash.
    expect(v).to.include({ ok: false, firstBrokenAt: Number(link.seq) });
    expect(v.broken).to.deep.equal([{ seq: Number(link.seq), reason: `第 ${link.seq} 条审计记录内容被修改` }]);
    await asDatabaseOwner(s.db, () => s.db('audit_chain').where({ pos: link.pos }).update({ hash: link.hash }));
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('Given the monitor, when it loads, then it reads the kept verification; 立即校验 re-hashes and keeps the new result', async () => {
    const first = await sup.get('/api/audit/verify');
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ ok: true });
    const target = await s.db('audit_log').where({ action: 'process.start' }).first();
    await asDatabaseOwner(s.db, () => s.db('audit_log').where({ seq: target.seq }).update({ actor: 'someone-else' }));
    // The kept result is what the last verification found: the page load did not re-hash the chain.
    const kept = await sup.get('/api/audit/verification');
    expect(kept.status).to.equal(200);
    expect(kept.body).to.include({ ok: true, checked: first.body.checked, verifiedAt: first.body.verifiedAt });
    const now = await sup.get('/api/audit/verify');
    expect(now.body).to.include({ ok: false, firstBrokenAt: Number(target.seq) });
    expect((await sup.get('/api/audit/verification')).body).to.include({ ok: false, firstBrokenAt: Number(target.seq) });
    await asDatabaseOwner(s.db, () => s.db('audit_log').where({ seq: target.seq }).update({ actor: target.actor }));
    expect((await sup.get('/api/audit/verify')).body.ok).to.equal(true);
    const refused = await staff.get('/api/audit/verification');
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('FORBIDDEN');
  });
});
