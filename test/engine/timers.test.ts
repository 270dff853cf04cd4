import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('engine: durable timers, jobs and incidents', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;
  let failing = true;
  let calls = 0;

  before(async () => {
    t = await freshDatabase();
    await t.db.schema.createTable('test_effects', (tb) => {
      tb.increments('id');
      tb.string('note');
    });
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock, handlers: { 'test.flaky': flaky } });
    await engine.deploy(
      [
        {
          name: 'boundary.bpmn',
          content: process(
            'boundary',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'handle')}
            ${userTask('handle', '办理', 'camunda:candidateGroups="staff"')}
            <bpmn:boundaryEvent id="late" name="超时" attachedToRef="handle"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
            ${flow('f1', 'handle', 'end')}
            ${flow('f2', 'late', 'escalate')}
            ${userTask('escalate', '督办', 'camunda:candidateGroups="staff"')}
            ${flow('f3', 'escalate', 'end2')}
            <bpmn:endEvent id="end" />
            <bpmn:endEvent id="end2" />`,
          ),
        },
        {
          name: 'wait.bpmn',
          content: process(
            'waiting',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'pause')}
            <bpmn:intermediateCatchEvent id="pause" name="等待"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            ${flow('f1', 'pause', 'after')}
            ${userTask('after', '后续办理', 'camunda:candidateGroups="staff"')}
            ${flow('f2', 'after', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
        {
          name: 'long.bpmn',
          content: process(
            'longTimer',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'pause')}
            <bpmn:intermediateCatchEvent id="pause" name="等待 30 天"><bpmn:timerEventDefinition><bpmn:timeDuration>P30D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            ${flow('f1', 'pause', 'after')}
            ${userTask('after', '后续办理', 'camunda:candidateGroups="staff"')}
            ${flow('f2', 'after', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
        {
          name: 'service.bpmn',
          content: process(
            'service',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'call')}
            <bpmn:serviceTask id="call" name="调用接口" camunda:type="external" camunda:topic="test.flaky">
              <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R2/PT10S</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
            </bpmn:serviceTask>
            ${flow('f1', 'call', 'check')}
            ${userTask('check', '核对', 'camunda:candidateGroups="staff"')}
            ${flow('f2', 'check', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function flaky(ctx: { trx: any; variables: Record<string, unknown> }) {
    calls++;
    await ctx.trx('test_effects').insert({ note: `call ${calls}` });
    if (failing) throw new Error('省平台接口超时');
    return { receipt: `R-${calls}` };
  }

  async function open(instanceId: string) {
    return (await engine.tasksOfInstance(instanceId)).filter((x) => x.status === 'open').map((x) => x.elementId);
  }

  it('a boundary timer interrupts the task when it comes due, not before', async () => {
    const { instance } = await engine.start('boundary', { by: staff });
    const [job] = await engine.jobsOf(instance.id);
    expect(job.type).to.equal('timer');
    expect(job.dueAt).to.equal(clock.now() + HOUR);
    clock.advance(HOUR - 1000);
    expect(await engine.jobs.runDue()).to.equal(0);
    expect(await open(instance.id)).to.deep.equal(['handle']);
    clock.advance(2000);
    expect(await engine.jobs.runDue()).to.equal(1);
    expect(await open(instance.id)).to.deep.equal(['escalate']);
    const handle = (await engine.tasksOfInstance(instance.id)).find((x) => x.elementId === 'handle')!;
    expect(handle.status).to.equal('cancelled');
    expect(await engine.jobsOf(instance.id)).to.have.length(0);
  });

  it('completing the task in time removes its boundary timer', async () => {
    const { instance, tasks } = await engine.start('boundary', { by: staff });
    expect(await engine.jobsOf(instance.id)).to.have.length(1);
    await engine.complete(tasks[0].id, { by: staff });
    expect(await engine.jobsOf(instance.id)).to.have.length(0);
    expect((await engine.getInstance(instance.id))!.status).to.equal('completed');
  });

  it('a timer that came due while the engine was stopped fires once in a fresh engine service', async () => {
    const { instance } = await engine.start('waiting', { by: staff });
    await engine.stop();
    clock.advance(3 * HOUR);
    const restarted = await EngineService.create({ db: await t.reopen(), clock });
    expect(await restarted.jobs.runDue()).to.equal(1);
    expect(await restarted.jobs.runDue()).to.equal(0);
    expect(await open(instance.id)).to.deep.equal(['after']);
    const fired = (await engine.history(instance.id)).filter((h) => h.type === 'timer.fired');
    expect(fired).to.have.length(1);
    await restarted.stop();
  });

  it('a timer whose real due time passed during the downtime fires on recovery', async function () {
    // Real time here: bpmn-engine recomputes a recovered timer from the wall clock.
    const realClockEngine = await EngineService.create({ db: await t.reopen() });
    await realClockEngine.deploy(
      [
        {
          name: 'short.bpmn',
          content: process(
            'shortWait',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'pause')}
            <bpmn:intermediateCatchEvent id="pause"><bpmn:timerEventDefinition><bpmn:timeDuration>PT0.3S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
            ${flow('f1', 'pause', 'after')}
            ${userTask('after', '后续办理', 'camunda:candidateGroups="staff"')}
            ${flow('f2', 'after', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
    const { instance } = await realClockEngine.start('shortWait', { by: staff });
    await new Promise((r) => setTimeout(r, 400));
    const fresh = await EngineService.create({ db: await t.reopen() });
    expect(await fresh.jobs.runDue()).to.equal(1);
    expect(await open(instance.id)).to.deep.equal(['after']);
    expect(await fresh.jobsOf(instance.id)).to.have.length(0);
  });

  it('a timer longer than 24.8 days waits as a job and fires when due', async () => {
    const { instance } = await engine.start('longTimer', { by: staff });
    const [job] = await engine.jobsOf(instance.id);
    expect(job.dueAt! - clock.now()).to.equal(30 * DAY);
    clock.advance(29 * DAY);
    expect(await engine.jobs.runDue()).to.equal(0);
    clock.advance(DAY + 1);
    expect(await engine.jobs.runDue()).to.equal(1);
    expect(await open(instance.id)).to.deep.equal(['after']);
  });

  it('a timer start event starts an instance at each cycle', async () => {
    clock.set(Date.parse('2026-11-26T10:00:00+08:00'));
    await engine.deploy(
      [{
          name: 'weekly.bpmn',
          content: process(
            'weekly',
            `<bpmn:startEvent id="tick" name="每周一 9 点"><bpmn:timerEventDefinition><bpmn:timeCycle>R/2026-11-30T09:00:00+08:00/P1W</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
            ${flow('f0', 'tick', 'check')}
            ${userTask('check', '检查登录情况', 'camunda:candidateGroups="staff"')}
            ${flow('f1', 'check', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        }],
      { by: 'owner' },
    );
    clock.set(Date.parse('2026-11-30T08:59:00+08:00'));
    expect(await engine.jobs.runDue()).to.equal(0);
    clock.set(Date.parse('2026-11-30T09:00:01+08:00'));
    expect(await engine.jobs.runDue()).to.equal(1);
    const { rows } = await engine.listInstances({ processKey: 'weekly' });
    expect(rows).to.have.length(1);
    expect(rows[0].startedBy).to.equal('system');
    expect(await open(rows[0].id)).to.deep.equal(['check']);
    const next = (await t.db('jobs').where({ type: 'timer-start' }).first()) as { due_at: number };
    expect(Number(next.due_at)).to.equal(Date.parse('2026-12-07T09:00:00+08:00'));
    clock.set(Date.parse('2026-12-07T09:00:00+08:00'));
    expect(await engine.jobs.runDue()).to.equal(1);
    expect((await engine.listInstances({ processKey: 'weekly' })).total).to.equal(2);
  });

  it('a failing service task retries with backoff, raises an incident, and succeeds when retried by hand', async () => {
    failing = true;
    calls = 0;
    const { instance } = await engine.start('service', { by: staff });
    expect(await engine.jobs.runDue()).to.equal(1);
    let [job] = await engine.jobsOf(instance.id);
    expect(job).to.include({ attempts: 1, retries: 1, lastError: '省平台接口超时' });
    expect(job.dueAt).to.equal(clock.now() + 10_000);
    expect(await engine.incidents({ instanceId: instance.id })).to.have.length(0);

    clock.advance(10_000);
    expect(await engine.jobs.runDue()).to.equal(1);
    [job] = await engine.jobsOf(instance.id);
    expect(job).to.include({ attempts: 2, retries: 0, dueAt: null });
    const [incident] = await engine.incidents({ instanceId: instance.id, status: 'open' });
    expect(incident).to.include({ elementId: 'call', type: 'failedJob', message: '省平台接口超时' });
    // Each failed attempt rolled back the handler's own writes.
    expect(await t.db('test_effects').count({ n: '*' }).first()).to.deep.include({ n: 0 });
    clock.advance(DAY);
    expect(await engine.jobs.runDue()).to.equal(0);

    failing = false;
    await engine.retryIncident(incident.id, { by: staff });
    await expectError(engine.retryIncident(incident.id, { by: staff }), 'INCIDENT_RESOLVED');
    expect(await engine.jobs.runDue()).to.equal(1);
    expect(await open(instance.id)).to.deep.equal(['check']);
    expect((await engine.getInstance(instance.id))!.variables).to.deep.equal({ receipt: 'R-3' });
    expect(await t.db('test_effects').pluck('note')).to.deep.equal(['call 3']);
    expect(await engine.jobsOf(instance.id)).to.have.length(0);
    expect(await engine.incidents({ instanceId: instance.id, status: 'open' })).to.have.length(0);
  });

  it('cancelling an instance closes its tasks and removes its timers', async () => {
    const { instance } = await engine.start('boundary', { by: staff });
    const cancelled = await engine.cancel(instance.id, { by: { id: 'supervisor', groups: ['supervision'] }, reason: '重复立案' });
    expect(cancelled).to.include({ status: 'cancelled', endedBy: 'supervisor', endReason: '重复立案' });
    expect((await engine.tasksOfInstance(instance.id)).map((x) => x.status)).to.deep.equal(['cancelled']);
    expect(await engine.jobsOf(instance.id)).to.have.length(0);
    await expectError(engine.cancel(instance.id, { by: staff, reason: 'x' }), 'INSTANCE_ENDED');
  });
});
