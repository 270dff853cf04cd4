/**
 * `npm run bench:http`: throughput on the path real requests take. Starts the server itself
 * (`node src/main.ts`, as `npm start` does) on SQLite, then on PostgreSQL with 1, 2 and 3 nodes,
 * and drives it through HTTP as a client would: sign in once, then loop { start a one-task
 * process; complete its task as a second person }, requests spread round-robin over the nodes
 * (no sticky routing: the worst case for per-node caches). In the same run it measures bare
 * bpmn-engine in memory on the same workload, so the ratio is comparable across machines.
 *
 * Prints per configuration and client count: completed instances/s, p50/p95/p99 of start and of
 * complete, CPU-ms per completed instance per node (from /proc), false refusals (4xx/5xx on open
 * work; must be 0) and, on PostgreSQL, the fraction of 20 ms samples in which any backend waited
 * on a lock.
 *
 * Env: BENCH_SECONDS (default 10 per measurement), BENCH_CLIENTS (default "1,8"),
 * PG_URL (default postgres://postgres@127.0.0.1:5432/test; BENCH_PG=0 skips PostgreSQL),
 * BENCH_NODES (default "1,2,3"), BENCH_NODE_ARGS (extra node flags per server, e.g. "--cpu-prof").
 *
 * Usage: npm run bench:http
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from 'bpmn-engine';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import knexFactory from 'knex';
import { openDatabase } from '../src/db/knex.ts';
import { EngineService } from '../src/engine/service.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = (process.env.BENCH_CLIENTS ?? '1,8').split(',').map(Number);
const NODES = (process.env.BENCH_NODES ?? '1,2,3').split(',').map(Number);
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'Demo@2026!';
const NEW_PASSWORD = 'Bench#2026-http!';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_bench_http" targetNamespace="http://example.com/bench">
  <bpmn:process id="bench-http" name="吞吐量基准" isExecutable="true" camunda:candidateStarterGroups="staff">
    <bpmn:startEvent id="start" name="开始" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:userTask id="task" name="办理" camunda:candidateGroups="staff" camunda:dueDate="P5D" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <bpmn:endEvent id="end" name="结束" />
  </bpmn:process>
</bpmn:definitions>`;

/** Statements seen waiting on a lock (PostgreSQL), with how many samples caught each. */
const lockedQueries = new Map<string, number>();
const pct = (xs: number[], p: number) => (xs.length ? xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  url: string;
  child: ChildProcess;
}

/** CPU time (user + system) of a process in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

async function startNode(databaseUrl: string, port: number, logDir: string): Promise<Node> {
  const log = fs.openSync(path.join(logDir, `node-${port}.log`), 'w');
  // BENCH_NODE_ARGS passes extra node flags to each server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), DEMO: '1', NODE_ENV: 'development', LOG_LEVEL: 'warn', METRICS: '0' },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  // Wait for readiness (the first node migrates and deploys processes/).
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`node on ${port} exited: see ${logDir}`);
    try {
      const res = await fetch(`${url}/api/health/ready`);
      if (res.ok) return { url, child };
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`node on ${port} not ready after 120 s`);
}

async function stopNodes(nodes: Node[]): Promise<void> {
  await Promise.all(
    nodes.map(
      (n) =>
        new Promise<void>((resolve) => {
          if (n.child.exitCode !== null) return resolve();
          n.child.once('exit', () => resolve());
          n.child.kill('SIGTERM');
        }),
    ),
  );
}

async function call(url: string, method: string, p: string, token: string | null, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url + p, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** Signs a demo user in, changing the demo password first when the platform asks for it. */
async function signIn(url: string, username: string): Promise<string> {
  for (const password of [NEW_PASSWORD, PASSWORD]) {
    const r = await call(url, 'POST', '/api/auth/login', null, { username, password });
    if (r.status !== 200) continue;
    if (!r.json.mustChangePassword) return r.json.token;
    const c = await call(url, 'POST', '/api/auth/password', r.json.token, { currentPassword: password, newPassword: NEW_PASSWORD });
    if (c.status >= 300) throw new Error(`password change for ${username}: ${c.status} ${JSON.stringify(c.json)}`);
    return signIn(url, username);
  }
  throw new Error(`cannot sign in as ${username}`);
}

interface Measured {
  rate: number;
  start: number[];
  complete: number[];
  refusals: Map<string, number>;
  cpuPerInstance: number[];
  lockWaitFraction: number | null;
}

async function drive(nodes: Node[], clients: number, tokens: { starter: string; completer: string }, lockSampler: (() => Promise<boolean>) | null): Promise<Measured> {
  const start: number[] = [];
  const complete: number[] = [];
  const refusals = new Map<string, number>();
  const refuse = (what: string, status: number, json: any) => {
    const key = `${what} ${status} ${json?.error?.code ?? ''}`;
    refusals.set(key, (refusals.get(key) ?? 0) + 1);
  };
  let rr = 0;
  const node = () => nodes[rr++ % nodes.length].url;
  let done = 0;
  let stop = false;
  let samples = 0;
  let waited = 0;
  const sampling = lockSampler
    ? (async () => {
        while (!stop) {
          samples++;
          if (await lockSampler()) waited++;
          await sleep(20);
        }
      })()
    : Promise.resolve();
  const cpu0 = nodes.map((n) => cpuMs(n.child.pid!));
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const s0 = performance.now();
        const s = await call(node(), 'POST', '/api/process-definitions/bench-http/start', tokens.starter, { variables: {} });
        start.push(performance.now() - s0);
        if (s.status !== 201) {
          refuse('start', s.status, s.json);
          continue;
        }
        const taskId = s.json.tasks?.[0]?.id;
        if (!taskId) {
          refuse('start-without-task', s.status, s.json);
          continue;
        }
        const c0 = performance.now();
        const c = await call(node(), 'POST', `/api/tasks/${taskId}/complete`, tokens.completer, { variables: { done: true } });
        complete.push(performance.now() - c0);
        if (c.status !== 200) refuse('complete', c.status, c.json);
        else done++;
      }
    }),
  );
  const elapsed = performance.now() - t0;
  stop = true;
  await sampling;
  const cpuPerInstance = nodes.map((n, i) => (cpuMs(n.child.pid!) - cpu0[i]) / Math.max(1, done));
  return { rate: (done / elapsed) * 1000, start, complete, refusals, cpuPerInstance, lockWaitFraction: lockSampler ? waited / Math.max(1, samples) : null };
}

