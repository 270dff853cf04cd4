import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBundle } from '../../../scripts/build-web.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const ARTIFACTS = path.join(root, 'test-artifacts');

export interface RunningServer {
  baseUrl: string;
  dbPath: string;
  /** The server's console output so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real server (`src/main.ts`, as `npm start` does) on a free port with a fresh
 * temporary SQLite database and the demo organisation, after building the web bundle if it is
 * missing or stale. Usage: `const server = await startServer(); … await server.stop()`.
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  await ensureWebBundle({ quiet: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-e2e-'));
  const dbPath = path.join(dir, 'platform.sqlite');
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATABASE_URL: dbPath, DEMO: '1', LOG_LEVEL: 'warn', JOB_POLL_MS: '200', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /api/health within 90 s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    dbPath,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      fs.writeFileSync(path.join(ARTIFACTS, `server-${port}.log`), output);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A signed-in API client for test setup (deploying a fixture, looking up ids). */
export async function apiAs(baseUrl: string, username: string, password = 'Demo@2026!') {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  const call = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(`${method} ${p} → ${r.status} ${text}`);
    return json;
  };
  /**
   * Deploys as this user through the four-eyes path: the proposal (202) is approved by a second
   * person of the approving group, so the files are active when this returns.
   */
  const deploy = async (body: unknown) => {
    const proposed = await call('POST', '/api/deployments', body);
    if (!proposed?.id) return proposed;
    const approver = await apiAs(baseUrl, proposed.approverGroup === 'supervision' ? 'supervisor' : 'leader', password);
    return approver.post(`/api/deployments/${proposed.id}/approve`, { comment: '同意' });
  };
  return { get: (p: string) => call('GET', p), post: (p: string, body: unknown = {}) => call('POST', p, body), put: (p: string, body: unknown = {}) => call('PUT', p, body), delete: (p: string) => call('DELETE', p), deploy };
}
