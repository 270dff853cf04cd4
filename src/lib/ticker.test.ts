import { expect } from 'chai';
import { Ticker } from './ticker.ts';

/** Captures the interval callback so the test fires ticks itself: no wall-clock waits. */
function manualInterval(): { fire: () => void; cleared: () => boolean; restore: () => void } {
  const realSet = globalThis.setInterval;
  const realClear = globalThis.clearInterval;
  let cb: (() => void) | null = null;
  let cleared = false;
  const handle = { unref: () => handle } as unknown as NodeJS.Timeout;
  globalThis.setInterval = ((fn: () => void) => {
    cb = fn;
    return handle;
  }) as typeof setInterval;
  globalThis.clearInterval = ((h: unknown) => {
    if (h === handle) cleared = true;
  }) as typeof clearInterval;
  return {
    fire: () => cb?.(),
    cleared: () => cleared,
    restore: () => {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    },
  };
}

describe('lib/ticker: a periodic job that never overlaps itself', () => {
  let clock: ReturnType<typeof manualInterval>;
  beforeEach(() => {
    clock = manualInterval();
  });
  afterEach(() => clock.restore());

  it('Given a tick still running, when the interval fires again, then the tick is skipped, and runs again once the first has finished', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const releases: Array<() => void> = [];
    const ticker = new Ticker(
      async () => {
        calls++;
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
      },
      () => undefined,
    );
    ticker.start(60_000);
    expect(calls).to.equal(1); // once at start
    clock.fire();
    clock.fire();
    expect(calls).to.equal(1);
    releases.shift()!();
    await new Promise((r) => setImmediate(r));
    clock.fire();
    expect(calls).to.equal(2);
    expect(maxRunning).to.equal(1);
    releases.shift()!();
    await ticker.stop();
    expect(clock.cleared()).to.equal(true);
  });

  it('Given a failing tick, when it throws, then onError gets the error and the next tick still runs', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const ticker = new Ticker(async () => {
      calls++;
      throw new Error(`tick ${calls}`);
    }, (err) => errors.push(err));
    ticker.start(1000);
    await new Promise((r) => setImmediate(r));
    clock.fire();
    await ticker.stop();
    expect(calls).to.equal(2);
    expect(errors.map((e) => (e as Error).message)).to.deep.equal(['tick 1', 'tick 2']);
  });

  it('Given a tick in progress, when stopped, then stop waits for it to finish', async () => {
    let finished = false;
    let release!: () => void;
    const ticker = new Ticker(async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
    }, () => undefined);
    ticker.start(1000);
    const stopped = ticker.stop();
    release();
    await stopped;
    expect(finished).to.equal(true);
  });
});