async function bare(n: number): Promise<number> {
  const moddleContext = await new BpmnModdle({ camunda }).fromXML(xml);
  const run = async (k: number) => {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) {
      const engine = new Engine({ name: `bare-${i}`, moddleContext });
      await engine.execute({ variables: { i } });
      const [task] = engine.execution.getPostponed();
      const end = engine.waitFor('end');
      task.signal({ done: true });
      await end;
    }
    return (k / (performance.now() - t0)) * 1000;
  };
  await run(200);
  return run(n);
}

function report(label: string, clients: number, m: Measured, baseline: number): void {
  const refused = [...m.refusals].map(([k, v]) => `${k}×${v}`).join(', ') || '0';
  console.log(
    `${label.padEnd(22)} ${String(clients).padStart(2)} clients: ${m.rate.toFixed(0).padStart(4)} inst/s (${(m.rate / baseline).toFixed(2)} of bare) ` +
      `start p50/p95/p99 ${pct(m.start, 50).toFixed(0)}/${pct(m.start, 95).toFixed(0)}/${pct(m.start, 99).toFixed(0)} ms, ` +
      `complete ${pct(m.complete, 50).toFixed(0)}/${pct(m.complete, 95).toFixed(0)}/${pct(m.complete, 99).toFixed(0)} ms, ` +
      `CPU-ms/inst per node ${m.cpuPerInstance.map((c) => c.toFixed(1)).join(' / ')}, ` +
      `false refusals ${refused}` +
      (m.lockWaitFraction === null ? '' : `, lock waited ${(m.lockWaitFraction * 100).toFixed(1)} % of samples`),
  );
}

/** Deploys the bench process with an engine service of its own (a "deployment node"). */
async function deployBench(databaseUrl: string): Promise<void> {
  const db = await openDatabase(databaseUrl, { migrate: false });
  const engine = await EngineService.create({ db, nodeId: 'bench-deployer' });
  await engine.deploy([{ name: 'bench-http.bpmn', content: xml }], { by: 'bench' });
  await engine.stop();
  await db.destroy();
}

async function configuration(label: string, databaseUrl: string, nodeCount: number, baseline: number, lockSampler: (() => Promise<boolean>) | null, logDir: string): Promise<void> {
  const basePort = 39100 + Math.floor(Math.random() * 500) * 4;
  const nodes: Node[] = [await startNode(databaseUrl, basePort, logDir)];
  try {
    await deployBench(databaseUrl);
    for (let i = 1; i < nodeCount; i++) nodes.push(await startNode(databaseUrl, basePort + i, logDir));
    const tokens = { starter: await signIn(nodes[0].url, 'staff'), completer: await signIn(nodes[0].url, 'head') };
    await drive(nodes, 4, tokens, null); // warm-up: JIT, caches, connection pools
    for (const clients of CLIENTS) report(label, clients, await drive(nodes, clients, tokens, lockSampler), baseline);
  } finally {
    await stopNodes(nodes);
  }
}

async function main(): Promise<void> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-bench-http-'));
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`workload: sign in once; loop { POST start (one user task) ; POST complete as a second person }; ${SECONDS} s per measurement; server logs in ${logDir}`);
  const baseline = await bare(2000);
  console.log(`bare bpmn-engine in memory, pre-parsed: ${baseline.toFixed(0)} inst/s (baseline)`);

  const sqliteUrl = path.join(logDir, 'bench.sqlite');
  await configuration('SQLite, 1 node', sqliteUrl, 1, baseline, null, logDir);

  if (process.env.BENCH_PG !== '0') {
    const admin = knexFactory({ client: 'pg', connection: PG_URL });
    for (const count of NODES) {
      const name = `bench_http_${randomBytes(4).toString('hex')}`;
      await admin.raw(`create database ${name}`);
      const url = PG_URL.replace(/\/[^/]*$/, `/${name}`);
      const sampler = knexFactory({ client: 'pg', connection: url, pool: { min: 1, max: 1 } });
      const lockSampler = async () => {
        const r = await sampler.raw(
          `select a.query from pg_stat_activity a where a.datname = current_database() and a.wait_event_type = 'Lock'`,
        );
        for (const row of r.rows) {
          const q = String(row.query).replace(/\s+/g, ' ').slice(0, 70);
          lockedQueries.set(q, (lockedQueries.get(q) ?? 0) + 1);
        }
        return r.rows.length > 0;
      };
      lockedQueries.clear();
      try {
        await configuration(`PostgreSQL, ${count} node${count > 1 ? 's' : ''}`, url, count, baseline, lockSampler, logDir);
      } finally {
        const top = [...lockedQueries].sort((a, b) => b[1] - a[1]).slice(0, 3);
        if (top.length) console.log(`  waiting on a lock most often: ${top.map(([q, n]) => `${n}× ${q}`).join(' | ')}`);
        await sampler.destroy();
        await admin.raw(`drop database if exists ${name} with (force)`);
      }
    }
    await admin.destroy();
  }
  fs.rmSync(path.join(logDir, 'bench.sqlite'), { force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
