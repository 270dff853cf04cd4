/**
 * `npm run bench:sizing`: disk per case, for the README's sizing table. Runs BENCH_CASES (default
 * 2000) cases of a representative four-step procedure through the engine — a start form of about
 * 0.6 KB, three user tasks (受理, 审核, 审批) each completed with a decision and a comment, with
 * an audit row per step as the API writes them — then measures the database: SQLite file size
 * after a checkpoint, or (DATABASE_URL=postgres://…) the schema's total relation size. The same is
 * measured before the cases (the empty, migrated database) and the difference scaled to 10,000
 * cases. Also this process's RSS after GC.
 * Env: BENCH_CASES, DATABASE_URL (default: a temporary SQLite file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { ManualClock } from '../src/clock.ts';
import { isPostgres, openDatabase } from '../src/db/knex.ts';
import { appendAudit } from '../src/domain/audit.ts';
import { EngineService } from '../src/engine/service.ts';
import type { StepHook } from '../src/engine/steps.ts';

const CASES = Number(process.env.BENCH_CASES ?? 2000);
const actor = { id: 'clerk', groups: ['staff'] };

const task = (id: string, name: string) =>
  `<bpmn:userTask id="${id}" name="${name}" camunda:candidateGroups="staff" camunda:dueDate="P5D" />`;
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_sizing" targetNamespace="http://example.com/sizing">
  <bpmn:process id="sizing" name="许可事项办理" isExecutable="true">
    <bpmn:startEvent id="start" name="申请" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="accept" />
    ${task('accept', '受理')}
    <bpmn:sequenceFlow id="f2" sourceRef="accept" targetRef="review" />
    ${task('review', '审核')}
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="approve" />
    ${task('approve', '审批')}
    <bpmn:sequenceFlow id="f4" sourceRef="approve" targetRef="end" />
    <bpmn:endEvent id="end" name="办结" />
  </bpmn:process>
</bpmn:definitions>`;

const startForm = (i: number) => ({
  applicant: `申请单位${i}`,
  contact: '张三',
  phone: '13800000000',
  address: '江苏省常州市武进区某某路 100 号',
  matter: '人防工程易地建设审批',
  description: '因地质条件限制，申请易地建设防空地下室。'.repeat(6),
  area: 1200 + (i % 300),
  documents: ['申请书', '设计图', '地质勘查报告'],
});

async function bytes(db: Knex, file: string | null, schema: string | null): Promise<number> {
  if (isPostgres(db)) {
    const r = await db.raw(
      `SELECT coalesce(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename))), 0)::bigint AS n FROM pg_tables WHERE schemaname = ?`,
      [schema],
    );
    return Number(r.rows[0].n);
  }
  await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  return fs.statSync(file!).size;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? '';
  const pg = url.startsWith('postgres');
  const dir = pg ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-sizing-'));
  const file = dir ? path.join(dir, 'sizing.sqlite') : null;
  const schema = pg ? `sizing_${randomBytes(4).toString('hex')}` : null;
  const db = await openDatabase(pg ? url : file!, { searchPath: schema ?? undefined });
  const clock = new ManualClock(Date.parse('2026-12-01T09:00:00+08:00'));
  const engine = await EngineService.create({ db, clock });
  await engine.deploy([{ name: 'sizing.bpmn', content: xml }], { by: 'owner' });
  const empty = await bytes(db, file, schema);
  const audit = (action: string): StepHook => (trx, r) =>
    appendAudit(trx, { actor: actor.id, action, objectType: 'instance', objectId: r.instance.id, instanceId: r.instance.id, after: { step: action } }, clock.now()).then(() => undefined);
  const began = Date.now();
  for (let i = 0; i < CASES; i++) {
    let r = await engine.start('sizing', { by: actor, businessKey: `XK-${i}`, variables: startForm(i), hook: audit('instance.start') });
    for (const decision of ['受理', '通过', '准予许可']) {
      clock.advance(60_000);
      r = await engine.complete(r.tasks[0].id, { by: actor, variables: { decision, comment: `经审查，材料齐全，符合规定，同意${decision}。` }, hook: audit('task.complete') });
    }
  }
  const seconds = (Date.now() - began) / 1000;
  const full = await bytes(db, file, schema);
  (globalThis as { gc?: () => void }).gc?.();
  const perCase = (full - empty) / CASES;
  console.log(
    JSON.stringify(
      {
        database: pg ? 'postgresql' : 'sqlite',
        cases: CASES,
        steps: CASES * 4,
        seconds: Math.round(seconds),
        emptyMB: +(empty / 1e6).toFixed(2),
        fullMB: +(full / 1e6).toFixed(2),
        bytesPerCase: Math.round(perCase),
        mbPer10000Cases: +((perCase * 10_000) / 1e6).toFixed(1),
        rssMB: Math.round(process.memoryUsage().rss / 1e6),
      },
      null,
      2,
    ),
  );
  await engine.stop();
  if (pg) await db.raw('DROP SCHEMA ?? CASCADE', [schema]);
  await db.destroy();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

await main();
