/**
 * What the engine reports while it works, for the Prometheus metrics (src/ops/metrics.ts) — the
 * engine knows nothing of Prometheus. EngineService owns one ProbeRelay; `engine.probe.attach(p)`
 * plugs an observer in (at most one; attaching again replaces it).
 * Usage: `engine.probe.attach({ step(s, outcome) { histogram.observe({ outcome }, s) }, … })`.
 */
export interface EngineProbe {
  /** A step (start, completion, message, timer, job …) ended after `seconds`: committed, lost its optimistic-lock races, or failed. */
  step(seconds: number, outcome: 'ok' | 'conflict' | 'error'): void;
  /** A step lost an optimistic-lock race (`stale`) or found SQLite busy (`busy`) and runs again from fresh state. */
  retry(reason: 'stale' | 'busy'): void;
  /** A leased job ran to an end (`ok`) or failed (retried later or an incident). */
  job(type: string, seconds: number, outcome: 'ok' | 'failed'): void;
  /** At a heartbeat, `n` leases of jobs still running here were found lost (taken over or expired). */
  leasesLost(n: number): void;
}

const noop: EngineProbe = { step() {}, retry() {}, job() {}, leasesLost() {} };

/** Forwards to the attached probe; a failing observer never disturbs the engine. */
export class ProbeRelay implements EngineProbe {
  private target: EngineProbe = noop;

  attach(probe: EngineProbe): void {
    this.target = probe;
  }

  step(seconds: number, outcome: 'ok' | 'conflict' | 'error'): void {
    this.safely(() => this.target.step(seconds, outcome));
  }

  retry(reason: 'stale' | 'busy'): void {
    this.safely(() => this.target.retry(reason));
  }

  job(type: string, seconds: number, outcome: 'ok' | 'failed'): void {
    this.safely(() => this.target.job(type, seconds, outcome));
  }

  leasesLost(n: number): void {
    this.safely(() => this.target.leasesLost(n));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // Metrics are best effort.
    }
  }
}

/** Seconds since a `performance.now()` reading. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}
