import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import Koa from 'koa';
import { webUi } from '../../src/api/static.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { snapshot } from './helpers.ts';

/** Issue 10, finding 12 (the parts that are not about sessions). */

const EXCHANGE = ['district_keys', 'district_imports', 'district_operations', 'audit_log'];

describe('Security: smaller hardening (finding 12)', () => {
  let s: TestServer;
  let sup: Client;
  let reporter: Client;

  before(async () => {
    s = await startServer();
    sup = await s.login('supervisor');
    reporter = await s.login('wujin');
    await s.engine.deploy(
      [{ name: 'keyed.bpmn', content: process('keyed', `<bpmn:startEvent id="start" />${flow('f0', 'start', 'work')}${userTask('work', '办理', 'camunda:candidateGroups="staff"')}${flow('f1', 'work', 'end')}<bpmn:endEvent id="end" />`) }],
      { by: 'owner' },
    );
  });
  after(async () => {
    await s.close();
  });

  it('Given an invalid private key, when a district reporter exports, then 400 BAD_KEY and nothing is written', async () => {
    const key = await sup.post('/api/district-exchange/keys', { districtId: 'district-wujin' });
    expect(key.status).to.equal(201);
    const before = await snapshot(s.db, EXCHANGE);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const privateKeyPem of ['not a key', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', rsa]) {
      const res = await reporter.post('/api/district-exchange/exports', { from: '2026-11-01', to: '2026-11-30', districtId: 'district-wujin', keyId: key.body.keyId, privateKeyPem });
      expect(res.status, privateKeyPem.slice(0, 20)).to.equal(400);
      expect(res.body.error.code).to.equal('BAD_KEY');
    }
    expect(await snapshot(s.db, EXCHANGE)).to.deep.equal(before);
  });

  it('Given a registered key id, when supervision registers another public key under it, then 409 DISTRICT_KEY_EXISTS and the first key stays', async () => {
    const pem = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const first = pem();
    expect((await sup.post('/api/district-exchange/keys', { districtId: 'district-jintan', keyId: 'jintan-2026', publicKey: first })).status).to.equal(201);
    const before = await snapshot(s.db, EXCHANGE);
    const res = await sup.post('/api/district-exchange/keys', { districtId: 'district-wujin', keyId: 'jintan-2026', publicKey: pem() });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('DISTRICT_KEY_EXISTS');
    expect(await snapshot(s.db, EXCHANGE)).to.deep.equal(before);
    expect((await s.db('district_keys').where({ key_id: 'jintan-2026' }).first()).public_key).to.equal(first);
  });

  it('Given a newer file imported, when the older file of the same district is imported, then 409 EXCHANGE_OUTDATED and nothing changes; an import and its audit row commit together', async () => {
    const key = await sup.post('/api/district-exchange/keys', { districtId: 'district-wujin' });
    const exportAt = async () =>
      (await reporter.post('/api/district-exchange/exports', { from: '2026-11-01', to: '2026-12-31', districtId: 'district-wujin', keyId: key.body.keyId, privateKeyPem: key.body.privateKeyPem })).text;
    const older = await exportAt();
    s.clock.advance(60_000);
    const newer = await exportAt();
    const importsBefore = Number((await s.db('district_imports').count({ n: '*' }).first() as any).n);
    const auditBefore = Number((await s.db('audit_log').where({ action: 'district.import' }).count({ n: '*' }).first() as any).n);
    const ok = await sup.post('/api/district-exchange/imports', { file: newer });
    expect(ok.status).to.equal(201);
    expect(ok.body.exportedAt).to.be.a('string');
    expect(Number((await s.db('district_imports').count({ n: '*' }).first() as any).n)).to.equal(importsBefore + 1);
    expect(Number((await s.db('audit_log').where({ action: 'district.import' }).count({ n: '*' }).first() as any).n)).to.equal(auditBefore + 1);

    const before = await snapshot(s.db, EXCHANGE);
    const replay = await sup.post('/api/district-exchange/imports', { file: older });
    expect(replay.status).to.equal(409);
    expect(replay.body.error.code).to.equal('EXCHANGE_OUTDATED');
    expect(await snapshot(s.db, EXCHANGE)).to.deep.equal(before);
    // The same newer file again is still the idempotent 200.
    expect((await sup.post('/api/district-exchange/imports', { file: newer })).status).to.equal(200);
  });

  it('Given a case with a business key, when the same process is started again with that key, then 409 BUSINESS_KEY_TAKEN and no second instance', async () => {
    const staff = await s.login('staff');
    const first = await staff.post('/api/process-definitions/keyed/start', { businessKey: 'XK-2026-0042' });
    expect(first.status).to.equal(201);
    const before = await snapshot(s.db, ['process_instances', 'tasks', 'history']);
    const again = await staff.post('/api/process-definitions/keyed/start', { businessKey: 'XK-2026-0042' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('BUSINESS_KEY_TAKEN');
    // Two at once: the unique index lets exactly one through.
    const both = await Promise.all([1, 2].map(() => staff.post('/api/process-definitions/keyed/start', { businessKey: 'XK-2026-0043' })));
    expect(both.map((r) => r.status).sort()).to.deep.equal([201, 409]);
    const after = await snapshot(s.db, ['process_instances', 'tasks', 'history']);
    expect(after.process_instances).to.equal((before.process_instances as number) + 1);
    expect(await s.db('process_instances').where({ business_key: 'XK-2026-0042' })).to.have.length(1);
  });

  it('Given NODE_ENV=production, when a source map is requested, then 404; in development it is served', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-web-'));
    fs.writeFileSync(path.join(dir, 'app.js'), 'console.log(1)\n//# sourceMappingURL=app.js.map');
    fs.writeFileSync(path.join(dir, 'app.js.map'), '{"version":3,"sources":["secret.ts"]}');
    const serve = async (sourceMaps: boolean | undefined) => {
      const app = new Koa().use(webUi(dir, { sourceMaps }));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const [map, js] = await Promise.all([fetch(`${base}/app.js.map`), fetch(`${base}/app.js`)]);
      await Promise.all([map.text(), js.text()]);
      server.close();
      return [map.status, js.status];
    };
    expect(await serve(false)).to.deep.equal([404, 200]);
    expect(await serve(true)).to.deep.equal([200, 200]);
    const env = globalThis.process.env;
    const saved = env.NODE_ENV;
    env.NODE_ENV = 'production';
    try {
      expect(await serve(undefined)).to.deep.equal([404, 200]);
    } finally {
      if (saved === undefined) delete env.NODE_ENV;
      else env.NODE_ENV = saved;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
