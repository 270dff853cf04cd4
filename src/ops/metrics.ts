import type { Context, Next } from 'koa';
import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../clock.ts';
import { chainAndVerify } from '../domain/audit-chain.ts';
import type { PollerHealth } from '../engine/job-pool.ts';
import type { ProbeRelay } from '../engine/probe.ts';
import { pollerCheck } from './health.ts';
import { tasksPerWarning } from '../store/monitor.ts';
import { databaseFigures, poolUse } from '../store/metrics.ts';

/**
 * Prometheus metrics for the information centre (issue 19, item 3), served at GET /metrics:
 * - this node: HTTP latency per route and status (`pcp_http_request_duration_seconds`), event-loop
 *   lag, memory and GC (prom-client's defaults, prefixed `pcp_`), database pool use, and the
 *   result and age of this node's last audit-chain verification;
 * - this node's engine (given `engine`): step latency by outcome (`pcp_engine_step_duration_seconds`,
 *   whose `_count` rate is this node's steps per second), optimistic-lock retries, jobs run by
 *   type and outcome with their duration, job leases lost while running, and whether the job
 *   poller lives;
 * - the cluster (read from the database at each scrape): job lag (the oldest due job's wait), due
 *   jobs, expired leases (a dead node's jobs awaiting takeover), open incidents, open tasks by
 *   warning colour, running instances, and history events written
 *   (`rate(pcp_history_events_total[1m])` is steps per second across all nodes).
 * Usage:
 *   const metrics = new Metrics({ db, clock, engine });
 *   app.use(metrics.middleware());           // before the routers
 *   ctx.body = await metrics.render();        // GET /metrics
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private lastVerify: { ok: boolean; at: number; broken: number } | null = null;
  private verifying: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { db: Knex; clock: Clock; engine?: { probe: ProbeRelay; jobs: { health(): PollerHealth } } }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pcp_' });
    this.http = new Histogram({
      name: 'pcp_http_request_duration_seconds',
      help: 'HTTP request latency by route (the router pattern, not the path) and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.requests = new Counter({ name: 'pcp_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.databaseGauges();
    this.nodeGauges();
    this.engineMetrics();
  }

  /** Times every request; the route label is the router's pattern, so ids do not explode it. */
  middleware() {
    return async (ctx: Context, next: Next): Promise<void> => {
      const end = this.http.startTimer();
      let status = 500;
      try {
        await next();
        status = ctx.status;
      } catch (err) {
        status = (err as { status?: number }).status ?? 500;
        throw err;
      } finally {
        const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? (ctx.path.startsWith('/api/') ? 'unmatched' : 'static');
        const labels = { method: ctx.method, route: String(route), status: String(status) };
        end(labels);
        this.requests.inc(labels);
      }
    };
  }

  /** The exposition text. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Verifies the audit chain now and then (every `everyMs`), for the verifier gauges. */
  startAuditVerifier(everyMs: number): void {
    const tick = () => {
      void this.verifyNow();
      this.timer = setTimeout(tick, everyMs);
      this.timer.unref();
    };
    tick();
  }

  /** One verification (overlapping calls share the one running). */
  verifyNow(): Promise<void> {
    this.verifying ??= chainAndVerify(this.deps.db, this.deps.clock.now())
      .then((r) => {
        this.lastVerify = { ok: r.ok, at: this.deps.clock.now(), broken: r.broken?.length ?? 0 };
      })
      .catch(() => {
        // The database was unreachable: the age gauge keeps growing, which is the signal.
      })
      .finally(() => {
        this.verifying = null;
      });
    return this.verifying;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.verifying;
  }

  private databaseGauges(): void {
    const { db, clock } = this.deps;
    let figures: ReturnType<typeof databaseFigures> | null = null;
    // One read per scrape, shared by the gauges below.
    const read = () => (figures ??= databaseFigures(db, clock.now()).finally(() => setImmediate(() => (figures = null))));
    const gauge = (name: string, help: string, pick: (f: Awaited<ReturnType<typeof databaseFigures>>) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set(pick(await read()));
        },
      });
    gauge('pcp_job_lag_seconds', 'How long the oldest due, unleased job has waited past its due time', (f) => f.jobLagSeconds);
    gauge('pcp_jobs_due', 'Due jobs not leased by any node', (f) => f.dueJobs);
    gauge('pcp_jobs_waiting', 'Jobs not yet due (pending timers and retries)', (f) => f.waitingJobs);
    gauge('pcp_job_leases_expired', 'Jobs whose lease ran out without being handed back (a stopped or frozen node): taken over at the next poll', (f) => f.expiredLeases);
    gauge('pcp_incidents_open', 'Open incidents', (f) => f.openIncidents);
    gauge('pcp_instances_running', 'Running process instances', (f) => f.runningInstances);
    new Counter({
      name: 'pcp_history_events_total',
      help: 'History events written by all nodes (rate = steps per second)',
      registers: [this.registry],
      async collect() {
        const f = await read();
        this.reset();
        this.inc(f.historyEvents);
      },
    });
    new Gauge({
      name: 'pcp_tasks_open',
      help: 'Open tasks by warning colour (green, yellow, red, none)',
      labelNames: ['warning'],
      registers: [this.registry],
      async collect() {
        const counts = await tasksPerWarning(db, clock.now());
        for (const [warning, n] of Object.entries(counts)) this.set({ warning }, n);
      },
    });
  }

  /** Step latency, retries, jobs and leases as this node's engine reports them (probe.ts). */
  private engineMetrics(): void {
    const engine = this.deps.engine;
    if (!engine) return;
    const registers = [this.registry];
    const steps = new Histogram({
      name: 'pcp_engine_step_duration_seconds',
      help: "Engine steps of this node (start, completion, message, timer, job …) by outcome: ok, conflict (lost every optimistic-lock retry), error; rate of _count = this node's steps per second",
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    const retries = new Counter({ name: 'pcp_engine_step_retries_total', help: 'Steps run again from fresh state: lost an optimistic-lock race (stale) or found SQLite busy (busy)', labelNames: ['reason'], registers });
    const jobs = new Histogram({
      name: 'pcp_job_duration_seconds',
      help: 'Jobs run by this node by type (timer, service, message, call …) and outcome (ok, failed: retried later or an incident)',
      labelNames: ['type', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const lost = new Counter({ name: 'pcp_job_leases_lost_total', help: 'Leases of jobs still running on this node found lost at a heartbeat (another node may take the job over)', registers });
    for (const outcome of ['ok', 'conflict', 'error']) steps.zero({ outcome });
    for (const reason of ['stale', 'busy']) retries.inc({ reason }, 0);
    engine.probe.attach({
      step: (seconds, outcome) => steps.observe({ outcome }, seconds),
      retry: (reason) => retries.inc({ reason }),
      job: (type, seconds, outcome) => jobs.observe({ type, outcome }, seconds),
      leasesLost: (n) => lost.inc(n),
    });
    new Gauge({
      name: 'pcp_job_poller_up',
      help: "1 when this node's job poller runs and looked for due jobs lately, 0 when it stalled, -1 when not started on this node",
      registers,
      collect() {
        const h = engine.jobs.health();
        this.set(!h.started ? -1 : pollerCheck(h).ok ? 1 : 0);
      },
    });
  }

  private nodeGauges(): void {
    const { db, clock } = this.deps;
    new Gauge({
      name: 'pcp_db_pool_connections',
      help: 'Database pool connections of this node by state (used, free, pending acquires)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = poolUse(db);
        this.set({ state: 'used' }, p.used);
        this.set({ state: 'free' }, p.free);
        this.set({ state: 'pending' }, p.pending);
      },
    });
    const self = this;
    new Gauge({
      name: 'pcp_audit_chain_ok',
      help: "1 when this node's last verification of the audit chain found it intact, 0 when broken, -1 before the first",
      registers: [this.registry],
      collect() {
        this.set(self.lastVerify ? (self.lastVerify.ok ? 1 : 0) : -1);
      },
    });
    new Gauge({
      name: 'pcp_audit_chain_verified_age_seconds',
      help: "Seconds since this node's last completed verification of the audit chain (-1 before the first)",
      registers: [this.registry],
      collect() {
        this.set(self.lastVerify ? (clock.now() - self.lastVerify.at) / 1000 : -1);
      },
    });
  }
}
