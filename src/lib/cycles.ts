import { ISOInterval } from '@0dep/piso';
import { isCron, nextCron } from './cron.ts';

/**
 * Next firing of a timer start event. `R/2026-11-30T09:00:00+08:00/P1W` fires at its start and
 * then weekly; `R3/PT1H` fires hourly from deployment, three times; a plain date fires once.
 * Returns null when the cycle is exhausted.
 * Usage: `nextFiring({ timeCycle: 'R/P1D' }, Date.now(), null)`.
 */
export function nextFiring(timer: { timeCycle?: string; timeDate?: string }, now: number, previous: number | null): number | null {
  if (timer.timeDate) {
    const at = Date.parse(timer.timeDate);
    return previous === null && !Number.isNaN(at) ? at : null;
  }
  if (!timer.timeCycle) return null;
  // Camunda 7 cron (`0 0 9 * * ?`): unbounded, evaluated in Asia/Shanghai (see cron.ts).
  if (isCron(timer.timeCycle)) return nextCron(timer.timeCycle, Math.max(now, previous ?? now));
  const iv = new ISOInterval(timer.timeCycle).parse();
  if (iv.start) {
    const start = iv.start.toDate().getTime();
    if (previous === null && start >= now) return start;
    return iv.getExpireAt(new Date(Math.max(now, previous ?? now)), undefined).getTime();
  }
  return iv.getExpireAt(new Date(now), new Date(previous ?? now)).getTime();
}

/** How many firings an ISO cycle allows in all (-1 = unbounded). */
export function cycleRepeats(timeCycle: string | undefined): number {
  if (!timeCycle) return 1;
  if (isCron(timeCycle)) return -1;
  const iv = new ISOInterval(timeCycle).parse();
  return iv.repeat === undefined ? 1 : iv.repeat;
}

/** Retry delays from `R3/PT10S`: three retries, ten seconds apart. */
export function retryPolicy(cycle: string | null | undefined, fallback = 'R3/PT10S'): { retries: number; delayMs: number } {
  const m = /^R(\d+)\/(P.+)$/.exec(cycle || fallback) ?? /^R(\d+)\/(P.+)$/.exec(fallback)!;
  const iv = new ISOInterval(`R1/${m[2]}`).parse();
  const base = new Date(0);
  return { retries: Number(m[1]), delayMs: iv.getExpireAt(base, base).getTime() };
}
