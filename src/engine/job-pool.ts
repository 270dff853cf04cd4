import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { acquireDueJobs, acquireDueJobsOf, extendLeases, releaseLeases, type JobRow } from '../store/jobs.ts';

export interface JobPoolOptions {
  db: Knex;
  clock: Clock;
  /** This node's name in `jobs.locked_by`. */
  node: string;
  /** Runs one leased job to its end (JobExecutor#execute); never throws. */
  run: (job: JobRow) => Promise<void>;
  pollMs: number;
  /** How long a lease lasts without a heartbeat: a frozen node's jobs wait at most this long. */
  leaseMs: number;
  /** Jobs run at once on this node. */
  concurrency: number;
  /** How often the leases of jobs in hand are renewed (real time); default a third of leaseMs. */
  heartbeatMs?: number;
  logger?: Logger;
  /** Told how many leases of jobs in hand a heartbeat found lost. */
  onLeasesLost?: (n: number) => void;
}

/** Whether this node's job poller lives (readiness): started, and when it last looked for jobs. */
export interface PollerHealth {
  started: boolean;
  /** Jobs running here now (a long job keeps the poll loop waiting; its heartbeat shows life). */
  busy: number;
  /** Real-time milliseconds since the poller last leased (or looked for) jobs; null before the first look. */
  sinceLastPollMs: number | null;
  pollMs: number;
}

/**
 * Leases due jobs one per free slot and runs up to `concurrency` of them at once. A node leases
 * only what it starts right away, each job for a short lease renewed by a heartbeat while it
 * runs: a node that freezes or dies holds any job for at most `leaseMs`, and a graceful stop
 * hands back what it still holds at once. Running a job removes it in the job's own step
 * transaction only while this node still holds its lease, so a job whose lease was lost (and taken
 * over) cannot take effect twice.
 */
export class JobPool {
  private readonly inHand = new Map<string, Promise<void>>();
  private pollTimer: NodeJS.Timeout | null = null;
  private beatTimer: NodeJS.Timeout | null = null;
  private polling: Promise<unknown> | null = null;
  private started = false;
  private closing = false;
  /** performance.now() at the last look for due jobs. */
  private lastPoll: number | null = null;

  constructor(private readonly o: JobPoolOptions) {}

  get leaseMs(): number {
    return this.o.leaseMs;
  }

  /** Whether the poller lives: started and looking for jobs (readiness). */
  health(): PollerHealth {
    return { started: this.started, busy: this.inHand.size, sinceLastPollMs: this.lastPoll === null ? null : performance.now() - this.lastPoll, pollMs: this.o.pollMs };
  }

  /** How many jobs this node runs right now. */
  get busy(): number {
    return this.inHand.size;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.closing = false;
    this.schedule(0);
  }

  /**
   * Stops leasing, lets the jobs in hand finish for up to `graceMs` (real time), then releases
   * every lease this node still holds, so other nodes take those jobs over at once.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.started = false;
    this.closing = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    let timeout: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timeout = setTimeout(r, graceMs)));
    await Promise.race([Promise.allSettled([this.polling, ...this.inHand.values()]), grace]);
    clearTimeout(timeout);
    this.stopBeat();
    await releaseLeases(this.o.db, this.o.node).catch((err) => this.o.logger?.warn({ err }, 'releasing job leases failed'));
    // Stopped: the poller stays off; a caller may still drive jobs by hand (runDue).
    this.closing = false;
  }

  /** A step created jobs: look for them now rather than at the next poll if they are due soon. */
  notify(earliestDue: number): void {
    if (!this.started || this.polling) return;
    const delay = Math.max(0, earliestDue - this.o.clock.now());
    if (delay < this.o.pollMs) this.schedule(delay);
  }

  /**
   * Runs every job due now, `concurrency` at a time, until none is left (jobs that running ones
   * create included), and returns how many ran. Tests call this to drive jobs deterministically.
   */
  async runDue(max = Infinity): Promise<number> {
    let started = 0;
    const mine = new Set<Promise<void>>();
    while (!this.closing) {
      const free = Math.min(this.o.concurrency - this.inHand.size, max - started);
      let jobs: JobRow[] = [];
      if (free > 0) {
        const now = this.o.clock.now();
        jobs = await acquireDueJobs(this.o.db, this.o.node, now, now + this.o.leaseMs, free);
        this.lastPoll = performance.now();
      }
      for (const job of jobs) {
        // Our own lease ran out while the job still runs here (its heartbeat could not reach the
        // database): we hold it again now, but it must not run twice.
        if (this.inHand.has(job.id)) continue;
        const p = this.hold(job, () => this.o.run(job));
        mine.add(p);
        void p.finally(() => mine.delete(p));
        started++;
      }
      if (jobs.length && jobs.length === free) continue;
      // Full, or nothing due: wait for one of ours to finish (it may have made new jobs due).
      if (!mine.size) break;
      await Promise.race(mine);
    }
    await Promise.allSettled(mine);
    return started;
  }

  /**
   * Runs the jobs of one instance that are due now, here and one after another (e.g. a
   * deployment's activation right after its approval). A job another node holds is left to it.
   */
  async runDueOf(instanceId: string): Promise<number> {
    let done = 0;
    for (let round = 0; round < 10 && !this.closing; round++) {
      const now = this.o.clock.now();
      const jobs = await acquireDueJobsOf(this.o.db, this.o.node, instanceId, now, now + this.o.leaseMs);
      if (!jobs.length) break;
      for (const job of jobs) {
        await this.hold(job, () => this.o.run(job));
        done++;
      }
    }
    return done;
  }

  /** Renews the leases of the jobs in hand (the heartbeat; tests call it directly). */
  async heartbeat(): Promise<void> {
    const ids = [...this.inHand.keys()];
    if (!ids.length) return;
    const held = await extendLeases(this.o.db, this.o.node, ids, this.o.clock.now() + this.o.leaseMs);
    if (held < ids.length) {
      this.o.logger?.warn({ node: this.o.node, inHand: ids.length, held }, 'job leases lost while running');
      this.o.onLeasesLost?.(ids.length - held);
    }
  }

  private hold(job: JobRow, fn: () => Promise<void>): Promise<void> {
    const p = fn()
      .catch((err) => this.o.logger?.error({ err, jobId: job.id }, 'job failed to finish'))
      .finally(() => {
        this.inHand.delete(job.id);
        if (!this.inHand.size) this.stopBeat();
      });
    this.inHand.set(job.id, p);
    this.startBeat();
    return p;
  }

  private startBeat(): void {
    if (this.beatTimer) return;
    const every = this.o.heartbeatMs ?? Math.max(50, Math.floor(this.o.leaseMs / 3));
    this.beatTimer = setInterval(() => void this.heartbeat().catch((err) => this.o.logger?.warn({ err }, 'job heartbeat failed')), every);
    this.beatTimer.unref?.();
  }

  private stopBeat(): void {
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.beatTimer = null;
  }

  private schedule(delay: number): void {
    if (!this.started) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      this.polling = this.runDue()
        .catch((err) => this.o.logger?.error({ err }, 'job poll failed'))
        .finally(() => {
          this.polling = null;
          this.schedule(this.o.pollMs);
        });
    }, delay);
    this.pollTimer.unref?.();
  }
}
