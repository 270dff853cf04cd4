/**
 * `npm run bench:nodes`: two engine services (two nodes, each with its own cache of live engines)
 * on one database, every step of every instance on the other node than the step before — the
 * worst case for cached engines. Counts refusals of open work (must be 0) and completed
 * instances/s. Each instance: start → task → task → message → task → end (5 steps).
 * Env: DATABASE_URL (postgres://… or a SQLite path; default a temp SQLite file), BENCH_N (default
 * 200 instances), BENCH_CONCURRENCY (default 8 instances at once), BENCH_ONE_NODE=1 (every step
 * on one node, for comparison).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { isPostgresUrl, openDatabase } from '../src/db/knex.ts';
import { EngineService } from '../src/engine/service.ts';

const N = Number(process.env.BENCH_N ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const url = process.env.DATABASE_URL ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-nodes-')), 'bench.sqlite');
const actor = { id: 'bench', groups: ['staff'] };

const task = (id: string) => `<bpmn:userTask id="${id}" name="${id}" camunda:candidateGroups="staff" />`;
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_nodes" targetNamespace="http://example.com/bench">
  <bpmn:message id="m1" name="reply" />
  <bpmn:process id="nodes" name="两节点" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="first" />${task('first')}
    <bpmn:sequenceFlow id="f1" sourceRef="first" targetRef="second" />${task('second')}
    <bpmn:sequenceFlow id="f2" sourceRef="second" targetRef="reply" />
    <bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="reply" targetRef="third" />${task('third')}
    <bpmn:sequenceFlow id="f4" sourceRef="third" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

async function main(): Promise<void> {
  const pg = isPostgresUrl(url);
  const searchPath = pg ? `bench_nodes_${randomBytes(4).toString('hex')}` : undefined;
  const dbA = await openDatabase(url, { searchPath });
  const dbB = await openDatabase(url, { searchPath, migrate: false });
  const a = await EngineService.create({ db: dbA, nodeId: 'node-a' });
  const b = await EngineService.create({ db: dbB, nodeId: 'node-b' });
  await a.deploy([{ name: 'nodes.bpmn', content: xml }], { by: 'bench' });
  const nodes = process.env.BENCH_ONE_NODE ? [a, a] : [a, b];
  const refusals = new Map<string, number>();
  const refuse = (err: unknown) => {
    const code = (err as { code?: string }).code ?? String((err as Error).message).slice(0, 60);
    refusals.set(code, (refusals.get(code) ?? 0) + 1);
  };
  let steps = 0;
  const one = async (i: number): Promise<void> => {
    let n = i % 2;
    const next = () => nodes[(n = 1 - n)];
    const key = `bench-${i}`;
    const { instance } = await nodes[n].start('nodes', { by: actor, businessKey: key });
    steps++;
    const complete = async (element: string) => {
      const node = next();
      const t = (await node.tasksOfInstance(instance.id)).find((x) => x.elementId === element && x.status === 'open');
      await node.complete(t!.id, { by: actor });
    };
    // A refused step is repeated once as a client would; the refusal is counted.
    const step = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        refuse(err);
        await fn();
      }
      steps++;
    };
    await step(() => complete('first'));
    await step(() => complete('second'));
    await step(() => next().correlateMessage('reply', { businessKey: key }));
    await step(() => complete('third'));
  };
  const t0 = performance.now();
  let nextIndex = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (nextIndex < N) await one(nextIndex++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const done = await countCompleted(dbA);
  const refused = [...refusals.values()].reduce((s, v) => s + v, 0);
  const how = process.env.BENCH_ONE_NODE ? '1 node (warm cache, for comparison)' : '2 nodes, every step on the other node';
  console.log(`${pg ? 'PostgreSQL' : 'SQLite'}, ${how}, ${N} instances × 5 steps, ${CONCURRENCY} at once`);
  console.log(`  completed instances: ${done} of ${N}; ${(done / seconds).toFixed(1)} instances/s, ${(steps / seconds).toFixed(0)} steps/s`);
  console.log(`  refusals of open work: ${refused} of ${steps} steps (${((100 * refused) / steps).toFixed(1)} %) ${JSON.stringify(Object.fromEntries(refusals))}`);
  await a.stop();
  await b.stop();
  if (searchPath) await dbA.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [searchPath]);
  await dbB.destroy();
  await dbA.destroy();
}

async function countCompleted(db: Knex): Promise<number> {
  const r = await db('process_instances').where({ status: 'completed' }).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
