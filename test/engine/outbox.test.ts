import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

describe('engine: messages sent by a handler after its step commits', () => {
  let t: TestDatabase;
  let engine: EngineService;
  const clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db, clock });
    engine.registerHandler('fault.check', async (ctx) => {
      const late = ctx.variables.late === true;
      if (late) await ctx.sendMessage('accountability-open', { businessKey: `FAULT-${ctx.instance.id}`, variables: { category: 5, person: 'zhang' } });
      return { flagged: late };
    });
    await engine.deploy(
      [
        {
          name: 'fault.bpmn',
          content: process(
            'fault',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'check')}
            <bpmn:serviceTask id="check" name="检查是否当天报修" camunda:type="external" camunda:topic="fault.check" />
            ${flow('f1', 'check', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
        {
          name: 'review.bpmn',
          content: process(
            'review',
            `<bpmn:startEvent id="byHand" name="人工立案" />
            <bpmn:startEvent id="byMessage" name="自动立案"><bpmn:messageEventDefinition messageRef="M_open" /></bpmn:startEvent>
            ${flow('f0', 'byHand', 'draft')}
            ${flow('f1', 'byMessage', 'draft')}
            ${userTask('draft', '拟定意见', 'camunda:candidateGroups="supervision"')}
            ${flow('f2', 'draft', 'end')}
            <bpmn:endEvent id="end" />`,
            { messages: { M_open: 'accountability-open' } },
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

  it('starts the other process exactly once, and only when the handler asked for it', async () => {
    const onTime = await engine.start('fault', { by: { id: 'zhang', groups: [] }, variables: { late: false } });
    const late = await engine.start('fault', { by: { id: 'zhang', groups: [] }, variables: { late: true } });
    // The two service calls, then the message the late one queued (due at once).
    expect(await engine.jobs.runDue()).to.equal(3);
    expect(await engine.jobs.runDue()).to.equal(0);
    const reviews = await engine.listInstances({ processKey: 'review' });
    expect(reviews.total).to.equal(1);
    expect(reviews.rows[0]).to.include({ businessKey: `FAULT-${late.instance.id}`, startEventId: 'byMessage' });
    expect(reviews.rows[0].variables).to.deep.equal({ category: 5, person: 'zhang' });
    expect((await engine.getInstance(onTime.instance.id))!.variables).to.deep.equal({ late: false, flagged: false });
    expect(await t.db('jobs').count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });
});
