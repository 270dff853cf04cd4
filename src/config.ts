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
  /**
   * Behind a reverse proxy (TRUST_PROXY=1): take the client address from X-Forwarded-For and the
   * scheme from X-Forwarded-Proto (Secure cookie, HSTS). Only behind a proxy that sets both.
   */
  trustProxy: boolean;
  /** scrypt worker threads (HASH_WORKERS) and hashes allowed to wait for one (HASH_QUEUE). */
  hashWorkers: number;
  hashQueue: number;
  /** Absolute session lifetime in hours (SESSION_MAX_HOURS), besides the 30-minute idle timeout. */
  sessionMaxHours: number;
  /** How often each node runs the supervision checks (warnings, weekly/monthly checks), in ms. */
  supervisionTickMs: number;
  /** Scheduled backups go here (unset: no scheduled backups). */
  backupDir: string | null;
  /** Beijing time of day (minutes after midnight) from which the daily backup runs. */
  backupAtMinutes: number;
  /** Retention: the newest backup of each of the last N days, and of each of the last M months. */
  backupKeepDaily: number;
  backupKeepMonthly: number;
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
    hashWorkers: Math.max(1, intOr(env.HASH_WORKERS, 2)),
    hashQueue: intOr(env.HASH_QUEUE, 64),
    sessionMaxHours: Math.max(1, intOr(env.SESSION_MAX_HOURS, 12)),
    supervisionTickMs: intOr(env.SUPERVISION_TICK_MS, 60_000),
    backupDir: env.BACKUP_DIR || null,
    backupAtMinutes: clockTime(env.BACKUP_AT, 2 * 60),
    backupKeepDaily: intOr(env.BACKUP_KEEP_DAILY, 30),
    backupKeepMonthly: intOr(env.BACKUP_KEEP_MONTHLY, 12),
  };
}

/** `HH:MM` as minutes after midnight. */
function clockTime(value: string | undefined, fallback: number): number {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : fallback;
}

function intOr(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
