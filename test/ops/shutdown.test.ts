import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import pino from 'pino';
import { installShutdown } from '../../src/ops/shutdown.ts';
import { startServer } from '../helpers/api.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const logger = pino({ level: 'silent' });

/** A free TCP port on this machine. */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Waits until `cond` holds, asking every 100 ms for at most `ms`. */
async function waitFor(cond: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) expect.fail('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('ops: graceful shutdown', () => {
  it('drains a request in flight, refuses new connections, stops background work, then exits 0', async () => {
    // Given a server with a slow request in flight
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const server = http.createServer(async (_req, res) => {
      started();
      await slow;
      res.end('done');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const response = fetch(url).then(async (r) => ({ status: r.status, body: await r.text() }));
    await inFlight;
    const steps: string[] = [];
    let exitCode: number | undefined;
    const shutdown = installShutdown({
      server,
      logger,
      graceMs: 60_000,
      signals: false,
      stop: async (graceMs) => void steps.push(`stop ${graceMs}`),
      close: async () => void steps.push('close'),
      exit: (code) => (exitCode = code),
    });
    // When the node shuts down
    const done = shutdown('test');
    // Then new connections are refused while the request in flight goes on
    await waitFor(() => !server.listening, 5000);
    expect(await answers(url)).to.equal(false);
    expect(exitCode).to.equal(undefined);
    // And the request in flight is answered, then the rest closes and the process exits 0
    release();
    expect(await response).to.deep.equal({ status: 200, body: 'done' });
    await done;
    expect(steps).to.deep.equal(['stop 60000', 'close']);
    expect(exitCode).to.equal(0);
  });

  it('first reports not-ready and keeps serving for the ready delay (Connection: close), then closes the port', async () => {
    // Given a node of the platform that shares its run state with graceful shutdown, behind a
    // load balancer that polls readiness
    const lifecycle = { draining: false };
    const s = await startServer({ lifecycle });
    try {
      const ready = await s.anonymous().get('/api/health/ready');
      expect(ready.status).to.equal(200);
      expect(ready.body.checks).to.not.have.property('shutdown');
      let endDelay!: () => void;
      let delaying!: () => void;
      const inDelay = new Promise<void>((r) => (delaying = r));
      let exitCode: number | undefined;
      const server = { listening: true, close: (cb: () => void) => ((server.listening = false), cb()), closeIdleConnections: () => {}, closeAllConnections: () => {} };
      const shutdown = installShutdown({
        server: server as never,
        logger,
        graceMs: 1000,
        signals: false,
        readyDelayMs: 5000,
        delay: (ms) => (expect(ms).to.equal(5000), delaying(), new Promise<void>((r) => (endDelay = r))),
        onDraining: () => (lifecycle.draining = true),
        stop: async () => {},
        close: async () => {},
        exit: (code) => (exitCode = code),
      });
      // When SIGTERM arrives
      const done = shutdown('SIGTERM');
      await inDelay;
      // Then during the ready delay the node still serves, but readiness answers 503 with the reason
      // and every response asks the client to reconnect elsewhere; the port is still open
      const notReady = await s.anonymous().get('/api/health/ready');
      expect(notReady.status).to.equal(503);
      expect(notReady.body.status).to.equal('not-ready');
      expect(notReady.body.checks.shutdown).to.deep.equal({ ok: false, detail: '本节点正在停止，不再接收新请求' });
      expect(notReady.headers.get('connection')).to.equal('close');
      const live = await s.anonymous().get('/api/health/live');
      expect(live.status).to.equal(200);
      expect(server.listening).to.equal(true);
      // And after the delay the port closes and the process exits 0
      endDelay();
      await done;
      expect(server.listening).to.equal(false);
      expect(exitCode).to.equal(0);
    } finally {
      await s.close();
    }
  });

  describe('the process `npm start` returns', function () {
    // On a busy 2-core CI machine `npm start` of a fresh clone builds the web bundle first (minutes at load 20).
    this.timeout(600_000);
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-shutdown-'));
    });
    after(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Starts `npm start` on a fresh SQLite file; answers npm's pid, the server's pid and its URL. */
    async function npmStart(name: string): Promise<{ npm: ChildProcess; server: number; url: string }> {
      const port = await freePort();
      const env = { ...process.env, DATABASE_URL: path.join(dir, `${name}.sqlite`), PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development' };
      const npm = spawn('npm', ['start'], { cwd: root, env, stdio: 'ignore' });
      const url = `http://127.0.0.1:${port}/api/health/live`;
      await waitFor(() => answers(url), 500_000);
      const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=', '--ppid', String(npm.pid)]);
      const server = Number(stdout.trim());
      expect(server).to.be.greaterThan(0);
      return { npm, server, url };
    }

    it('SIGTERM to npm stops the real server: the port closes and no process is left', async () => {
      const { npm, server, url } = await npmStart('term');
      npm.kill('SIGTERM');
      await waitFor(() => !alive(server), 30_000);
      expect(await answers(url)).to.equal(false);
    });

    it('kill -9 of npm stops the real server too (it notices its parent is gone)', async () => {
      const { npm, server, url } = await npmStart('kill');
      npm.kill('SIGKILL');
      await waitFor(() => !alive(server), 30_000);
      expect(await answers(url)).to.equal(false);
    });
  });
});
