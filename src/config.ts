import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import type { NotifyConfig } from './services/delivery.ts';

/** Runtime configuration, read once from the environment (documented in README.md). */
export interface Config {
  /** NODE_ENV=production turns on the production checks (checkProduction) and hides source maps. */
  production: boolean;
  port: number;
  databaseUrl: string;
  /** DATABASE_READ_URL: a PostgreSQL read replica for the monitor, statistics and the compliance report (null: the primary). */
  databaseReadUrl: string | null;
  /** Seed the demo organisation on an empty database (DEMO=0 turns it off). */
  demo: boolean;
  /** Whether DEMO was set at all (production insists on DEMO=0 being said). */
  demoSet: boolean;
  /** How often each node polls for due jobs, in ms. */
  jobPollMs: number;
  /** Jobs each node runs at once (JOB_CONCURRENCY). */
  jobConcurrency: number;
  /** A job's lease without heartbeat, in ms (JOB_LEASE_MS): how long a frozen node can delay a job. */
  jobLeaseMs: number;
  /** On SIGTERM, how long requests in flight and jobs in hand may take to finish, in ms. */
  shutdownGraceMs: number;
  /** On SIGTERM, how long the node keeps serving while readiness answers 503, before closing its port. */
  shutdownReadyDelayMs: number;
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
  /** Attachments kept as files here (ATTACHMENTS_DIR; unset: in the database). */
  attachmentsDir: string | null;
  /** Days an item change may reach this platform after the 三合一 platform before Art. 13(4) flags it (SUNSHINE_LAG_DAYS). */
  sunshineLagDays: number;
  /** Beijing time of day (minutes after midnight) from which the daily backup runs. */
  backupAtMinutes: number;
  /** Retention: the newest backup of each of the last N days, and of each of the last M months. */
  backupKeepDaily: number;
  backupKeepMonthly: number;
  /** HTTPS served directly: PEM certificate (chain) and private key files (TLS_CERT, TLS_KEY). */
  tls: { certFile: string; keyFile: string } | null;
  /** GET /metrics (Prometheus) served (METRICS=0 turns it off). */
  metrics: boolean;
  /** Bearer token the scraper sends to GET /metrics; unset: only local clients are served. */
  metricsToken: string | null;
  /** How often this node verifies the whole audit chain for the metrics, in minutes. */
  auditVerifyMinutes: number;
  /** How often each node links committed audit rows into the chain (one node at a time does). */
  auditChainMs: number;
  /** Application logs also into daily files (LOG_FILE), kept LOG_KEEP_DAYS days (≥ 183). */
  logFiles: { file: string; keepDays: number } | null;
  /**
   * Notification channels besides in-app (each off while unset): e-mail over SMTP (SMTP_URL,
   * SMTP_FROM) and a 钉钉/政务微信 group robot (NOTIFY_WEBHOOK_URL, NOTIFY_WEBHOOK_SECRET for 加签).
   */
  notify: NotifyConfig;
}

/** A configuration problem, named by its variable. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown by loadConfig with every problem at once; main prints them without a stack trace. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`配置有误：\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads one variable at a time and collects what is wrong, instead of falling back silently. */
class EnvReader {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  int(name: string, fallback: number, min: number, max: number, why = ''): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      this.problems.push({ variable: name, message: `应为 ${min} 到 ${max} 之间的整数${why}，实际为 “${v}”` });
      return fallback;
    }
    return n;
  }

  flag(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (v === '1' || v === 'true') return true;
    if (v === '0' || v === 'false') return false;
    this.problems.push({ variable: name, message: `应为 0 或 1，实际为 “${v}”` });
    return fallback;
  }

  oneOf(name: string, values: string[], fallback: string): string {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!values.includes(v)) {
      this.problems.push({ variable: name, message: `应为 ${values.join('、')} 之一，实际为 “${v}”` });
      return fallback;
    }
    return v;
  }

  /** `HH:MM` (Beijing time) as minutes after midnight. */
  clock(name: string, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(v);
    if (!m) {
      this.problems.push({ variable: name, message: `应为 HH:MM（北京时间），实际为 “${v}”` });
      return fallback;
    }
    return Number(m[1]) * 60 + Number(m[2]);
  }

  /** A file that must exist and be readable. */
  file(name: string): string | null {
    const v = this.raw(name);
    if (v === undefined) return null;
    try {
      fs.accessSync(v, fs.constants.R_OK);
      if (!fs.statSync(v).isFile()) throw new Error('not a file');
      return v;
    } catch {
      this.problems.push({ variable: name, message: `文件 “${v}” 不存在或不可读` });
      return null;
    }
  }

  databaseUrl(name: string, fallback: string): string {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !/^postgres(ql)?:\/\//i.test(v)) {
      this.problems.push({ variable: name, message: `只支持 PostgreSQL（postgres://…）或 SQLite 文件路径，实际为 “${v.replace(/:[^:@/]+@/, ':***@')}”` });
      return fallback;
    }
    return v;
  }
}

