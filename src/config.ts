import path from 'node:path';

/** Runtime configuration, read once from the environment (documented in README.md). */
export interface Config {
  port: number;
  databaseUrl: string;
  /** Seed the demo organisation on an empty database (DEMO=0 turns it off). */
  demo: boolean;
  /** How often each node polls for due jobs, in ms. */
  jobPollMs: number;
  /** Maximum number of live bpmn-engine objects kept per node. */
  engineCacheSize: number;
  logLevel: string;
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy that sets it). */
  trustProxy: boolean;
  /** How often each node runs the supervision checks (warnings, weekly/monthly checks), in ms. */
  supervisionTickMs: number;
}

/**
 * Reads configuration from `env`.
 * Usage: `const config = loadConfig(process.env)`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intOr(env.PORT, 3000),
    databaseUrl: env.DATABASE_URL || path.join('data', 'platform.sqlite'),
    demo: env.DEMO !== '0',
    jobPollMs: intOr(env.JOB_POLL_MS, 1000),
    engineCacheSize: intOr(env.ENGINE_CACHE_SIZE, 64),
    logLevel: env.LOG_LEVEL || 'info',
    trustProxy: env.TRUST_PROXY === '1',
    supervisionTickMs: intOr(env.SUPERVISION_TICK_MS, 60_000),
  };
}

function intOr(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
