import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

/**
 * Issue 11, item 11: a timer is evaluated only by its job, on the platform clock — never by the
 * engine itself on arrival, nor as a side effect of recovering an engine for another step. The
 * deadline below is a fixed date that is already past on the wall clock (the engine measures
 * against it) but two hours ahead on the platform clock.
 */
const DEADLINE = '2026-11-26T11:00:00+08:00';
const bpmn = process(
  'deadline',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'handle')}
  ${userTask('handle', '办理', 'camunda:candidateGroups="staff"')}
  <bpmn:boundaryEvent id="late" name="逾期" attachedToRef="handle"><bpmn:timerEventDefinition><bpmn:timeDate>${DEADLINE}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  ${flow('f1', 'handle', 'end')}
  ${flow('f2', 'late', 'supervise')}
  ${userTask('supervise', '督办', 'camunda:candidateGroups="staff"')}
  ${flow('f3', 'supervise', 'end2')}
  <bpmn:endEvent id="end" />
  <bpmn:endEvent id="end2" />`,
);

describe('engine: timers are evaluated only by their jobs on the platform clock (issue 11, item 11)', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy([{ name: 'deadline.bpmn', content: bpmn }], { by: 'owner' });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  it('a deadline already past on the wall clock does not fire on arrival: its job is due at the deadline on the platform clock', async () => {
    const { instance, tasks } = await engine.start('deadline', { by: staff });
    expect(tasks.map((x) => x.elementId)).to.deep.equal(['handle']);
    const jobs = await engine.jobsOf(instance.id);
    expect(jobs.map((j) => [j.type, j.elementId, j.dueAt])).to.deep.equal([['timer', 'late', Date.parse(DEADLINE)]]);
  });

  for (const cached of [true, false]) {
    it(`a completion just after the deadline, before the timer's job ran, succeeds the same on a node ${cached ? 'that has the instance cached' : 'that recovers it from the database'}`, async () => {
      clock.set(Date.parse('2026-11-26T09:00:00+08:00'));
      const { instance, tasks } = await engine.start('deadline', { by: staff });
      // Given the deadline passed a second ago and the timer's job has not run yet
      clock.set(Date.parse(DEADLINE) + 1000);
      const node = cached ? engine : await EngineService.create({ db: await t.reopen(), clock });
      try {
        // When the task is completed on this node
        const done = await node.complete(tasks[0].id, { by: staff });
        // Then it completes and the instance ends normally; the timer's job is gone with the task
        expect(done.instance.status).to.equal('completed');
        expect(await node.jobsOf(instance.id)).to.deep.equal([]);
        const history = await node.history(instance.id);
        expect(history.some((h) => h.type === 'timer.fired')).to.equal(false);
        expect(history.filter((h) => h.type === 'task.completed').map((h) => h.elementId)).to.deep.equal(['handle']);
      } finally {
        if (!cached) await node.stop();
      }
    });
  }

  it('the timer fires from its job once the platform clock reaches the deadline, also on a fresh node', async () => {
    clock.set(Date.parse('2026-11-26T09:00:00+08:00'));
    const { instance } = await engine.start('deadline', { by: staff });
    // Recovering on another node before the deadline (to run its jobs) fires nothing
    const fresh = await EngineService.create({ db: await t.reopen(), clock });
    try {
      await fresh.jobs.runDue();
      expect((await fresh.tasksOfInstance(instance.id)).map((x) => x.elementId)).to.deep.equal(['handle']);
      // When the platform clock reaches the deadline, the job fires the boundary
      clock.set(Date.parse(DEADLINE));
      await fresh.jobs.runDue();
      const tasks = await fresh.tasksOfInstance(instance.id);
      expect(tasks.map((x) => `${x.elementId}:${x.status}`)).to.deep.equal(['handle:cancelled', 'supervise:open']);
      const fired = (await fresh.history(instance.id)).filter((h) => h.type === 'timer.fired');
      expect(fired.map((h) => h.elementId)).to.deep.equal(['late']);
    } finally {
      await fresh.stop();
    }
  });
});

describe('engine: a non-interrupting timer cycle on a boundary reminds while the task is open (issue 11, item 11)', () => {
  it('fires every two days while the task is open, on a restarted node too, and stops when the task is completed', async () => {
    const t = await freshDatabase();
    const clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    const engine = await EngineService.create({ db: t.db, clock });
    try {
      const cycle = process(
        'remind-cycle',
        `<bpmn:startEvent id="start" />${flow('f0', 'start', 'handle')}${userTask('handle', '办理', 'camunda:candidateGroups="staff"')}
        <bpmn:boundaryEvent id="remind" name="催办" attachedToRef="handle" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R/P2D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        ${flow('f1', 'handle', 'end')}${flow('f2', 'remind', 'noted')}<bpmn:intermediateThrowEvent id="noted" name="已催办" />${flow('f3', 'noted', 'end2')}<bpmn:endEvent id="end" /><bpmn:endEvent id="end2" />`,
      );
      await engine.deploy([{ name: 'remind-cycle.bpmn', content: cycle }], { by: 'owner' });
      const { instance, tasks } = await engine.start('remind-cycle', { by: staff });
      // Given the task stays open for six days, its jobs run on a freshly started node
      const fresh = await EngineService.create({ db: await t.reopen(), clock });
      try {
        const due: string[] = [];
        for (let i = 0; i < 3; i++) {
          clock.advance(2 * 86_400_000);
          await fresh.jobs.runDue();
          due.push(...(await fresh.jobsOf(instance.id)).map((j) => new Date(j.dueAt!).toISOString()));
        }
        // Then the reminder fired three times, each re-arming the next two days later, and the task is still open
        expect(due).to.deep.equal(['2026-11-30T01:00:00.000Z', '2026-12-02T01:00:00.000Z', '2026-12-04T01:00:00.000Z']);
        expect((await fresh.history(instance.id)).filter((h) => h.type === 'timer.fired').map((h) => h.elementId)).to.deep.equal(['remind', 'remind', 'remind']);
        expect((await fresh.tasksOfInstance(instance.id)).filter((x) => x.status === 'open').map((x) => x.elementId)).to.deep.equal(['handle']);
        // When the task is completed, the instance ends and no reminder is left
        const done = await fresh.complete(tasks[0].id, { by: staff });
        expect(done.instance.status).to.equal('completed');
        expect(await fresh.jobsOf(instance.id)).to.deep.equal([]);
      } finally {
        await fresh.stop();
      }
    } finally {
      await engine.stop();
      await t.drop();
    }
  });
});