/**
 * Reads and checks configuration from `env`: every variable with a bad value is reported at once
 * (ConfigError, a message per variable), never silently replaced by its default.
 * Usage: `const config = loadConfig(process.env)`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = new EnvReader(env);
  const certFile = r.file('TLS_CERT');
  const keyFile = r.file('TLS_KEY');
  if (!!r.raw('TLS_CERT') !== !!r.raw('TLS_KEY')) r.problems.push({ variable: 'TLS_CERT/TLS_KEY', message: '证书和私钥须同时设置' });
  if (certFile && keyFile) {
    try {
      tls.createSecureContext({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) });
    } catch (err) {
      r.problems.push({ variable: 'TLS_CERT/TLS_KEY', message: `证书或私钥无效，或二者不匹配（${(err as Error).message}）` });
    }
  }
  const config: Config = {
    production: r.oneOf('NODE_ENV', ['production', 'development', 'test'], 'development') === 'production',
    port: r.int('PORT', 3000, 0, 65535),
    databaseUrl: r.databaseUrl('DATABASE_URL', path.join('data', 'platform.sqlite')),
    databaseReadUrl: r.raw('DATABASE_READ_URL') ?? null,
    demo: r.flag('DEMO', true),
    demoSet: r.raw('DEMO') !== undefined,
    jobPollMs: r.int('JOB_POLL_MS', 1000, 50, 3_600_000),
    jobConcurrency: r.int('JOB_CONCURRENCY', 4, 1, 64),
    jobLeaseMs: r.int('JOB_LEASE_MS', 30_000, 1000, 3_600_000),
    shutdownGraceMs: r.int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    shutdownReadyDelayMs: r.int('SHUTDOWN_READY_DELAY_MS', 0, 0, 600_000),
    engineCacheSize: r.int('ENGINE_CACHE_SIZE', 64, 0, 100_000),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    trustProxy: r.flag('TRUST_PROXY', false),
    hashWorkers: r.int('HASH_WORKERS', 2, 1, 64),
    hashQueue: r.int('HASH_QUEUE', 64, 0, 100_000),
    sessionMaxHours: r.int('SESSION_MAX_HOURS', 12, 1, 24 * 30),
    supervisionTickMs: r.int('SUPERVISION_TICK_MS', 60_000, 100, 86_400_000),
    backupDir: r.raw('BACKUP_DIR') ?? null,
    attachmentsDir: r.raw('ATTACHMENTS_DIR') ?? null,
    sunshineLagDays: r.int('SUNSHINE_LAG_DAYS', 30, 0, 3650),
    backupAtMinutes: r.clock('BACKUP_AT', 2 * 60),
    backupKeepDaily: r.int('BACKUP_KEEP_DAILY', 30, 1, 3650),
    backupKeepMonthly: r.int('BACKUP_KEEP_MONTHLY', 12, 0, 1200),
    tls: certFile && keyFile ? { certFile, keyFile } : null,
    metrics: r.flag('METRICS', true),
    metricsToken: r.raw('METRICS_TOKEN') ?? null,
    auditVerifyMinutes: r.int('AUDIT_VERIFY_MINUTES', 60, 1, 7 * 24 * 60),
    auditChainMs: r.int('AUDIT_CHAIN_MS', 500, 20, 60_000),
    notify: { smtpUrl: r.raw('SMTP_URL') ?? null, smtpFrom: r.raw('SMTP_FROM') ?? null, webhookUrl: r.raw('NOTIFY_WEBHOOK_URL') ?? null, webhookSecret: r.raw('NOTIFY_WEBHOOK_SECRET') ?? null },
    logFiles: r.raw('LOG_FILE') ? { file: r.raw('LOG_FILE')!, keepDays: r.int('LOG_KEEP_DAYS', 190, 183, 3650, '（《网络安全法》第二十一条：网络日志至少保存六个月）') } : null,
  };
  checkNotify(r, config.notify);
  if (config.databaseReadUrl && !(/^postgres(ql)?:\/\//i.test(config.databaseReadUrl) && /^postgres(ql)?:\/\//i.test(config.databaseUrl))) {
    r.problems.push({ variable: 'DATABASE_READ_URL', message: '只读副本仅用于 PostgreSQL：DATABASE_URL 与 DATABASE_READ_URL 须都是 postgres://… 地址' });
  }
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}

/** The notification channels' variables: URLs of the right scheme, a sender with the SMTP server. */
function checkNotify(r: EnvReader, n: NotifyConfig): void {
  const scheme = (url: string) => /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase() ?? '';
  const hide = (url: string) => url.replace(/:[^:@/]+@/, ':***@');
  if (n.smtpUrl && !['smtp:', 'smtps:'].includes(scheme(n.smtpUrl))) r.problems.push({ variable: 'SMTP_URL', message: `应为 smtp://… 或 smtps://… 地址，实际为 “${hide(n.smtpUrl)}”` });
  if (n.smtpUrl && !n.smtpFrom) r.problems.push({ variable: 'SMTP_FROM', message: '设置了 SMTP_URL 时须同时设置发件人，如 “权力运行平台 <noreply@example.gov.cn>”' });
  if (n.webhookUrl && !['http:', 'https:'].includes(scheme(n.webhookUrl))) r.problems.push({ variable: 'NOTIFY_WEBHOOK_URL', message: `应为 https://… 地址，实际为 “${n.webhookUrl}”` });
  if (n.webhookSecret && !n.webhookUrl) r.problems.push({ variable: 'NOTIFY_WEBHOOK_SECRET', message: '须与 NOTIFY_WEBHOOK_URL 一起设置' });
}

