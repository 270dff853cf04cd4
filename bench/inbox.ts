/**
 * `npm run bench:inbox`: the inbox query `GET /api/tasks?candidate=me&limit=50` through real HTTP
 * (sign-in, session check, query, JSON) on SQLite with 100,000 open tasks and 1,000,000 history
 * rows, written in bulk through the store; every case has a 流水号, subject and applicant, and a fifth
 * also a completed earlier step (已办). Reports p50/p95/p99; the target is p95 ≤ 50 ms, also for a
 * search (q) and for 已办 (completedBy=me).
 * Env: BENCH_TASKS (default 100000), BENCH_HISTORY (default 1000000), BENCH_REQUESTS (default 500),
 * BENCH_DB (a SQLite file to reuse between runs; default a temp file, rebuilt each run).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../src/api/app.ts';
import { openDatabase } from '../src/db/knex.ts';
import { runStatements, type Statement } from '../src/db/batch.ts';
import { AuthService } from '../src/domain/auth.ts';
import { DEMO_GROUPS, DEMO_USERS } from '../src/domain/demo-org.ts';
import { seedOrganisation } from '../src/domain/org.ts';
import { DEMO_PASSWORD, ensureInitialSignIns } from '../src/domain/sign-ins.ts';
import { EngineService } from '../src/engine/service.ts';
import { appendHistoryStmts, type HistoryRow } from '../src/store/history.ts';
import { insertInstanceStmt, type InstanceRow } from '../src/store/instances.ts';
import { insertTasksStmts, type TaskRow } from '../src/store/tasks.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 100_000);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const USER = 'head'; // groups staff and unit-heads

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_inbox" targetNamespace="http://example.com/bench">
  <bpmn:process id="inbox-bench" name="待办基准" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:userTask id="task" name="办理" camunda:candidateGroups="staff" camunda:dueDate="P5D" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** Deterministic pseudo-random numbers, so that every run builds the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

async function build(engine: EngineService, db: import('knex').Knex): Promise<void> {
  const { items } = await engine.deploy([{ name: 'inbox-bench.bpmn', content: xml }], { by: 'bench' });
  const definitionId = items[0].id;
  const random = rng(42);
  const extra = rng(7); // case labels and completed steps, without changing the open tasks above
  const names = new Map(DEMO_USERS.map((u) => [u.id, u.displayName]));
  const groups = DEMO_GROUPS.map((g) => g.id);
  const users = DEMO_USERS.map((u) => u.id);
  const t0 = Date.now() - 30 * 24 * 3600e3;
  const CHUNK = 2000;
  let written = 0;
  const started = performance.now();
  for (let i = 0; i < TASKS; i += CHUNK) {
    const statements: Statement[] = [];
    const tasks: TaskRow[] = [];
    for (let j = i; j < Math.min(TASKS, i + CHUNK); j++) {
      const created = t0 + j * 20_000;
      const startedBy = users[Math.floor(random() * users.length)];
      const instance: InstanceRow = {
        id: randomUUID(), definitionId, processKey: 'inbox-bench', businessKey: `B-${j}`, startEventId: 'start', status: 'running',
        version: 1, variables: { n: j }, startedBy, startedAt: created, endedAt: null, endedBy: null, endReason: null,
        caseNumber: `基准〔2026〕${String(j + 1).padStart(6, '0')}号`, subject: `关于第 ${j} 号事项的申请`, startedByName: names.get(startedBy) ?? null,
      };
      statements.push(insertInstanceStmt(instance, '{}'));
      // One candidate group each (uniform over the 13 groups); one in ten also names a user;
      // a quarter are already claimed by someone.
      const r = random();
      tasks.push({
        id: randomUUID(), instanceId: instance.id, executionId: `task_${j}`, elementId: 'task', name: `办理事项 ${j}`, processKey: 'inbox-bench',
        definitionId, businessKey: instance.businessKey, formKey: null, candidateGroups: [groups[Math.floor(random() * groups.length)]],
        candidateUsers: r < 0.1 ? [users[Math.floor(random() * users.length)]] : [], assignee: r > 0.75 ? users[Math.floor(random() * users.length)] : null,
        status: 'open', priority: 50, createdAt: created, claimedAt: null, completedAt: null, completedBy: null,
        dueAt: created + 7 * 24 * 3600e3, yellowAt: created + 5 * 24 * 3600e3, followUpAt: null, variables: null, properties: {},
      });
      if (extra() < 0.2) {
        const by = users[Math.floor(extra() * users.length)];
        tasks.push({
          id: randomUUID(), instanceId: instance.id, executionId: `prev_${j}`, elementId: 'prev', name: `受理 ${j}`, processKey: 'inbox-bench',
          definitionId, businessKey: instance.businessKey, formKey: null, candidateGroups: [groups[Math.floor(extra() * groups.length)]], candidateUsers: [],
          assignee: by, status: 'completed', priority: 50, createdAt: created - 3600e3, claimedAt: created - 3600e3, completedAt: created - 60e3, completedBy: by,
          dueAt: null, yellowAt: null, followUpAt: null, variables: null, properties: {},
        });
      }
    }
    statements.push(...insertTasksStmts(tasks));
    await runStatements(db, statements);
    written += tasks.length;
  }
  // The store writes new tasks as the engine makes them (open); the completed steps get their completer here.
  await db.raw(`UPDATE tasks SET completed_by = assignee, completed_at = created_at + 3540000 WHERE status = 'completed' AND completed_by IS NULL`);
  console.log(`  ${written.toLocaleString()} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const instanceIds = (await db('process_instances').select('id').limit(TASKS)).map((r: { id: string }) => r.id);
  const h0 = performance.now();
  for (let i = 0; i < HISTORY; i += 20_000) {
    const rows: HistoryRow[] = [];
    for (let j = i; j < Math.min(HISTORY, i + 20_000); j++) {
      const instanceId = instanceIds[j % instanceIds.length];
      rows.push({ instanceId, type: j % 3 === 0 ? 'activity.start' : j % 3 === 1 ? 'activity.end' : 'variable', elementId: 'task', actor: 'bench', at: t0 + j * 1000, data: { j } });
    }
    await runStatements(db, appendHistoryStmts(rows));
  }
  console.log(`  ${HISTORY.toLocaleString()} history rows in ${((performance.now() - h0) / 1000).toFixed(1)} s`);
  await db.raw('ANALYZE');
}

async function main(): Promise<void> {
  const reuse = process.env.BENCH_DB;
  const dir = reuse ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-inbox-'));
  const file = reuse ?? path.join(dir!, 'inbox.sqlite');
  const fresh = !fs.existsSync(file);
  const db = await openDatabase(file);
  const engine = await EngineService.create({ db });
  const auth = new AuthService(db, engine.clock);
  console.log(`inbox benchmark on SQLite (${file})`);
  if (fresh) {
    await seedOrganisation(db, engine.clock.now(), true);
    await ensureInitialSignIns(db, auth, { demo: true });
    await build(engine, db);
  }
  const counts = {
    open: (await db('tasks').where('status', 'open').count({ n: '*' }))[0].n,
    history: (await db('history').count({ n: '*' }))[0].n,
  };
  console.log(`  data: ${Number(counts.open).toLocaleString()} open tasks, ${Number(counts.history).toLocaleString()} history rows`);

  const server = createApp({ db, engine, auth, logger: pino({ level: 'silent' }) }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USER, password: DEMO_PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };

  const measure = async (label: string, url: string) => {
    const times: number[] = [];
    let total = 0;
    let items = 0;
    for (let i = 0; i < 30; i++) await (await fetch(base + url, { headers })).arrayBuffer(); // warm-up
    for (let i = 0; i < REQUESTS; i++) {
      const t = performance.now();
      const res = await fetch(base + url, { headers });
      const body = (await res.json()) as { total: number; items: unknown[] };
      times.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      total = body.total;
      items = body.items.length;
    }
    console.log(`  ${label.padEnd(44)} p50 ${fmt(pct(times, 50))}  p95 ${fmt(pct(times, 95))}  p99 ${fmt(pct(times, 99))}  (${items} of ${total.toLocaleString()})`);
    return { p50: pct(times, 50), p95: pct(times, 95), p99: pct(times, 99) };
  };

  console.log(`  ${REQUESTS} sequential requests each, signed in as "${USER}":`);
  const main = await measure('GET /api/tasks?candidate=me&limit=50', '/api/tasks?candidate=me&limit=50');
  await measure('GET /api/tasks?candidate=me&limit=50&sort=due', '/api/tasks?candidate=me&limit=50&sort=due');
  await measure('GET /api/tasks (assigned or claimable)', '/api/tasks?limit=50');
  await measure('GET /api/tasks?assignee=me&limit=50', '/api/tasks?assignee=me&limit=50');
  const q = (text: string) => encodeURIComponent(text);
  const search = await measure('… candidate=me&q=<applicant name> (search)', `/api/tasks?candidate=me&limit=50&q=${q('张明')}`);
  await measure('… candidate=me&q=<case number>', `/api/tasks?candidate=me&limit=50&q=${q('〔2026〕012345')}`);
  const done = await measure('GET /api/tasks?completedBy=me&limit=50 (已办)', '/api/tasks?completedBy=me&limit=50');
  for (const [label, r] of [['search', search], ['已办', done]] as const) {
    console.log(r.p95 <= 50 ? `  ${label}: p95 ${fmt(r.p95)} ≤ 50 ms` : `  ${label}: p95 ${fmt(r.p95)} > 50 ms`);
  }
  console.log(main.p95 <= 50 ? `  target met: p95 ${fmt(main.p95)} ≤ 50 ms` : `  TARGET MISSED: p95 ${fmt(main.p95)} > 50 ms`);

  server.close();
  await engine.stop();
  await db.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
