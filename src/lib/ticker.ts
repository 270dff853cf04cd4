/**
 * Runs `tick` every `intervalMs` (and once at start), never two at a time: a tick still running
 * when the next is due is skipped rather than overlapped. Errors go to `onError`.
 * Usage: `const t = new Ticker(() => scheduler.tick(), (err) => log.error({ err })); t.start(60_000); await t.stop();`
 */
export class Ticker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly tick: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(intervalMs: number): void {
    if (this.timer) return;
    const loop = () => {
      if (this.running) return;
      this.running = this.tick()
        .catch(this.onError)
        .finally(() => {
          this.running = null;
        });
    };
    this.timer = setInterval(loop, intervalMs);
    this.timer.unref?.();
    loop();
  }

  /** Stops the interval and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