/** Filesystems a SQLite database must not live on: its locking does not work over the network. */
const NETWORK_FILESYSTEMS = /^(nfs4?|cifs|smb3?|smbfs|ncpfs|afs|9p|fuse\.sshfs|fuse\.s3fs|fuse\.glusterfs|glusterfs|ceph|fuse\.ceph|davfs|fuse\.davfs2?)$/;

/**
 * The filesystem type that holds `file` (its nearest existing directory), from /proc/mounts;
 * null where that cannot be read (not Linux).
 * Usage: `filesystemOf('data/platform.sqlite')` → 'ext4'.
 */
export function filesystemOf(file: string, mounts = readMounts(), realPath: (file: string) => string = nearestRealPath): string | null {
  if (!mounts) return null;
  const real = realPath(file);
  let best: { point: string; type: string } | null = null;
  for (const m of mounts) {
    const inside = real === m.point || real.startsWith(m.point.endsWith('/') ? m.point : `${m.point}/`);
    if (inside && (!best || m.point.length >= best.point.length)) best = m;
  }
  return best?.type ?? null;
}

/** The real path of `file`'s nearest existing directory (the file may not exist yet). */
function nearestRealPath(file: string): string {
  let dir = path.resolve(file);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

function readMounts(): Array<{ point: string; type: string }> | null {
  try {
    return fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .map(([, point, type]) => ({ point: point.replace(/\\040/g, ' '), type }));
  } catch {
    return null;
  }
}

/**
 * What production refuses before anything starts: a SQLite file on a network filesystem, and
 * (with `hasData`/`usesDemoPassword` from the database) demo seeding or the demo password.
 * Returns the problems; main prints them and exits.
 */
export function productionProblems(
  config: Config,
  facts: { sqliteFilesystem: string | null; hasData: boolean; usersWithDemoPassword: string[] },
): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (facts.sqliteFilesystem && NETWORK_FILESYSTEMS.test(facts.sqliteFilesystem)) {
    out.push({ variable: 'DATABASE_URL', message: `SQLite 数据库文件位于网络文件系统（${facts.sqliteFilesystem}）上，文件锁不可靠，会损坏数据；请放在本地磁盘或改用 PostgreSQL` });
  }
  if (!config.demoSet || config.demo) {
    out.push({
      variable: 'DEMO',
      message: facts.hasData ? '生产环境的数据库已有数据，必须设置 DEMO=0（不得生成演示组织和演示密码）' : '生产环境必须设置 DEMO=0（不生成演示组织和演示密码）',
    });
  }
  if (facts.usersWithDemoPassword.length) {
    out.push({ variable: 'DEMO', message: `以下账号仍使用演示密码，生产环境拒绝启动：${facts.usersWithDemoPassword.join('、')}（请先修改或停用）` });
  }
  return out;
}
