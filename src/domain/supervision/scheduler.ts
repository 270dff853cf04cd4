import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import { beijingDate } from '../../lib/workdays.ts';
import { claimRun, finishRun, releaseRun } from '../../store/schedule.ts';
import { detectSharedAccounts, runWeeklyLoginCheck } from './logins.ts';
import { isoWeekOf, monthOf } from './periods.ts';
import { monthlyUploadCheck } from './provincial.ts';
import { scanWarnings } from './warnings.ts';
import { Ticker } from '../../lib/ticker.ts';

const DAY = 86_400_000;

export interface SchedulerDeps {
  db: Knex;
  clock: Clock;
  node: string;
  /** When the platform went live: months and weeks before it are not checked. */
  since: number;
  logger?: Logger;
  /** Extra work per tick (e.g. power-case warnings that need the catalog). */
  extra?: Array<(now: number) => Promise<unknown>>;
}

/**
 * The supervision office's clockwork: on every tick (each node, every minute) it announces task
 * warnings; once per period — whichever node gets there first — it runs last week's login check,
 * yesterday's shared-account detection and last month's provincial upload check.
 * Usage: `const s = new SupervisionScheduler(deps); s.start(60_000)`; tests call `await s.tick()`.
 */
export class SupervisionScheduler {
  constructor(private readonly d: SchedulerDeps) {}
  private readonly ticker = new Ticker(() => this.tick(), (err) => this.d.logger?.error({ err }, 'supervision tick failed'));

  start(intervalMs = 60_000): void {
    this.ticker.start(intervalMs);
  }

  async stop(): Promise<void> {
    await this.ticker.stop();
  }

  async tick(now = this.d.clock.now()): Promise<Record<string, unknown>> {
    const done: Record<string, unknown> = { warnings: await scanWarnings(this.d.db, now) };
    for (const job of this.d.extra ?? []) await job(now);
    const lastWeek = isoWeekOf(isoWeekOf(now).from - 1);
    if (lastWeek.to > this.d.since) {
      done.logins = await this.once('login-check', lastWeek.key, now, async () => (await runWeeklyLoginCheck(this.d.db, lastWeek.key, now)).map((l) => l.userId));
    }
    const yesterday = beijingDate(now - DAY);
    done.sharedAccounts = await this.once('shared-accounts', yesterday, now, async () => {
      const from = Date.parse(`${yesterday}T00:00:00+08:00`);
      await detectSharedAccounts(this.d.db, from, from + DAY, now);
      return true;
    });
    const lastMonth = monthOf(monthOf(now).from - 1);
    if (lastMonth.to > this.d.since) {
      done.upload = await this.once('monthly-upload', lastMonth.key, now, async () => {
        const r = await monthlyUploadCheck(this.d.db, now, this.d.since);
        return { created: r.created?.id ?? null, missedMonth: r.missedMonth };
      });
    }
    return done;
  }

  /** Runs `work` once per (name, period) across all nodes; a failed run is released for a retry. */
  private async once(name: string, period: string, now: number, work: () => Promise<unknown>): Promise<unknown> {
    if (!(await claimRun(this.d.db, name, period, this.d.node, now))) return 'done before';
    try {
      const result = await work();
      await finishRun(this.d.db, name, period, this.d.clock.now(), result);
      return result;
    } catch (err) {
      await releaseRun(this.d.db, name, period);
      throw err;
    }
  }
}
