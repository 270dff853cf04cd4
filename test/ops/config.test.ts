import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pino from 'pino';
import { createApp } from '../../src/api/app.ts';
import { ConfigError, filesystemOf, loadConfig, productionProblems, type Config } from '../../src/config.ts';
import { serve, startupProblems } from '../../src/ops/startup.ts';
import { createLogger } from '../../src/logger.ts';
import os from 'node:os';
import { startServer, testHasher } from '../helpers/api.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CERT = path.join(root, 'test/fixtures/tls/localhost.crt');
const KEY = path.join(root, 'test/fixtures/tls/localhost.key');

/** The problems loadConfig reports for `env`, by variable. */
function problemsOf(env: NodeJS.ProcessEnv): Record<string, string> {
  try {
    loadConfig(env);
    return {};
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return Object.fromEntries((err as ConfigError).problems.map((p) => [p.variable, p.message]));
  }
}

describe('ops: configuration is checked at start (issue 19)', () => {
  it('reads the defaults from an empty environment', () => {
    const c = loadConfig({});
    expect(c).to.include({ port: 3000, demo: true, demoSet: false, production: false, logLevel: 'info', trustProxy: false, tls: null, metrics: true });
    expect(c.backupAtMinutes).to.equal(120);
  });

  it('reports every bad value at once, by variable, instead of falling back silently', () => {
    const p = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', BACKUP_AT: '25:00', DEMO: 'yes', HASH_WORKERS: '0', DATABASE_URL: 'mysql://root:secret@db/app', NODE_ENV: 'prod' });
    expect(Object.keys(p).sort()).to.deep.equal(['BACKUP_AT', 'DATABASE_URL', 'DEMO', 'HASH_WORKERS', 'LOG_LEVEL', 'NODE_ENV', 'PORT']);
    expect(p.PORT).to.contain('abc');
    expect(p.DATABASE_URL).to.contain('***').and.not.contain('secret');
  });

  it('reads the notification channels, each off while unset, and refuses a wrong scheme or a missing sender', () => {
    // Given no channel variables: no e-mail, no robot
    expect(loadConfig({}).notify).to.deep.equal({ smtpUrl: null, smtpFrom: null, webhookUrl: null, webhookSecret: null });
    // When they are set right, they are read as given
    const ok = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.gov.cn:465', SMTP_FROM: '平台 <noreply@example.gov.cn>', NOTIFY_WEBHOOK_URL: 'https://oapi.dingtalk.com/robot/send?access_token=t', NOTIFY_WEBHOOK_SECRET: 'SECx' });
    expect(ok.notify.smtpUrl).to.equal('smtps://u:p@mail.example.gov.cn:465');
    expect(ok.notify.webhookSecret).to.equal('SECx');
    // Then wrong ones are reported by variable, the SMTP password hidden
    const p = problemsOf({ SMTP_URL: 'http://u:secret@mail', NOTIFY_WEBHOOK_URL: 'ftp://robot', NOTIFY_WEBHOOK_SECRET: 'SECx' });
    expect(Object.keys(p).sort()).to.deep.equal(['NOTIFY_WEBHOOK_URL', 'SMTP_FROM', 'SMTP_URL']);
    expect(p.SMTP_URL).to.contain('***').and.not.contain('secret');
    expect(problemsOf({ NOTIFY_WEBHOOK_SECRET: 'SECx' })).to.have.property('NOTIFY_WEBHOOK_SECRET');
  });

  it('wants both TLS files, readable, and a key that matches the certificate', () => {
    expect(problemsOf({ TLS_CERT: CERT })).to.have.property('TLS_CERT/TLS_KEY');
    expect(problemsOf({ TLS_CERT: CERT, TLS_KEY: '/nonexistent/key.pem' })).to.have.property('TLS_KEY');
    expect(problemsOf({ TLS_CERT: KEY, TLS_KEY: KEY })['TLS_CERT/TLS_KEY']).to.contain('证书或私钥无效');
    expect(loadConfig({ TLS_CERT: CERT, TLS_KEY: KEY }).tls).to.deep.equal({ certFile: CERT, keyFile: KEY });
  });

  it('finds the filesystem that holds a path, so SQLite on NFS can be refused', () => {
    const mounts = [
      { point: '/', type: 'ext4' },
      { point: '/srv/shared', type: 'nfs4' },
    ];
    const asIs = (f: string) => f;
    expect(filesystemOf('/srv/shared/data/platform.sqlite', mounts, asIs)).to.equal('nfs4');
    expect(filesystemOf('/srv/sharedother/platform.sqlite', mounts, asIs)).to.equal('ext4');
    expect(filesystemOf(path.join(root, 'package.json'))).to.be.a('string');
    const base = loadConfig({ NODE_ENV: 'production', DEMO: '0' });
    const onNfs = productionProblems(base, { sqliteFilesystem: 'nfs4', hasData: false, usersWithDemoPassword: [] });
    expect(onNfs.map((p) => p.variable)).to.deep.equal(['DATABASE_URL']);
    expect(productionProblems(base, { sqliteFilesystem: 'ext4', hasData: true, usersWithDemoPassword: [] })).to.deep.equal([]);
  });

  it('refuses production without DEMO=0, and with demo passwords still in use', async () => {
    // Given a database seeded with the demo organisation and its demo passwords
    const s = await startServer();
    try {
      const config: Config = { ...loadConfig({ NODE_ENV: 'production', DEMO: '0' }), databaseUrl: 'postgres://unused' };
      // When production starts on it
      const problems = await startupProblems(config, s.db, testHasher);
      // Then every demo account still on the demo password is named
      expect(problems).to.have.length(1);
      expect(problems[0].message).to.contain('supervisor').and.contain('vendor');
      // And without DEMO=0 it is refused too, saying the database has data
      const unset = productionProblems({ ...config, demoSet: false }, { sqliteFilesystem: null, hasData: true, usersWithDemoPassword: [] });
      expect(unset[0]).to.include({ variable: 'DEMO' });
      expect(unset[0].message).to.contain('已有数据');
      // And outside production nothing is checked
      expect(await startupProblems({ ...config, production: false }, s.db, testHasher)).to.deep.equal([]);
    } finally {
      await s.close();
    }
  });

  it('npm start with a bad value prints the problem without a stack trace and exits 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'http', LOG_LEVEL: 'loud', DATABASE_URL: ':memory:' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).to.equal(1);
    expect(stderr).to.contain('PORT').and.contain('LOG_LEVEL').and.contain('配置有误');
    expect(stderr).not.to.match(/\n\s+at /);
  });

  it('serves HTTPS with HSTS when given a certificate and key', async () => {
    const s = await startServer();
    const server = await serve(createApp({ db: s.db, engine: s.engine, logger: pino({ level: 'silent' }), auth: s.auth }), { port: 0, tls: { certFile: CERT, keyFile: KEY } });
    try {
      const port = (server.address() as { port: number }).port;
      const res = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
        const req = https.get({ host: '127.0.0.1', port, path: '/api/health', ca: [fs.readFileSync(CERT)], servername: 'localhost' }, (r) => {
          let body = '';
          r.on('data', (d) => (body += d));
          r.on('end', () => resolve({ status: r.statusCode!, hsts: r.headers['strict-transport-security'] as string | undefined, body }));
        });
        req.on('error', reject);
      });
      expect(res.status).to.equal(200);
      expect(JSON.parse(res.body).status).to.equal('ok');
      expect(res.hsts).to.match(/max-age=\d+/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await s.close();
    }
  });

  it('keeps application logs in daily files for at least six months', async () => {
    // A retention below six months is refused, with the law named
    expect(problemsOf({ LOG_FILE: '/tmp/x/app.log', LOG_KEEP_DAYS: '30' }).LOG_KEEP_DAYS).to.contain('六个月');
    expect(loadConfig({ LOG_FILE: '/tmp/x/app.log' }).logFiles).to.deep.equal({ file: '/tmp/x/app.log', keepDays: 190 });
    // And a logger with files writes JSON lines into today's file
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-logs-'));
    const logger = createLogger('info', { file: path.join(dir, 'app.log'), keepDays: 190 });
    logger.info({ probe: 'log-file-test' }, 'hello');
    const today = () => fs.readdirSync(dir).filter((f) => /^app\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(f));
    const deadline = Date.now() + 20_000;
    let content = '';
    while (Date.now() < deadline) {
      logger.flush();
      content = today().map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
      if (content.includes('log-file-test')) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(JSON.parse(content.trim().split('\n').pop()!)).to.include({ probe: 'log-file-test', msg: 'hello', service: 'power-control-platform' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
