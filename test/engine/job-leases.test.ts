import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { JobPool } from '../../src/engine/job-pool.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { acquireDueJobs, getJob, insertJobs, type JobRow } from '../../src/store/jobs.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { stopNodes, twoNodes } from '../helpers/nodes.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const HOUR = 3_600_000;

/** A promise the test resolves when it likes: a job "in hand" until then. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** Resolves once `cond` holds, checking after each turn of the event loop (no wall-clock sleeps). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  expect(cond()).to.equal(true);
}

function messageJob(now: number): JobRow {
  return {
    id: randomUUID(), type: 'message', instanceId: null, definitionId: null, executionId: null, elementId: 'test',
    dueAt: now, lockedBy: null, lockedUntil: null, attempts: 0, retries: 1, retryCycle: null, lastError: null,
    payload: { name: 'test' }, createdAt: now,
  };
}

describe('engine: jobs leased one by one for a short lease, a few at a time, handed back on stop', () => {
  let t: TestDatabase;
  let clock: ManualClock;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
  });
  after(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    await t.db('jobs').delete();
  });

  const pool = (node: string, run: (job: JobRow) => Promise<void>, concurrency = 4) =>
    new JobPool({ db: t.db, clock, node, run, pollMs: 1000, leaseMs: 30_000, concurrency, heartbeatMs: 3_600_000 });

  it('runs at most `concurrency` jobs at once and leases only the jobs it starts', async () => {
    // Given ten due jobs and a node that runs three at a time
    await insertJobs(t.db, Array.from({ length: 10 }, () => messageJob(clock.now())));
    const gates: Array<() => void> = [];
    let inFlight = 0;
    let most = 0;
    const a = pool('node-a', async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      const g = gate();
      gates.push(g.open);
      await g.wait;
      inFlight--;
    }, 3);
    // When it runs what is due
    const ran = a.runDue();
    await until(() => gates.length === 3);
    // Then three run, and only those three are leased: the other seven are free for other nodes
    expect(await t.db('jobs').where({ locked_by: 'node-a' }).count({ n: '*' }).first()).to.deep.include({ n: 3 });
    for (let i = 0; i < 10; i++) {
      await until(() => gates.length > i);
      gates[i]();
    }
    expect(await ran).to.equal(10);
    expect(most).to.equal(3);
  });

  it("a running job's heartbeat renews its lease, so a slow job is not taken over", async () => {
    // Given node A running a slow job, leased for 30 s
    const [job] = [messageJob(clock.now())];
    await insertJobs(t.db, [job]);
    const g = gate();
    const a = pool('node-a', () => g.wait);
    const ran = a.runDue();
    await until(() => a.busy === 1);
    // When 20 s pass, A's heartbeat renews the lease, and 20 s more pass (40 s after leasing)
    clock.advance(20_000);
    await a.heartbeat();
    clock.advance(20_000);
    // Then another node cannot take the job
    expect(await acquireDueJobs(t.db, 'node-b', clock.now(), clock.now() + 30_000, 10)).to.deep.equal([]);
    expect((await getJob(t.db, job.id))!.lockedBy).to.equal('node-a');
    g.open();
    expect(await ran).to.equal(1);
  });

  it('a graceful stop hands back the leases of jobs still running, so another node takes them at once', async () => {
    // Given node A running a job that does not finish within the stop's grace period
    const job = messageJob(clock.now());
    await insertJobs(t.db, [job]);
    const g = gate();
    const a = pool('node-a', () => g.wait);
    const ran = a.runDue();
    await until(() => a.busy === 1);
    // When A stops with no grace period
    await a.stop(0);
    // Then the job is free at once, without waiting for the lease to expire
    expect((await getJob(t.db, job.id))!.lockedBy).to.equal(null);
    const b = pool('node-b', async () => undefined);
    expect(await b.runDue()).to.equal(1);
    g.open();
    await ran;
  });

  it('a graceful stop waits for the jobs in hand when they finish within the grace period', async () => {
    const job = messageJob(clock.now());
    await insertJobs(t.db, [job]);
    const g = gate();
    let finished = false;
    const a = pool('node-a', async () => {
      await g.wait;
      finished = true;
    });
    const ran = a.runDue();
    await until(() => a.busy === 1);
    const stopped = a.stop(3_600_000);
    g.open();
    await stopped;
    expect(finished).to.equal(true);
    expect(await ran).to.equal(1);
  });
});

describe('engine: a frozen node delays timers by at most the short lease', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let a: EngineService;
  let b: EngineService;

  before(async () => {
    ({ t, clock, a, b } = await twoNodes());
    await a.deploy(
      [
        {
          name: 'hour.bpmn',
          content: process(
            'hour',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'wait')}
            <bpmn:intermediateCatchEvent id="wait" name="等待一小时"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            ${flow('f1', 'wait', 'act')}
            ${userTask('act', '办理', 'camunda:candidateGroups="staff"')}
            ${flow('f2', 'act', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await stopNodes({ t, a, b });
  });

  it('node A leases a due timer and freezes: node B fires it as soon as the 30 s lease ran out', async () => {
    // Given a timer due now, leased by node A for its lease (A then freezes: no heartbeat, no release)
    const { instance } = await a.start('hour', { by: staff });
    clock.advance(HOUR + 1);
    expect(a.jobs.pool.leaseMs).to.be.at.most(30_000);
    const leased = await acquireDueJobs(t.db, 'node-a', clock.now(), clock.now() + a.jobs.pool.leaseMs, 1);
    expect(leased.map((j) => j.instanceId)).to.deep.equal([instance.id]);
    // When node B polls before and after the lease ran out
    clock.advance(a.jobs.pool.leaseMs - 1);
    expect(await b.jobs.runDue()).to.equal(0);
    clock.advance(2);
    expect(await b.jobs.runDue()).to.equal(1);
    // Then B fired the timer, once
    expect((await b.tasksOfInstance(instance.id)).map((x) => x.elementId)).to.deep.equal(['act']);
    expect((await b.history(instance.id)).filter((h) => h.type === 'timer.fired')).to.have.length(1);
  });

  it('a stopped node holds no lease: the other node fires the timers at once', async () => {
    // Given timers due, and node A stopped gracefully while its poller was running them
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push((await a.start('hour', { by: staff })).instance.id);
    clock.advance(HOUR + 1);
    a.startJobs();
    await until(() => a.jobs.pool.busy > 0);
    await a.stop();
    expect(await t.db('jobs').where({ locked_by: 'node-a' }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
    // When node B runs what is due, without any clock advance
    await b.jobs.runDue();
    // Then every timer has fired exactly once, on whichever node
    for (const id of ids) {
      expect((await b.history(id)).filter((h) => h.type === 'timer.fired'), id).to.have.length(1);
      expect((await b.tasksOfInstance(id)).map((x) => x.elementId), id).to.deep.equal(['act']);
    }
  });
});
