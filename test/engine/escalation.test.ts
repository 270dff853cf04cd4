import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

/** A handling sub-process that escalates to a leader (non-interrupting) and may end escalated (interrupting). */
function escalating(id: string, interrupting: boolean): string {
  return process(
    id,
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'sub')}
    <bpmn:subProcess id="sub" name="办理">
      <bpmn:startEvent id="s0" />
      ${flow('s1', 's0', 'handle')}
      <bpmn:userTask id="handle" name="办理" camunda:candidateGroups="staff" />
      ${flow('s2', 'handle', 'raise')}
      <bpmn:intermediateThrowEvent id="raise" name="上报"><bpmn:escalationEventDefinition escalationRef="Esc_Up" /></bpmn:intermediateThrowEvent>
      ${flow('s3', 'raise', 'finish')}
      <bpmn:userTask id="finish" name="办结" camunda:candidateGroups="staff" />
      ${flow('s4', 'finish', 'subEnd')}
      <bpmn:endEvent id="subEnd" />
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="onUp" name="领导关注" attachedToRef="sub" cancelActivity="${interrupting}"><bpmn:escalationEventDefinition escalationRef="Esc_Up" /></bpmn:boundaryEvent>
    ${flow('f2', 'onUp', 'lead')}
    <bpmn:userTask id="lead" name="领导阅示" camunda:candidateGroups="staff" />
    ${flow('f3', 'lead', 'leadEnd')}
    <bpmn:endEvent id="leadEnd" />
    ${flow('f4', 'sub', 'end')}
    <bpmn:endEvent id="end" />`,
  ).replace('<bpmn:process ', '<bpmn:escalation id="Esc_Up" name="上报" escalationCode="UP" />\n  <bpmn:process ');
}

describe('engine: escalation events', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
    await engine.deploy(
      [
        { name: 'soft.bpmn', content: escalating('esc-soft', false) },
        { name: 'hard.bpmn', content: escalating('esc-hard', true) },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function open(e: EngineService, id: string) {
    return (await e.tasksOfInstance(id)).filter((x) => x.status === 'open').map((x) => x.elementId).sort();
  }

  it('a non-interrupting escalation boundary opens the leader task beside the running sub-process', async () => {
    const { instance, tasks } = await engine.start('esc-soft', { by: staff });
    await engine.complete(tasks[0].id, { by: staff });
    expect(await open(engine, instance.id)).to.deep.equal(['finish', 'lead']);
  });

  it('an interrupting escalation boundary ends the sub-process; a fresh engine finishes the instance', async () => {
    const { instance, tasks } = await engine.start('esc-hard', { by: staff });
    const fresh = await EngineService.create({ db: await t.reopen() });
    try {
      await fresh.complete(tasks[0].id, { by: staff });
      expect(await open(fresh, instance.id)).to.deep.equal(['lead']);
      const [lead] = (await fresh.tasksOfInstance(instance.id)).filter((x) => x.status === 'open');
      expect((await fresh.complete(lead.id, { by: staff })).instance.status).to.equal('completed');
    } finally {
      await fresh.stop();
    }
  });

  it('a restart between the escalation and the end keeps both paths', async () => {
    const { instance, tasks } = await engine.start('esc-soft', { by: staff });
    await engine.complete(tasks[0].id, { by: staff });
    const fresh = await EngineService.create({ db: await t.reopen() });
    try {
      for (const el of ['finish', 'lead']) {
        const [task] = (await fresh.tasksOfInstance(instance.id)).filter((x) => x.status === 'open' && x.elementId === el);
        await fresh.complete(task.id, { by: staff });
      }
      expect((await fresh.getInstance(instance.id))!.status).to.equal('completed');
    } finally {
      await fresh.stop();
    }
  });
});
