import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { stopNodes, twoNodes, type TwoNodes } from '../helpers/nodes.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const HOUR = 3_600_000;

/** The main path of every process below: one review task. */
const main = `<bpmn:startEvent id="start" />
  ${flow('m1', 'start', 'review')}
  ${userTask('review', '审查', 'camunda:candidateGroups="staff"')}
  ${flow('m2', 'review', 'end')}
  <bpmn:endEvent id="end" />`;

/** An event sub-process whose start event carries `trigger`; `interrupting` false keeps the main path. */
function eventSub(id: string, trigger: string, taskName: string, interrupting = true): string {
  return `<bpmn:subProcess id="${id}" triggeredByEvent="true">
    <bpmn:startEvent id="${id}_start" isInterrupting="${interrupting}">${trigger}</bpmn:startEvent>
    ${flow(`${id}_f1`, `${id}_start`, `${id}_task`)}
    ${userTask(`${id}_task`, taskName, 'camunda:candidateGroups="staff"')}
    ${flow(`${id}_f2`, `${id}_task`, `${id}_end`)}
    <bpmn:endEvent id="${id}_end" />
  </bpmn:subProcess>`;
}

const withdrawn = process('esp-message', `${main}\n${eventSub('withdraw', '<bpmn:messageEventDefinition messageRef="M_w" />', '处理撤回申请')}`, {
  messages: { M_w: 'application-withdrawn' },
});
const reminded = process('esp-timer', `${main}\n${eventSub('remind', '<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>', '催办', false)}`);
const failed = process(
  'esp-error',
  `<bpmn:startEvent id="start" />
  ${flow('m1', 'start', 'review')}
  ${userTask('review', '审查', 'camunda:candidateGroups="staff"')}
  ${flow('m2', 'review', 'missing')}
  <bpmn:endEvent id="missing" name="材料缺失"><bpmn:errorEventDefinition errorRef="E_missing" /></bpmn:endEvent>
  ${eventSub('fix', '<bpmn:errorEventDefinition errorRef="E_missing" />', '补正材料')}`,
).replace('<bpmn:process', '<bpmn:error id="E_missing" errorCode="MATERIALS_MISSING" />\n  <bpmn:process');
const halted = process('esp-signal', `${main}\n${eventSub('halt', '<bpmn:signalEventDefinition signalRef="S_halt" />', '暂停登记')}`).replace(
  '<bpmn:process',
  '<bpmn:signal id="S_halt" name="registration-halt" />\n  <bpmn:process',
);

describe('engine: event sub-processes started by message, timer, error and signal, interrupting or not', () => {
  let n: TwoNodes;

  before(async () => {
    n = await twoNodes();
    await n.a.deploy(
      [
        { name: 'm.bpmn', content: withdrawn },
        { name: 't.bpmn', content: reminded },
        { name: 'e.bpmn', content: failed },
        { name: 's.bpmn', content: halted },
      ],
      { by: 'owner' },
    );
  });
  after(async () => stopNodes(n));

  const tasks = async (e: EngineService, id: string) => (await e.tasksOfInstance(id)).map((t) => `${t.elementId}:${t.status}`).sort();

  it('interrupting message start: the main path is cancelled and the sub-process runs, after a restart', async () => {
    const { instance } = await n.a.start('esp-message', { by: staff, businessKey: 'W-1' });
    const fresh = await EngineService.create({ db: await n.t.reopen(), clock: n.clock, nodeId: 'restarted' });
    try {
      // When the withdrawal message arrives at a freshly started node
      await fresh.correlateMessage('application-withdrawn', { businessKey: 'W-1' });
      // Then the review is cancelled and the withdrawal is handled
      expect(await tasks(fresh, instance.id)).to.deep.equal(['review:cancelled', 'withdraw_task:open']);
      const handle = (await fresh.tasksOfInstance(instance.id)).find((t) => t.status === 'open')!;
      expect((await fresh.complete(handle.id, { by: staff })).instance.status).to.equal('completed');
    } finally {
      await fresh.stop();
    }
  });

  it('the message start no longer waits once the instance has ended', async () => {
    const { instance, tasks: [review] } = await n.a.start('esp-message', { by: staff, businessKey: 'W-2' });
    await n.a.complete(review.id, { by: staff });
    expect((await n.a.getInstance(instance.id))!.status).to.equal('completed');
    const err = await n.a.correlateMessage('application-withdrawn', { businessKey: 'W-2' }).catch((e) => e);
    expect(err.code).to.equal('MESSAGE_NOT_CORRELATED');
  });

  it('non-interrupting timer start: a reminder task beside the open review; the instance ends when both are done', async () => {
    const { instance } = await n.a.start('esp-timer', { by: staff });
    n.clock.advance(HOUR + 1000);
    for (let i = 0; i < 20 && (await tasks(n.b, instance.id)).length < 2; i++) await n.b.jobs.runDue();
    expect(await tasks(n.b, instance.id)).to.deep.equal(['remind_task:open', 'review:open']);
    const open = await n.b.tasksOfInstance(instance.id);
    await n.a.complete(open.find((t) => t.elementId === 'review')!.id, { by: staff });
    const done = await n.b.complete(open.find((t) => t.elementId === 'remind_task')!.id, { by: staff });
    expect(done.instance.status).to.equal('completed');
  });

  it('error start: an error end event in the process is caught by the event sub-process', async () => {
    const { instance, tasks: [review] } = await n.a.start('esp-error', { by: staff });
    await n.b.complete(review.id, { by: staff });
    expect(await tasks(n.a, instance.id)).to.deep.equal(['fix_task:open', 'review:completed']);
    const fix = (await n.a.tasksOfInstance(instance.id)).find((t) => t.status === 'open')!;
    expect((await n.a.complete(fix.id, { by: staff })).instance.status).to.equal('completed');
  });

  it('signal start: a broadcast interrupts every running instance once, with both nodes running jobs', async () => {
    const one = (await n.a.start('esp-signal', { by: staff })).instance;
    const two = (await n.b.start('esp-signal', { by: staff })).instance;
    await n.a.broadcastSignal('registration-halt');
    for (let i = 0; i < 50; i++) {
      await Promise.all([n.a.jobs.runDue(), n.b.jobs.runDue()]);
      if ((await tasks(n.a, one.id)).includes('halt_task:open') && (await tasks(n.a, two.id)).includes('halt_task:open')) break;
    }
    for (const i of [one, two]) {
      expect(await tasks(n.a, i.id)).to.deep.equal(['halt_task:open', 'review:cancelled']);
      expect((await n.a.history(i.id)).filter((h) => h.type === 'signal.received')).to.have.length(1);
    }
  });

  it('refuses an event sub-process whose start event has no trigger, naming it', async () => {
    const bad = process('esp-bad', `${main}\n${eventSub('x', '', '无触发')}`);
    const err = await n.a.deploy([{ name: 'bad.bpmn', content: bad }], { by: 'owner' }).catch((e) => e);
    expect(err.code).to.equal('DEPLOYMENT_INVALID');
    expect(JSON.stringify(err.details)).to.contain('x_start');
    expect(await n.a.start('esp-bad', { by: staff }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
  });
});
