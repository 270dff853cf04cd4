import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { pollerCheck, readiness } from '../../src/ops/health.ts';
import { flow, process as bpmn, userTask } from '../helpers/bpmn.ts';
import { startServer, type TestServer } from '../helpers/api.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const clerk: Actor = { id: 'staff', groups: ['staff'] };
const twoSteps = bpmn(
  'metrics-two-steps',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'a')}
  ${userTask('a', '受理', 'camunda:candidateGroups="staff"')}
  ${flow('f1', 'a', 'b')}
  ${userTask('b', '办结', 'camunda:candidateGroups="staff"')}
  ${flow('f2', 'b', 'end')}
  <bpmn:endEvent id="end" />`,
);
const timer = bpmn(
  'metrics-timer',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'pause')}
  <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
  ${flow('f1', 'pause', 'end')}
  <bpmn:endEvent id="end" />`,
);

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

    it('reports step latency, optimistic-lock retries, jobs by type, expired leases and the job poller', async () => {
      await s.engine.deploy(
        [
          { name: 'two.bpmn', content: twoSteps },
          { name: 'timer.bpmn', content: timer },
        ],
        { by: 'owner' },
      );
      const scrape = async () => (await s.anonymous().get('/metrics')).text;
      const before = await scrape();
      const okSteps = sample(before, 'pcp_engine_step_duration_seconds_count', { outcome: 'ok' })!;
      expect(sample(before, 'pcp_engine_step_retries_total', { reason: 'stale' })).to.equal(0);
      // The poller is not started in tests (they drive jobs by hand).
      expect(sample(before, 'pcp_job_poller_up')).to.equal(-1);

      // Given a case this node started (and keeps cached), moved on by a second node
      const { instance, tasks } = await s.engine.start('metrics-two-steps', { by: clerk });
      const other = await EngineService.create({ db: await s.database.reopen(), clock: s.clock });
      const moved = await other.complete(tasks[0].id, { by: clerk });
      // When this node completes the next step from its stale cached copy
      await s.engine.complete(moved.tasks[0].id, { by: clerk });
      expect((await s.engine.getInstance(instance.id))!.status).to.equal('completed');
      // Then the lost race is counted once as a retry, and both of its steps as ok
      const after = await scrape();
      expect(sample(after, 'pcp_engine_step_retries_total', { reason: 'stale' })).to.equal(1);
      expect(sample(after, 'pcp_engine_step_duration_seconds_count', { outcome: 'ok' })).to.equal(okSteps + 2);
      expect(sample(after, 'pcp_engine_step_duration_seconds_count', { outcome: 'conflict' })).to.equal(0);

      // Given a timer, due in a minute, then leased by a node that died
      const waitingBefore = sample(after, 'pcp_jobs_waiting')!;
      const t = await s.engine.start('metrics-timer', { by: clerk });
      expect(sample(await scrape(), 'pcp_jobs_waiting')).to.equal(waitingBefore + 1);
      s.clock.advance(61_000);
      await s.db('jobs').where({ instance_id: t.instance.id }).update({ locked_by: 'dead-node', locked_until: s.clock.now() - 1 });
      expect(sample(await scrape(), 'pcp_job_leases_expired')).to.equal(1);
      // When this node polls, Then it takes the job over, runs it once, and the lease is gone
      expect(await s.engine.jobs.runDueOf(t.instance.id)).to.equal(1);
      const done = await scrape();
      expect(sample(done, 'pcp_job_leases_expired')).to.equal(0);
      expect(sample(done, 'pcp_job_duration_seconds_count', { type: 'timer', outcome: 'ok' })).to.equal(1);
      expect((await s.engine.getInstance(t.instance.id))!.status).to.equal('completed');
    });

    it('Given the sample Grafana dashboard and alert rules in docs/ops, Then every platform metric they use is exposed', async () => {
      const text = (await s.anonymous().get('/metrics')).text;
      const docs = ['grafana-dashboard.json', 'alerts.yml'].map((f) => fs.readFileSync(path.join(root, 'docs', 'ops', f), 'utf8'));
      JSON.parse(docs[0]);
      const used = new Set(docs.flatMap((d) => [...d.matchAll(/\bpcp_\w+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))));
      expect(used.size).to.be.greaterThan(15);
      for (const name of used) expect(text, name).to.contain(`# TYPE ${name} `);
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
      expect(ready.body.checks).to.deep.equal({ database: { ok: true }, migrations: { ok: true }, jobs: { ok: true, detail: '本节点未启动作业轮询' } });
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

  describe('readiness of the job poller', () => {
    it('is ready while the started poller looks for jobs or runs one, and not when it stalled', () => {
      expect(pollerCheck({ started: true, busy: 0, sinceLastPollMs: 900, pollMs: 1000 })).to.deep.equal({ ok: true });
      expect(pollerCheck({ started: true, busy: 2, sinceLastPollMs: 600_000, pollMs: 1000 })).to.deep.equal({ ok: true });
      expect(pollerCheck({ started: true, busy: 0, sinceLastPollMs: 120_000, pollMs: 1000 })).to.deep.equal({ ok: false, detail: '作业轮询停滞：上次查找到期作业在120 秒前' });
      expect(pollerCheck({ started: true, busy: 0, sinceLastPollMs: null, pollMs: 1000 }).ok).to.equal(false);
    });

    it('answers 503 on /ready semantics when the poller stalled, and ready once it polled', async () => {
      const s = await startServer();
      try {
        const stalled = await readiness(s.db, () => ({ started: true, busy: 0, sinceLastPollMs: 120_000, pollMs: 1000 }));
        expect(stalled.ok).to.equal(false);
        expect(stalled.checks.jobs.ok).to.equal(false);
        s.engine.startJobs();
        await waitFor(() => s.engine.jobs.health().sinceLastPollMs !== null);
        const ready = await s.anonymous().get('/api/health/ready');
        expect(ready.status).to.equal(200);
        expect(ready.body.checks.jobs).to.deep.equal({ ok: true });
      } finally {
        await s.close();
      }
    });
  });
});

/** Waits (without a fixed sleep) until `cond` holds, for up to five seconds. */
async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!cond()) throw new Error('condition not met');
}
