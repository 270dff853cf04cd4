import { expect } from 'chai';
import { startServer, type TestServer } from '../helpers/api.ts';

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('ops: metrics and health for the information centre (issue 19)', () => {
  describe('without a token: local scrapers only', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ procedures: true, metrics: {} });
    });
    after(async () => {
      await s.close();
    });

    it('exposes request latency per route, open tasks by colour, jobs, incidents, history, pool and event loop', async () => {
      // Given a user who reads the inbox and starts a fault report
      const staff = await s.login('staff');
      expect((await staff.get('/api/tasks')).status).to.equal(200);
      const started = await staff.post('/api/process-definitions/fault-report/start', {
        variables: { device: 'computer', occurredAt: '2026-11-30T08:40+08:00', description: '显示器无信号，无法办公' },
      });
      expect(started.status, started.text).to.equal(201);
      // When the scraper asks, from this machine
      const res = await s.anonymous().get('/metrics');
      // Then it gets the Prometheus text with every family
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('text/plain');
      const text = res.text;
      expect(sample(text, 'pcp_http_requests_total', { method: 'GET', route: '/api/tasks', status: '200' })).to.equal(1);
      expect(sample(text, 'pcp_http_request_duration_seconds_count', { method: 'POST', route: '/api/auth/login', status: '200' })).to.equal(1);
      const open = ['green', 'yellow', 'red', 'none'].map((warning) => sample(text, 'pcp_tasks_open', { warning }) ?? NaN);
      expect(open.every(Number.isFinite)).to.equal(true);
      const openTasks = Number((await s.db('tasks').where({ status: 'open' }).count({ n: '*' }))[0].n);
      expect(open.reduce((a, b) => a + b, 0)).to.equal(openTasks);
      expect(sample(text, 'pcp_instances_running')).to.equal(Number((await s.db('process_instances').where({ status: 'running' }).count({ n: '*' }))[0].n));
      expect(sample(text, 'pcp_history_events_total')).to.be.greaterThan(0);
      expect(sample(text, 'pcp_job_lag_seconds')).to.be.at.least(0);
      expect(sample(text, 'pcp_incidents_open')).to.equal(0);
      expect(sample(text, 'pcp_db_pool_connections', { state: 'used' })).to.be.at.least(0);
      expect(sample(text, 'pcp_nodejs_eventloop_lag_seconds')).to.be.at.least(0);
      // Ids never become labels: the route is the router's pattern
      expect(text).not.to.contain(started.body.id);
    });

    it('reports the audit verifier’s last result and its age', async () => {
      const before = await s.anonymous().get('/metrics');
      expect(sample(before.text, 'pcp_audit_chain_ok')).to.equal(-1);
      await s.metrics!.verifyNow();
      s.clock.advance(90_000);
      const after = await s.anonymous().get('/metrics');
      expect(sample(after.text, 'pcp_audit_chain_ok')).to.equal(1);
      expect(sample(after.text, 'pcp_audit_chain_verified_age_seconds')).to.equal(90);
    });

    it('refuses a request relayed by a proxy (X-Forwarded-For) with 403 METRICS_FORBIDDEN', async () => {
      const res = await s.anonymous().get('/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('METRICS_FORBIDDEN');
    });

    it('answers liveness always, and readiness only with a current schema', async () => {
      expect((await s.anonymous().get('/api/health/live')).body).to.deep.equal({ status: 'ok' });
      const ready = await s.anonymous().get('/api/health/ready');
      expect(ready.status).to.equal(200);
      expect(ready.body).to.deep.include({ status: 'ready' });
      expect(ready.body.checks).to.deep.equal({ database: { ok: true }, migrations: { ok: true } });
      // Given the newest migration is undone (a node running code newer than its database)
      const [, undone] = await s.db.migrate.down();
      try {
        // Then the node is not ready, and says which migration waits
        const notReady = await s.anonymous().get('/api/health/ready');
        expect(notReady.status).to.equal(503);
        expect(notReady.body.status).to.equal('not-ready');
        expect(notReady.body.checks.migrations.ok).to.equal(false);
        expect(notReady.body.checks.migrations.detail).to.contain(String(undone[0]).replace(/^.*\//, '').replace(/\.ts$/, ''));
      } finally {
        await s.db.migrate.latest();
      }
    });
  });

  describe('with METRICS_TOKEN', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ metrics: { token: 'scrape-secret-2026' } });
    });
    after(async () => {
      await s.close();
    });

    it('serves only a scraper that sends the token', async () => {
      const none = await s.anonymous().get('/metrics');
      expect(none.status).to.equal(403);
      expect(none.body.error.code).to.equal('METRICS_FORBIDDEN');
      const wrong = await s.anonymous().get('/metrics', { headers: { authorization: 'Bearer scrape-secret-2025' } });
      expect(wrong.status).to.equal(403);
      const right = await s.anonymous().get('/metrics', { headers: { authorization: 'Bearer scrape-secret-2026' } });
      expect(right.status).to.equal(200);
      expect(right.text).to.contain('pcp_http_requests_total');
    });
  });
});
