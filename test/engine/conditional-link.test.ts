import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const zhang: Actor = { id: 'zhang', groups: ['staff'] };

function conditional(condition: string): string {
  const body = condition.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">${body}</bpmn:condition></bpmn:conditionalEventDefinition>`;
}

const task = (id: string, name: string) => `<bpmn:userTask id="${id}" name="${name}" camunda:candidateGroups="staff" />`;

/** Receive → (link "归档") → file: the throw jumps to the catch of the same name. */
const linked = process(
  'linked',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'receive')}
  ${task('receive', '受理')}
  ${flow('f2', 'receive', 'toFile')}
  <bpmn:intermediateThrowEvent id="toFile" name="转归档"><bpmn:linkEventDefinition name="归档" /></bpmn:intermediateThrowEvent>
  <bpmn:intermediateCatchEvent id="fromReceive" name="归档入口"><bpmn:linkEventDefinition name="归档" /></bpmn:intermediateCatchEvent>
  ${flow('f3', 'fromReceive', 'file')}
  ${task('file', '归档')}
  ${flow('f4', 'file', 'end')}
  <bpmn:endEvent id="end" />`,
);

/** Two filing steps; beside them, a review that starts once the amount exceeds 1000. */
const waitsForAmount = process(
  'waits-amount',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'split')}
  <bpmn:parallelGateway id="split" />
  ${flow('f2', 'split', 'fill')}
  ${task('fill', '填报')}
  ${flow('f3', 'fill', 'fill2')}
  ${task('fill2', '补正')}
  ${flow('f4', 'fill2', 'end1')}
  <bpmn:endEvent id="end1" />
  ${flow('f5', 'split', 'large')}
  <bpmn:intermediateCatchEvent id="large" name="金额超过一千">${conditional('${amount > 1000}')}</bpmn:intermediateCatchEvent>
  ${flow('f6', 'large', 'review')}
  ${task('review', '复核')}
  ${flow('f7', 'review', 'end2')}
  <bpmn:endEvent id="end2" />`,
);

/** Work with a conditional boundary: marked urgent, the work is interrupted and escalated. */
const urgentBoundary = process(
  'urgent-boundary',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'split')}
  <bpmn:parallelGateway id="split" />
  ${flow('f2', 'split', 'work')}
  ${task('work', '办理')}
  <bpmn:boundaryEvent id="urgent" name="紧急" attachedToRef="work">${conditional('=urgent = true')}</bpmn:boundaryEvent>
  ${flow('f3', 'work', 'end1')}
  <bpmn:endEvent id="end1" />
  ${flow('f4', 'urgent', 'escalate')}
  ${task('escalate', '上报')}
  ${flow('f5', 'escalate', 'end2')}
  <bpmn:endEvent id="end2" />
  ${flow('f6', 'split', 'mark')}
  ${task('mark', '标记')}
  ${flow('f7', 'mark', 'end3')}
  <bpmn:endEvent id="end3" />`,
);

/** A non-interrupting event sub-process: a leader looks at the case when the amount exceeds 10000. */
const leaderWatch = process(
  'leader-watch',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'step1')}
  ${task('step1', '初审')}
  ${flow('f2', 'step1', 'step2')}
  ${task('step2', '复审')}
  ${flow('f3', 'step2', 'end')}
  <bpmn:endEvent id="end" />
  <bpmn:subProcess id="watch" name="大额关注" triggeredByEvent="true">
    <bpmn:startEvent id="bigAmount" name="大额" isInterrupting="false">${conditional('=amount > 10000')}</bpmn:startEvent>
    ${flow('w1', 'bigAmount', 'leader')}
    ${task('leader', '领导阅示')}
    ${flow('w2', 'leader', 'wend')}
    <bpmn:endEvent id="wend" />
  </bpmn:subProcess>`,
);

