import type { Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import pino from 'pino';
import { createApp } from '../../src/api/app.ts';
import type { ApiLimits, Lifecycle } from '../../src/api/context.ts';
import { ManualClock } from '../../src/clock.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import { AuthService, type AuthOptions } from '../../src/domain/auth.ts';
import { PasswordHasher } from '../../src/domain/password-hasher.ts';
import { seedOrganisation } from '../../src/domain/org.ts';
import { DEMO_PASSWORD, ensureInitialSignIns, type InitialSignIn } from '../../src/domain/sign-ins.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Handler } from '../../src/engine/types.ts';
import { seedDemoData } from '../../src/domain/demo-records.ts';
import { registerHandlers, registerPlatformHandlers } from '../../src/services/index.ts';
import { bootstrapDeployments, PLATFORM_FILES } from '../../src/domain/deployments/bootstrap.ts';
import { freshDatabase, type TestDatabase } from './db.ts';


/**
 * A real HTTP server on a random port over a fresh database with the demo organisation, and
 * clients that sign in as demo users. Usage:
 *   const s = await startServer();
 *   const staff = await s.login('staff');
 *   const res = await staff.get('/api/tasks');
 *   await s.close();
 */

/** What fetch accepts as a body (FormData, string, bytes …). */
type Body = NonNullable<Parameters<typeof fetch>[1]>['body'];

export interface Res<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export class Client {
  token: string | null = null;
  constructor(
    readonly base: string,
    readonly username?: string,
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, opts: { headers?: Record<string, string>; raw?: Body } = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.token && !('authorization' in headers)) headers.authorization = `Bearer ${this.token}`;
    let payload: Body | undefined = opts.raw;
    if (body !== undefined && payload === undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: any = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  get<T = any>(path: string, opts?: { headers?: Record<string, string> }) {
    return this.request<T>('GET', path, undefined, opts);
  }

  post<T = any>(path: string, body?: unknown, opts?: { headers?: Record<string, string>; raw?: Body }) {
    return this.request<T>('POST', path, body, opts);
  }

  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }

  del<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface TestServer {
  url: string;
  db: Knex;
  engine: EngineService;
  auth: AuthService;
  clock: ManualClock;
  database: TestDatabase;
  /** The metrics, when asked for. */
  metrics?: Metrics;
  /** The read pool (as DATABASE_READ_URL gives), when asked for: a second pool on the same database. */
  readDb?: Knex;
  /** The sign-ins created at start (as `npm start` prints them). */
  signIns: InitialSignIn[];
  /** A client without a session. */
  anonymous(): Client;
  /** Signs in (demo password unless given) and returns a client carrying the token. */
  login(username: string, password?: string): Promise<Client>;
  /**
   * A restart of the node: the HTTP server and engine stop, a new engine (nothing in memory) and
   * app start on the same database and port; signed-in clients keep working. `engine` is the new one.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * scrypt at N=2^10 instead of 2^15: the same code path (worker pool, stored parameters), a
 * thirty-second of the cost, so seeding two dozen demo passwords per file stays fast.
 */
export const testHasher = new PasswordHasher({ workers: 2, maxQueue: 1000, cost: { N: 1 << 10, r: 8, p: 1 } });

/** Tuesday 1 December 2026, 09:00 Beijing time: a working day. */
export const T0 = Date.parse('2026-12-01T09:00:00+08:00');

export async function startServer(
  opts: {
    clock?: ManualClock;
    limits?: Partial<ApiLimits>;
    handlers?: Record<string, Handler>;
    /** Also the demo catalog and records, the service handlers, and processes/ and forms/ deployed. */
    procedures?: boolean;
    /** false: no demo people, only the first administrator (as `DEMO=0 npm start`). */
    demo?: boolean;
    /** Sign-in settings (throttle, hasher, session lifetime); scrypt is cheap in tests by default. */
    auth?: AuthOptions;
    /** As TRUST_PROXY=1: X-Forwarded-For / X-Forwarded-Proto are believed. */
    trustProxy?: boolean;
    /** Prometheus metrics (GET /metrics), made on the server's database and clock. */
    metrics?: { token?: string };
    /** An existing database (e.g. an upgraded one) instead of a fresh one; dropped by close(). */
    database?: TestDatabase;
    /** The node's run state, as main.ts shares it with graceful shutdown. */
    lifecycle?: Lifecycle;
    /** A second pool on the database as the read replica (DATABASE_READ_URL). */
    readReplica?: boolean;
  } = {},
): Promise<TestServer> {
  const database = opts.database ?? (await freshDatabase());
  const { db } = database;
  const clock = opts.clock ?? new ManualClock(T0);
  let engine = await EngineService.create({ db, clock, handlers: opts.handlers });
  const demo = opts.demo ?? true;
  await seedOrganisation(db, clock.now(), demo);
  const auth = new AuthService(db, clock, { hasher: testHasher, ...opts.auth });
  const signIns = await ensureInitialSignIns(db, auth, { demo });
  // As `npm start` on a fresh database: processes/ deployed directly (bootstrap). Without the
  // procedures only the approval procedure is, since every deploy through the API is a proposal.
  registerPlatformHandlers(engine);
  if (opts.procedures) {
    await seedDemoData(db, clock.now());
    registerHandlers({ db, engine, clock });
  }
  await bootstrapDeployments(engine, path.join(root, 'processes'), path.join(root, 'forms'), { only: opts.procedures ? undefined : PLATFORM_FILES });
  const metrics = opts.metrics ? new Metrics({ db, clock, engine }) : undefined;
  const readDb = opts.readReplica ? await database.reopen() : undefined;
  const listen = (port: number): Promise<Server> => {
    const app = createApp({ db, readDb, engine, logger: pino({ level: 'silent' }), auth, limits: opts.limits, trustProxy: opts.trustProxy, metrics, metricsToken: opts.metrics?.token, lifecycle: opts.lifecycle });
    return new Promise((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
  };
  let server = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const srv: TestServer = {
    url,
    db,
    engine,
    auth,
    clock,
    database,
    metrics,
    readDb,
    signIns,
    anonymous: () => new Client(url),
    async login(username: string, password = DEMO_PASSWORD) {
      const c = new Client(url, username);
      const res = await c.post('/api/auth/login', { username, password });
      if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
      c.token = res.body.token;
      return c;
    },
    async restart() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.stop();
      engine = await EngineService.create({ db, clock, handlers: opts.handlers });
      registerPlatformHandlers(engine);
      if (opts.procedures) registerHandlers({ db, engine, clock });
      srv.engine = engine;
      server = await listen(port);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await metrics?.stop();
      await engine.stop();
      await database.drop();
    },
  };
  return srv;
}

/**
 * Deploys files through the API: the process owner proposes them (202) and a second person of the
 * approving group (a leader, or supervision for its own procedures) approves, so they are active
 * when this returns. Throws unless both steps succeed. Answers like a direct deployment did
 * (`id` = the deployment made, or null when nothing changed), plus `proposalId`.
 */
export async function deployViaApi(s: TestServer, files: Array<{ name: string; content: string }>): Promise<any> {
  const owner = await s.login('owner');
  const res = await owner.post('/api/deployments', { files });
  if (res.status === 200) return res.body;
  if (res.status !== 202) throw new Error(`deploy failed: ${res.status} ${res.text}`);
  const approver = await s.login(res.body.approverGroup === 'supervision' ? 'supervisor' : 'leader');
  const approved = await approver.post(`/api/deployments/${res.body.id}/approve`, { comment: '同意' });
  if (approved.status !== 200 || approved.body.status !== 'active') throw new Error(`approval failed: ${approved.status} ${approved.text}`);
  return { ...res.body, id: approved.body.deploymentId, proposalId: res.body.id, status: 'active' };
}
