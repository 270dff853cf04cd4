import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { approvalFiles } from './fixtures.ts';

/**
 * Issue 15, item 6: DATABASE_READ_URL. Reads that may lag a moment (the monitor summary, the
 * statistics, the compliance report) go to a read replica; steps and everything else stay on the
 * primary. Here the "replica" is a second pool on the same database, and each pool counts its queries.
 */
describe('API: a read replica serves the monitor, statistics and the compliance report', () => {
  let s: TestServer;
  let sup: Client;
  let staff: Client;
  const counted = { primary: 0, replica: 0 };

  before(async () => {
    s = await startServer({ readReplica: true });
    await deployViaApi(s, approvalFiles);
    sup = await s.login('supervisor');
    staff = await s.login('staff');
    s.db.on('query', () => counted.primary++);
    s.readDb!.on('query', () => counted.replica++);
  });
  after(async () => {
    await s.close();
  });

  const reset = () => {
    counted.primary = 0;
    counted.replica = 0;
  };

  it('Given a running case, when supervision reads the monitor summary, then the figures come from the replica and only the session check from the primary', async () => {
    expect((await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'R-1', variables: { title: '副本' } })).status).to.equal(201);
    reset();
    const r = await sup.get('/api/monitor/summary');
    expect(r.status).to.equal(200);
    expect(r.body.running).to.equal(1);
    expect(counted.replica).to.be.greaterThan(0);
    // The primary still answers who is asking (sessions must never lag): a couple of statements, no figures.
    expect(counted.primary).to.be.at.most(3);
  });

  it('the statistics and the compliance report read from the replica too', async () => {
    for (const path of ['/api/stats?from=2026-11-01&to=2026-11-30', '/api/compliance/report?from=2026-11-01&to=2026-11-30']) {
      reset();
      const r = await sup.get(path);
      expect(r.status, path).to.equal(200);
      expect(counted.replica, path).to.be.greaterThan(counted.primary);
    }
  });

  it('a step never reads the replica: starting and completing work only on the primary', async () => {
    reset();
    const r = await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'R-2', variables: { title: '写入' } });
    expect(r.status).to.equal(201);
    expect(counted.replica).to.equal(0);
    expect(counted.primary).to.be.greaterThan(5);
  });

  it('DATABASE_READ_URL is refused with a SQLite primary (a replica is a PostgreSQL thing), with the reason', () => {
    let err: unknown;
    try {
      loadConfig({ DATABASE_URL: 'data/x.sqlite', DATABASE_READ_URL: 'postgres://replica/db' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as Error).message).to.contain('DATABASE_READ_URL');
    expect(loadConfig({ DATABASE_URL: 'postgres://primary/db', DATABASE_READ_URL: 'postgres://replica/db' }).databaseReadUrl).to.equal('postgres://replica/db');
  });
});
