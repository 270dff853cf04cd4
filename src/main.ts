import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './api/app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, refreshStatistics } from './db/knex.ts';
import { EngineService } from './engine/service.ts';
import { seedOrganisation } from './domain/org.ts';
import { seedDemoData } from './domain/demo-records.ts';
import { AuthService } from './domain/auth.ts';
import { PasswordHasher } from './domain/password-hasher.ts';
import { ensureInitialSignIns, formatSignIns } from './domain/sign-ins.ts';
import { registerHandlers } from './services/index.ts';
import { registerDelivery } from './services/delivery.ts';
import { bootstrapDeployments } from './domain/deployments/bootstrap.ts';
import { scanMonitoringRules } from './domain/supervision/rule-scan.ts';
import { scanCaseWarnings } from './domain/supervision/cases.ts';
import { calendarTick } from './domain/calendar.ts';
import { SupervisionScheduler } from './domain/supervision/scheduler.ts';
import { organisationSince } from './store/org.ts';
import { createLogger } from './logger.ts';
import { opsTarget } from './ops/database.ts';
import { BackupScheduler } from './ops/scheduled.ts';
import { serve, startupProblems } from './ops/startup.ts';
import { Metrics } from './ops/metrics.ts';
import { installShutdown } from './ops/shutdown.ts';
import { Ticker } from './lib/ticker.ts';
import { chainAudit } from './domain/audit-chain.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `npm start`: migrate the database, deploy processes/ and forms/ (or propose their changes), start the job poller and
 * listen. Several nodes may run this against one PostgreSQL database.
 */
async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel, config.logFiles);
  const db = await openDatabase(config.databaseUrl);
  // A PostgreSQL read replica for the monitor, statistics and the compliance report (never migrated from here).
  const readDb = config.databaseReadUrl ? await openDatabase(config.databaseReadUrl, { migrate: false }) : undefined;
  const hasher = new PasswordHasher({ workers: config.hashWorkers, maxQueue: config.hashQueue });
  // Production refuses a SQLite file on a network filesystem, demo seeding and demo passwords.
  const problems = await startupProblems(config, db, hasher);
  if (problems.length) {
    await Promise.all([db.destroy(), hasher.close()]);
    exitWith(new ConfigError(problems));
  }
  const engine = await EngineService.create({
    db,
    logger,
    cacheSize: config.engineCacheSize,
    pollMs: config.jobPollMs,
    jobConcurrency: config.jobConcurrency,
    jobLeaseMs: config.jobLeaseMs,
  });
  await seedOrganisation(db, engine.clock.now(), config.demo);
  if (config.demo) await seedDemoData(db, engine.clock.now());
  const auth = new AuthService(db, engine.clock, { hasher, sessionMaxMs: config.sessionMaxHours * 3600e3 });
  const signIns = await ensureInitialSignIns(db, auth, { demo: config.demo });
  // Printed once, on the console only (not the JSON log): the first sign-ins of a new database.
  if (signIns.length) console.log(formatSignIns(signIns));
  registerHandlers({ db, engine, clock: engine.clock });
  const channels = registerDelivery({ db, engine, logger }, config.notify);
  if (channels.length) logger.info({ channels }, 'notification channels configured');
  // A fresh database gets processes/ deployed directly; on an existing one, changed files become a
  // pending proposal by `system` that a leader approves (README: Deployments are proposals).
  const boot = await bootstrapDeployments(engine, path.join(root, 'processes'), path.join(root, 'forms'));
  if (boot.mode === 'bootstrap') {
    for (const item of boot.result.items) logger.info({ file: item.file, key: item.key, version: item.version }, 'deployed (bootstrap)');
  } else {
    for (const item of boot.platform?.items ?? []) logger.info({ file: item.file, key: item.key, version: item.version }, 'deployed (approval procedure bootstrap)');
    if (boot.proposal.id) {
      const changed = boot.proposal.items.filter((i) => !i.unchanged).map((i) => `${i.key}:${i.version}`);
      logger.warn({ proposal: boot.proposal.id, approverGroup: boot.proposal.approverGroup, changed }, 'processes/ changed: pending deployment proposal, awaiting approval');
    }
  }
  engine.startJobs();
  const supervision = new SupervisionScheduler({
    db,
    clock: engine.clock,
    node: `${os.hostname()}:${process.pid}`,
    since: (await organisationSince(db)) ?? engine.clock.now(),
    logger,
    extra: [calendarTick(db, engine), (now) => scanCaseWarnings(db, engine.calendar, now), (now) => scanMonitoringRules(db, engine.calendar, now)],
  });
  supervision.start(config.supervisionTickMs);
  // Scheduled backups only when BACKUP_DIR is set; once per day across all nodes.
  const backups = config.backupDir
    ? new BackupScheduler({
        db,
        clock: engine.clock,
        node: `${os.hostname()}:${process.pid}`,
        target: opsTarget(config.databaseUrl),
        dir: config.backupDir,
        atMinutes: config.backupAtMinutes,
        policy: { daily: config.backupKeepDaily, monthly: config.backupKeepMonthly },
        logger,
      })
    : null;
  backups?.start(60_000);
  // Links committed audit rows into the hash chain off the requests' path (one node at a time).
  const chainer = new Ticker(() => chainAudit(db, engine.clock.now()), (err) => logger.error({ err }, 'audit chaining failed'));
  chainer.start(config.auditChainMs);
  // Fresh planner statistics every day, as tables grow (cheap: ANALYZE samples each table).
  const statistics = new Ticker(() => refreshStatistics(db), (err) => logger.error({ err }, 'ANALYZE failed'));
  statistics.start(24 * 3600e3);
  const metrics = config.metrics ? new Metrics({ db, clock: engine.clock, engine }) : undefined;
  metrics?.startAuditVerifier(config.auditVerifyMinutes * 60e3);
  // Written by graceful shutdown, read by readiness: out of rotation before the port closes.
  const lifecycle = { draining: false };
  const server = await serve(createApp({ lifecycle, db, readDb, engine, logger, auth, trustProxy: config.trustProxy, metrics, metricsToken: config.metricsToken, attachmentsDir: config.attachmentsDir, sunshineLagDays: config.sunshineLagDays }), config);
  const scheme = config.tls ? 'https' : 'http';
  logger.info({ port: config.port, tls: !!config.tls, database: config.databaseUrl.replace(/:[^:@/]+@/, ':***@') }, `listening on ${scheme}://localhost:${config.port}/`);
  installShutdown({
    server,
    logger,
    graceMs: config.shutdownGraceMs,
    readyDelayMs: config.shutdownReadyDelayMs,
    onDraining: () => (lifecycle.draining = true),
    // Under `npm start` (npm's child, see package.json): stop too when npm is gone, even by kill -9.
    watchParent: process.env.npm_lifecycle_event === 'start',
    stop: async (graceMs) => {
      await Promise.all([engine.stop({ graceMs }), supervision.stop(), backups?.stop(), metrics?.stop()]);
      // What this node wrote last is linked before it leaves, not left for the next chainer.
      await Promise.all([chainer.stop(), statistics.stop()]);
      await chainAudit(db, engine.clock.now()).catch((err) => logger.error({ err }, 'audit chaining failed'));
    },
    close: async () => {
      await db.destroy();
      await readDb?.destroy();
      await hasher.close();
    },
  });
}

/** The configuration, or its problems printed (no stack trace) and exit code 1. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) exitWith(err);
    throw err;
  }
}

function exitWith(err: ConfigError): never {
  console.error(err.message);
  process.exit(1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