describe('engine: link events and conditional events', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
    await engine.deploy(
      [
        { name: 'linked.bpmn', content: linked },
        { name: 'waits.bpmn', content: waitsForAmount },
        { name: 'urgent.bpmn', content: urgentBoundary },
        { name: 'watch.bpmn', content: leaderWatch },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function open(e: EngineService, instanceId: string) {
    return (await e.tasksOfInstance(instanceId)).filter((x) => x.status === 'open').map((x) => x.elementId).sort();
  }
  async function openTask(e: EngineService, instanceId: string, elementId: string) {
    return (await e.tasksOfInstance(instanceId)).find((x) => x.status === 'open' && x.elementId === elementId)!;
  }

  it('a link throw event continues at the catch event of its name', async () => {
    const { instance, tasks } = await engine.start('linked', { by: zhang });
    await engine.complete(tasks[0].id, { by: zhang });
    expect(await open(engine, instance.id)).to.deep.equal(['file']);
    const types = (await engine.history(instance.id)).filter((h) => h.elementId === 'toFile' || h.elementId === 'fromReceive').map((h) => `${h.elementId}:${h.type}`);
    expect(types).to.include.members(['toFile:activity.end', 'fromReceive:activity.end']);
  });

  it('a link throw without its catch is refused at deploy, naming it, and nothing is deployed', async () => {
    const broken = process('broken-link', `<bpmn:startEvent id="start" />${flow('f1', 'start', 'jump')}<bpmn:intermediateThrowEvent id="jump" name="跳转"><bpmn:linkEventDefinition name="无处" /></bpmn:intermediateThrowEvent>`);
    const err = await expectError(engine.deploy([{ name: 'broken.bpmn', content: broken }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
    expect(JSON.stringify((err as { details?: unknown }).details)).to.contain('jump').and.to.contain('无处');
    expect(Number((await t.db('process_definitions').where({ key: 'broken-link' }).count({ n: '*' }).first())!.n)).to.equal(0);
  });

  it('an intermediate conditional event waits until a step makes its condition true, also across a restart', async () => {
    // Given a case whose amount is not yet filled in: the review waits
    const { instance } = await engine.start('waits-amount', { by: zhang, variables: { amount: 0 } });
    expect(await open(engine, instance.id)).to.deep.equal(['fill']);
    // When the amount is filled in as 500, the condition is still false
    await engine.complete((await openTask(engine, instance.id, 'fill')).id, { by: zhang, variables: { amount: 500 } });
    expect(await open(engine, instance.id)).to.deep.equal(['fill2']);
    // When a restarted node corrects it to 5000, the review starts in that very step
    const fresh = await EngineService.create({ db: await t.reopen() });
    try {
      await fresh.complete((await openTask(fresh, instance.id, 'fill2')).id, { by: zhang, variables: { amount: 5000 } });
      expect(await open(fresh, instance.id)).to.deep.equal(['review']);
      await fresh.complete((await openTask(fresh, instance.id, 'review')).id, { by: zhang });
      expect((await fresh.getInstance(instance.id))!.status).to.equal('completed');
    } finally {
      await fresh.stop();
    }
  });

  it('a conditional boundary event interrupts its task when another step makes it true', async () => {
    const { instance } = await engine.start('urgent-boundary', { by: zhang, variables: { urgent: false } });
    expect(await open(engine, instance.id)).to.deep.equal(['mark', 'work']);
    await engine.complete((await openTask(engine, instance.id, 'mark')).id, { by: zhang, variables: { urgent: true } });
    expect(await open(engine, instance.id)).to.deep.equal(['escalate']);
    const work = (await engine.tasksOfInstance(instance.id)).find((x) => x.elementId === 'work')!;
    expect(work.status).to.equal('cancelled');
  });

  it('a non-interrupting conditional event sub-process starts when its condition becomes true, once, also after a restart', async () => {
    const { instance } = await engine.start('leader-watch', { by: zhang, variables: { amount: 100 } });
    await engine.complete((await openTask(engine, instance.id, 'step1')).id, { by: zhang, variables: { amount: 20000 } });
    expect(await open(engine, instance.id)).to.deep.equal(['leader', 'step2']);
    const triggered = (await engine.history(instance.id)).filter((h) => h.type === 'eventSubProcess.triggered');
    expect(triggered).to.have.length(1);
    // The condition still holds after the next step on a restarted node: no second start
    const fresh = await EngineService.create({ db: await t.reopen() });
    try {
      await fresh.complete((await openTask(fresh, instance.id, 'step2')).id, { by: zhang, variables: { amount: 30000 } });
      expect(await open(fresh, instance.id)).to.deep.equal(['leader']);
      expect((await fresh.history(instance.id)).filter((h) => h.type === 'eventSubProcess.triggered')).to.have.length(1);
      await fresh.complete((await openTask(fresh, instance.id, 'leader')).id, { by: zhang });
      expect((await fresh.getInstance(instance.id))!.status).to.equal('completed');
    } finally {
      await fresh.stop();
    }
  });
});
