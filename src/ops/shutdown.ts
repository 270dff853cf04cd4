import type http from 'node:http';
import type { Logger } from 'pino';

/** What draining needs of an HTTP or HTTPS server. */
export type Drainable = Pick<http.Server, 'close' | 'closeIdleConnections' | 'closeAllConnections' | 'listening'>;

export interface ShutdownOptions {
  server: Drainable;
  logger: Logger;
  /** How long requests in flight (and jobs in hand) may take to finish, in ms. */
  graceMs: number;
  /** Stops the background work while requests drain (engine jobs, schedulers), within `graceMs`. */
  stop: (graceMs: number) => Promise<void>;
  /** Closes what requests and jobs used (database pool, workers), once both are done. */
  close: () => Promise<void>;
  /** Process exit (tests pass their own). */
  exit?: (code: number) => void;
  /** Watch the parent process (npm): when it is gone, shut down too. */
  watchParent?: boolean;
  /** Listen for SIGTERM and SIGINT (default true; tests call the returned function instead). */
  signals?: boolean;
  /**
   * Called first: the node reports itself not ready (GET /api/health/ready answers 503) and asks
   * keep-alive clients to reconnect, so a load balancer moves traffic to the other nodes.
   */
  onDraining?: () => void;
  /**
   * SHUTDOWN_READY_DELAY_MS: how long the node keeps serving while reporting not-ready before it
   * stops accepting connections — at least the load balancer's health-check interval × its failure
   * threshold, so no request is sent to a closed port. Default 0 (close at once).
   */
  readyDelayMs?: number;
  /** Waits `ms` (tests pass their own, to release the delay on a condition). */
  delay?: (ms: number) => Promise<void>;
}

/**
 * Graceful shutdown on SIGTERM or SIGINT: first the node reports not-ready (and keeps serving for
 * `readyDelayMs`, so a load balancer takes it out of rotation); then no new connections; requests in flight finish (up to
 * `graceMs`, then their connections are cut), idle keep-alive connections are closed at once; the
 * job executor lets its jobs finish within the same grace and hands back its leases; then the
 * process exits 0. A second signal exits at once (code 1).
 *
 * Under `npm start` the server is npm's child: a `kill -9` of npm cannot be passed on, so the
 * server notices its parent is gone (it is re-parented) and shuts down the same way.
 * Returns the shutdown function (idempotent).
 */
export function installShutdown(o: ShutdownOptions): (reason: string) => Promise<void> {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let running: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    if (running) return running;
    running = (async () => {
      o.logger.info({ reason, graceMs: o.graceMs }, 'shutting down: draining requests, releasing job leases');
      let code = 0;
      try {
        o.onDraining?.();
        if (o.readyDelayMs) await (o.delay ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(o.readyDelayMs);
        await Promise.all([drain(o.server, o.graceMs), o.stop(o.graceMs)]);
        await o.close();
      } catch (err) {
        o.logger.error({ err }, 'shutdown failed');
        code = 1;
      }
      o.logger.info({ reason }, 'stopped');
      exit(code);
    })();
    return running;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      o.logger.warn({ signal }, 'second signal: exiting at once');
      exit(1);
      return;
    }
    void shutdown(signal);
  };
  if (o.signals !== false) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  if (o.watchParent) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(watch);
        void shutdown('parent process exited');
      }
    }, 500);
    watch.unref();
  }
  return shutdown;
}

/** Closes the server: new connections refused, idle ones closed, busy ones cut after `graceMs`. */
export async function drain(server: Drainable, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection becomes idle when its request is answered: close it then.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(cut);
  }
}
