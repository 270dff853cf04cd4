/**
 * `npm run bench`: the same workload — start → user task → complete → end, N instances — done by
 * (a) bare bpmn-engine in memory and (b) this engine service on SQLite, durably (WAL,
 * synchronous=FULL), in one run. Then memory with 100 and 20,000 waiting instances.
 * (b) is measured twice: one instance at a time, and with BENCH_CONCURRENCY (default 8) clients
 * working at once, as a server is used; the ratio is reported for both.
 * Env: BENCH_N (default 2000), BENCH_WAITING (default 20000), BENCH_CONCURRENCY.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { openDatabase } from '../src/db/knex.ts';
import { EngineService } from '../src/engine/service.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const WAITING = Number(process.env.BENCH_WAITING ?? 20000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const actor = { id: 'bench', groups: ['staff'] };

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_bench" targetNamespace="http://example.com/bench">
  <bpmn:process id="bench" name="基准" isExecutable="true">
    <bpmn:startEvent id="start" name="开始" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task" />
    <bpmn:userTask id="task" name="办理" camunda:candidateGroups="staff" camunda:dueDate="P5D" />
    <bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="end" />
    <bpmn:endEvent id="end" name="结束" />
  </bpmn:process>
</bpmn:definitions>`;

const gc = (globalThis as { gc?: () => void }).gc;
/**
 * Steady-state memory: after GC, five samples 300 ms apart, the smallest RSS. A single sample
 * swings by ±50 MB with the allocator's free lists (the V8 heap does not), which would hide or
 * fake growth.
 */
async function memory(): Promise<{ rss: number; heap: number }> {
  let rss = Infinity;
  let heap = 0;
  for (let i = 0; i < 5; i++) {
    gc?.();
    gc?.();
    await new Promise((r) => setTimeout(r, 300));
    const m = process.memoryUsage();
    rss = Math.min(rss, m.rss);
    heap = m.heapUsed;
  }
  return { rss: rss / 2 ** 20, heap: heap / 2 ** 20 };
}
const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function bare(opts: Record<string, unknown>, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const engine = new Engine({ name: `bare-${i}`, ...opts });
    await engine.execute({ variables: { i } });
    const [task] = engine.execution.getPostponed();
    const end = engine.waitFor('end');
    task.signal({ done: true });
    await end;
  }
  return (n / (performance.now() - t0)) * 1000;
}

async function durable(engine: EngineService, n: number, clients = 1, latencies?: number[]): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < n) {
        const i = next++;
        const { tasks } = await engine.start('bench', { by: actor, variables: { i } });
        const c0 = performance.now();
        await engine.complete(tasks[0].id, { by: actor, variables: { done: true } });
        latencies?.push(performance.now() - c0);
      }
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-bench-'));
  const db = await openDatabase(path.join(dir, 'bench.sqlite'));
  const engine = await EngineService.create({ db });
  await engine.deploy([{ name: 'bench.bpmn', content: xml }], { by: 'bench' });
  const moddleContext = await new BpmnModdle({ camunda }).fromXML(xml);

  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`workload: start → user task → complete → end, N = ${N}`);
  if (process.env.BENCH_MEMORY_ONLY) {
    await memoryRun(engine, db);
    return;
  }
  // Warm-up, so that neither side pays for JIT compilation in its measured run.
  await bare({ moddleContext }, 200);
  await bare({ source: xml, moddleOptions: { camunda } }, 100);
  await durable(engine, 200, CONCURRENCY);

  const bareSource = await bare({ source: xml, moddleOptions: { camunda } }, N);
  const bareParsed = await bare({ moddleContext }, N);
  const sequentialLatencies: number[] = [];
  const sequential = await durable(engine, N, 1, sequentialLatencies);
  const latencies: number[] = [];
  const concurrent = await durable(engine, N, CONCURRENCY, latencies);
  const baseline = Math.max(bareSource, bareParsed);
  console.log(`(a) bare bpmn-engine, XML source per instance:       ${bareSource.toFixed(0)} instances/s`);
  console.log(`(a) bare bpmn-engine, pre-parsed moddle context:    ${bareParsed.toFixed(0)} instances/s  ← baseline`);
  console.log(`(b) engine service, SQLite, durable, 1 client:       ${sequential.toFixed(0)} instances/s  ratio b/a ${(sequential / baseline).toFixed(2)}`);
  console.log(`(b) engine service, SQLite, durable, ${CONCURRENCY} clients:      ${concurrent.toFixed(0)} instances/s  ratio b/a ${(concurrent / baseline).toFixed(2)}`);
  console.log(`complete latency, 1 client:  p50 ${pct(sequentialLatencies, 50).toFixed(2)} ms, p99 ${pct(sequentialLatencies, 99).toFixed(2)} ms`);
  console.log(`complete latency, ${CONCURRENCY} clients: p50 ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms`);

  await memoryRun(engine, db);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
  await engine.stop();
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function memoryRun(engine: EngineService, db: import('knex').Knex): Promise<void> {
  // State of waiting instances.
  const before = (await engine.listInstances({ status: 'running' })).total;
  for (let i = 0; i < 100 - before; i++) await engine.start('bench', { by: actor, variables: { i } });
  const sizes = await db('process_instances').where({ status: 'running' }).select(db.raw('length(state) as s'), db.raw('length(variables) as v'));
  const avg = sizes.reduce((a: number, r: { s: number; v: number }) => a + Number(r.s) + Number(r.v), 0) / sizes.length;
  console.log(`state per waiting instance: ${avg.toFixed(0)} bytes (engine state + variables JSON)`);
  const m100 = await memory();
  console.log(`RSS with 100 waiting instances:    ${m100.rss.toFixed(1)} MB (V8 heap ${m100.heap.toFixed(1)} MB)`);
  const t0 = performance.now();
  for (let i = 100; i < WAITING; i++) await engine.start('bench', { by: actor, variables: { i } });
  const startRate = ((WAITING - 100) / (performance.now() - t0)) * 1000;
  const many = await memory();
  console.log(
    `RSS with ${WAITING} waiting instances: ${many.rss.toFixed(1)} MB (V8 heap ${many.heap.toFixed(1)} MB; Δ RSS ${(many.rss - m100.rss).toFixed(1)} MB; started at ${startRate.toFixed(0)}/s)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
