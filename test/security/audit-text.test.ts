import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { asDatabaseOwner } from '../helpers/db.ts';
import { appendAudit, verifyAudit } from '../../src/domain/audit.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { snapshot } from './helpers.ts';

/** Issue 10, finding 11 (and the JSON part of 12): the audit chain cannot be poisoned by text. */

const TABLES = ['district_keys', 'audit_log'];
const publicKey = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** JSON text with a lone surrogate, as an attacker sends it (JSON.stringify would escape it the same way). */
const loneSurrogateBody = (pem: string) => `{"districtId":"district-wujin","keyId":"wujin-\\ud800","publicKey":${JSON.stringify(pem)}}`;

describe('Security: ill-formed text and deep JSON are refused; the audit chain hashes what it stores (finding 11)', () => {
  let s: TestServer;
  let sup: Client;

  before(async () => {
    s = await startServer();
    sup = await s.login('supervisor');
  });
  after(async () => {
    await s.close();
  });

  it('Given a district key id with a lone UTF-16 surrogate, when supervision registers it, then 400 ILL_FORMED_TEXT, no key, no audit row, and the chain verifies', async () => {
    const before = await snapshot(s.db, TABLES);
    const res = await sup.post('/api/district-exchange/keys', undefined, { raw: loneSurrogateBody(publicKey()), headers: { 'content-type': 'application/json' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('ILL_FORMED_TEXT');
    expect(await snapshot(s.db, TABLES)).to.deep.equal(before);
    const verify = await sup.get('/api/audit/verify');
    expect(verify.body).to.include({ ok: true });
    expect(verify.body.broken).to.deep.equal([]);
  });

  it('Given a NUL character or an ill-formed object key anywhere in a body, then 400 ILL_FORMED_TEXT and nothing stored', async () => {
    const before = await snapshot(s.db, TABLES);
    for (const raw of [
      `{"districtId":"district-wujin","keyId":"k\\u0000","publicKey":${JSON.stringify(publicKey())}}`,
      `{"districtId":"district-wujin","keyId":"k2","publicKey":${JSON.stringify(publicKey())},"extra":{"\\udc00":1}}`,
    ]) {
      const res = await sup.post('/api/district-exchange/keys', undefined, { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, raw).to.equal(400);
      expect(res.body.error.code).to.equal('ILL_FORMED_TEXT');
    }
    expect(await snapshot(s.db, TABLES)).to.deep.equal(before);
  });

  it('Given 40,000 levels of nested JSON, when sent to ordinary endpoints and to deployments, then 400 JSON_TOO_DEEP (never 500) and nothing changed', async () => {
    const owner = await s.login('owner');
    const before = await snapshot(s.db, [...TABLES, 'process_instances', 'deployments', 'sessions']);
    const deepArray = '['.repeat(40_000) + ']'.repeat(40_000);
    const deepObject = '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000);
    const attempts: Array<[Client, string, string]> = [
      [sup, '/api/district-exchange/keys', `{"districtId":"district-wujin","x":${deepArray}}`],
      [sup, '/api/notifications/read', `{"ids":${deepArray}}`],
      [owner, '/api/process-definitions/api-approval/start', `{"variables":${deepObject}}`],
      [owner, '/api/deployments', `{"files":${deepArray}}`],
      [s.anonymous(), '/api/auth/login', deepObject],
    ];
    for (const [client, path, raw] of attempts) {
      const res = await client.post(path, undefined, { raw, headers: { 'content-type': 'application/json' } });
      expect(res.status, path).to.equal(400);
      expect(res.body.error.code, path).to.equal('JSON_TOO_DEEP');
    }
    expect(await snapshot(s.db, [...TABLES, 'process_instances', 'deployments', 'sessions'])).to.deep.equal(before);
  });

  it('Given an audit entry whose text holds a lone surrogate (or is cut inside a pair), when appended through the engine, then the chain still verifies', async () => {
    await s.db.transaction((trx) => appendAudit(trx, { actor: 'supervisor', action: 'test.text', objectType: 'x', objectId: 'key-\ud800-\u0000', after: { keyId: '\udfff' } }, s.clock.now()));
    // 100 characters is the actor column: the cut falls between the two halves of 😀.
    await s.db.transaction((trx) => appendAudit(trx, { actor: 'a'.repeat(99) + '😀', action: 'test.text' }, s.clock.now()));
    const stored = await s.db('audit_log').where({ action: 'test.text' }).orderBy('seq');
    expect(stored[0].object_id).to.equal('key-\ufffd-\ufffd');
    expect(stored[1].actor).to.equal('a'.repeat(99) + '\ufffd');
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('Given two rows edited in the database, when the chain is verified, then both are reported, not only the first', async () => {
    const rows = await s.db('audit_log').orderBy('seq').select('seq', 'actor');
    const [a, b] = [rows[1], rows[rows.length - 1]];
    await asDatabaseOwner(s.db, async () => {
      await s.db('audit_log').where({ seq: a.seq }).update({ actor: 'mallory' });
      await s.db('audit_log').where({ seq: b.seq }).update({ actor: 'mallory' });
    });
    const v = await sup.get('/api/audit/verify');
    expect(v.body).to.include({ ok: false, firstBrokenAt: Number(a.seq) });
    expect(v.body.broken.map((x: any) => x.seq)).to.deep.equal([Number(a.seq), Number(b.seq)]);
    expect(v.body.truncated).to.equal(undefined);
    await asDatabaseOwner(s.db, async () => {
      for (const r of [a, b]) await s.db('audit_log').where({ seq: r.seq }).update({ actor: r.actor });
    });
    expect((await verifyAudit(s.db)).broken).to.deep.equal([]);
  });
});
