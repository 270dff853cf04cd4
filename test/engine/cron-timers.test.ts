import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import { cronProblem, nextCron } from '../../src/lib/cron.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

/**
 * Issue 12: Camunda 7 cron timer cycles (Quartz fields: sec min hour day month weekday [year]) on
 * timer start events, evaluated on the platform clock in Asia/Shanghai.
 */
const at = (s: string) => Date.parse(s);

describe('engine: cron timer cycles (Camunda 7)', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(at('2026-12-02T10:00:00+08:00')); // a Wednesday
    engine = await EngineService.create({ db: t.db, clock });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  const file = (id: string, cycle: string, timerOn: 'start' | 'boundary' = 'start') =>
    process(
      id,
      timerOn === 'start'
        ? `<bpmn:startEvent id="tick" name="工作日 9 点"><bpmn:timerEventDefinition><bpmn:timeCycle>${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
           ${flow('f0', 'tick', 'check')}
           ${userTask('check', '检查', 'camunda:candidateGroups="staff"')}
           ${flow('f1', 'check', 'end')}
           <bpmn:endEvent id="end" />`
        : `<bpmn:startEvent id="s" />${flow('f0', 's', 'check')}
           ${userTask('check', '检查', 'camunda:candidateGroups="staff"')}
           <bpmn:boundaryEvent id="b" attachedToRef="check" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
           ${flow('f1', 'check', 'end')}<bpmn:endEvent id="end" />`,
    );

  it('Given Quartz expressions, then the next firing is computed in Beijing time, weekdays numbered from Sunday = 1 as in Quartz', () => {
    const wed10 = at('2026-12-02T10:00:00+08:00');
    expect(nextCron('0 0 9 * * ?', wed10)).to.equal(at('2026-12-03T09:00:00+08:00'));
    expect(nextCron('0 0 9 ? * MON-FRI', at('2026-12-04T10:00:00+08:00'))).to.equal(at('2026-12-07T09:00:00+08:00'));
    expect(nextCron('0 0 9 ? * 2', wed10)).to.equal(at('2026-12-07T09:00:00+08:00')); // Quartz 2 = Monday
    expect(nextCron('0 30 8 * * ? *', wed10)).to.equal(at('2026-12-03T08:30:00+08:00'));
    expect(cronProblem('0/5 0/1 * 1/1 * ?')).to.match(/短于 1 分钟/);
    expect(cronProblem('0 0 9 * * ? 2030')).to.match(/年份字段/);
    expect(cronProblem('0 0 25 * * ?')).to.match(/cron 表达式 "0 0 25 \* \* \?" 无效/);
  });

  it('Given a timer start event with cron "0 0 9 ? * MON-FRI", when deployed, then an instance starts at 09:00 on each weekday and the next job is the next weekday', async () => {
    await engine.deploy([{ name: 'cron-start.bpmn', content: file('cron-start', '0 0 9 ? * MON-FRI') }], { by: 'owner' });
    const job = () => t.db('jobs').where({ type: 'timer-start', definition_id: 'cron-start:1' }).first();
    expect(Number((await job()).due_at)).to.equal(at('2026-12-03T09:00:00+08:00'));
    clock.set(at('2026-12-03T08:59:00+08:00'));
    expect(await engine.jobs.runDue()).to.equal(0);
    clock.set(at('2026-12-03T09:00:01+08:00'));
    expect(await engine.jobs.runDue()).to.equal(1);
    expect((await engine.listInstances({ processKey: 'cron-start' })).total).to.equal(1);
    expect(Number((await job()).due_at)).to.equal(at('2026-12-04T09:00:00+08:00'));
    clock.set(at('2026-12-04T09:00:01+08:00'));
    expect(await engine.jobs.runDue()).to.equal(1);
    // Friday's firing schedules Monday's, not Saturday's.
    expect(Number((await job()).due_at)).to.equal(at('2026-12-07T09:00:00+08:00'));
  });

  it('Given a cron cycle that fires every 5 seconds, or a cron cycle on a boundary timer, when deployed, then it is refused with the reason and nothing is stored', async () => {
    const fast = await expectError(engine.deploy([{ name: 'fast.bpmn', content: file('cron-fast', '0/5 0/1 * 1/1 * ?') }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
    expect(fast.details[0].message).to.match(/tick（工作日 9 点） 的cron 周期 .*短于 1 分钟/);
    const boundary = await expectError(engine.deploy([{ name: 'b.bpmn', content: file('cron-boundary', '0 0 9 * * ?', 'boundary') }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
    expect(boundary.details[0].message).to.match(/cron 周期暂只支持定时开始事件/);
    expect(await t.db('process_definitions').whereIn('key', ['cron-fast', 'cron-boundary']).count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });
});
