import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

/** Issue 12: a send task publishes its message (like a message throw event) after the step commits. */
const sender = process(
  'send-notice',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'notify')}
  <bpmn:sendTask id="notify" name="通知档案室" messageRef="M_notice">
    <bpmn:extensionElements><camunda:properties><camunda:property name="variables" value="caseNo" /></camunda:properties></bpmn:extensionElements>
  </bpmn:sendTask>
  ${flow('f2', 'notify', 'end')}
  <bpmn:endEvent id="end" />`,
  { messages: { M_notice: 'archive-notice' } },
);
const receiver = process(
  'send-archive',
  `<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="M_notice" /></bpmn:startEvent>
  ${flow('f1', 'start', 'file')}
  ${userTask('file', '归档', 'camunda:candidateGroups="staff"')}
  ${flow('f2', 'file', 'end')}
  <bpmn:endEvent id="end" />`,
  { messages: { M_notice: 'archive-notice' } },
);
/** A process drawn without a start event: it starts at the node without an incoming flow. */
const noStart = process(
  'no-start',
  `${userTask('first', '登记', 'camunda:candidateGroups="staff"')}
  ${flow('f1', 'first', 'second')}
  ${userTask('second', '审核', 'camunda:candidateGroups="staff"')}`,
);

describe('engine: send tasks and processes without a start event deploy as published', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db, clock: new ManualClock(Date.parse('2026-11-26T09:00:00+08:00')) });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  it('a send task publishes its message through the outbox, carrying the named variables', async () => {
    await engine.deploy(
      [
        { name: 'sender.bpmn', content: sender },
        { name: 'receiver.bpmn', content: receiver },
      ],
      { by: 'owner' },
    );
    const { instance } = await engine.start('send-notice', { by: staff, businessKey: 'A-1', variables: { caseNo: 'A-1', secret: 'x' } });
    expect(instance.status).to.equal('completed');
    expect((await engine.history(instance.id)).filter((h) => h.type === 'message.thrown').map((h) => h.elementId)).to.deep.equal(['notify']);
    for (let i = 0; i < 20 && !(await engine.listInstances({ processKey: 'send-archive' } as any)).total; i++) await engine.jobs.runDue();
    const [archive] = (await engine.listInstances({ processKey: 'send-archive' } as any)).rows;
    expect(archive).to.include({ businessKey: 'A-1', status: 'running' });
    expect(archive.variables).to.deep.equal({ caseNo: 'A-1' });
  });

  it('a send task with neither message nor handler deploys with a note naming it and passes like a plain task (as in bpmn-engine; issue 12)', async () => {
    const bare = sender.replaceAll('send-notice', 'send-bare').replace(' messageRef="M_notice"', '');
    const res = await engine.deploy([{ name: 'bare.bpmn', content: bare }], { by: 'owner' });
    expect(res.notes.map((n) => n.message).join('\n')).to.match(/发送任务 notify.*没有引用消息.*按普通任务直接通过/);
    const { instance } = await engine.start('send-bare', { by: staff, businessKey: 'B-1', variables: { caseNo: 'B-1' } });
    expect(instance.status).to.equal('completed');
    expect((await engine.history(instance.id)).filter((h) => h.type === 'message.thrown')).to.deep.equal([]);
  });

  it('a process without a start event deploys with a note and starts at its first node', async () => {
    const res = await engine.deploy([{ name: 'no-start.bpmn', content: noStart }], { by: 'owner' });
    expect(JSON.stringify(res)).to.contain('没有开始事件');
    const { instance, tasks } = await engine.start('no-start', { by: staff });
    expect(tasks.map((x) => x.elementId)).to.deep.equal(['first']);
    await engine.complete(tasks[0].id, { by: staff });
    const second = (await engine.tasksOfInstance(instance.id)).find((x) => x.status === 'open')!;
    expect(second.elementId).to.equal('second');
    expect((await engine.complete(second.id, { by: staff })).instance.status).to.equal('completed');
  });
});
