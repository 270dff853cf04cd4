/**
 * An injectable clock so that tests can drive time (warnings, jobs, weekly checks) without sleeps.
 * Usage: `const clock = new ManualClock(Date.parse('2026-11-30T09:00:00+08:00')); clock.advance(3600e3)`.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  private t: number;
  constructor(start: number) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
