import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

/** Files a case: an intermediate throw starts the archive process, the message end event closes it. */
const sender = process(
  'msg-sender',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'prepare')}
  <bpmn:userTask id="prepare" name="准备" camunda:candidateGroups="staff" />
  ${flow('f2', 'prepare', 'filed')}
  <bpmn:intermediateThrowEvent id="filed" name="通知归档">
    <bpmn:extensionElements><camunda:properties><camunda:property name="variables" value="amount" /></camunda:properties></bpmn:extensionElements>
    <bpmn:messageEventDefinition messageRef="M_filed" />
  </bpmn:intermediateThrowEvent>
  ${flow('f3', 'filed', 'close')}
  <bpmn:userTask id="close" name="结案" camunda:candidateGroups="staff" />
  ${flow('f4', 'close', 'done')}
  <bpmn:endEvent id="done" name="结案通知">
    <bpmn:extensionElements><camunda:properties><camunda:property name="correlationKey" value="=archiveKey" /></camunda:properties></bpmn:extensionElements>
    <bpmn:messageEventDefinition messageRef="M_closed" />
  </bpmn:endEvent>`,
  { messages: { M_filed: 'case-filed', M_closed: 'case-closed' } },
);

const receiver = process(
  'msg-archive',
  `<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="M_filed" /></bpmn:startEvent>
  ${flow('f1', 'start', 'wait')}
  <bpmn:receiveTask id="wait" name="等待结案" messageRef="M_closed" />
  ${flow('f2', 'wait', 'end')}
  <bpmn:endEvent id="end" />`,
  { messages: { M_filed: 'case-filed', M_closed: 'case-closed' } },
);

describe('engine: message throw events (published through the outbox)', () => {
  let t: TestDatabase;
  let engine: EngineService;
  let clock: ManualClock;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy(
      [
        { name: 'sender.bpmn', content: sender },
        { name: 'archive.bpmn', content: receiver },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  /** Runs due jobs on `e` until `check` holds (the writing node may run them in the background). */
  async function settle<T>(e: EngineService, check: () => Promise<T | undefined | false>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      await e.jobs.runDue();
      const v = await check();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('condition not reached');
  }

  const archiveOf = (e: EngineService, key: string) => async () => (await e.listInstances({ processKey: 'msg-archive', businessKey: key } as any)).rows[0];

  it('an intermediate throw starts the receiving process by business key with the named variables; the message end event correlates by its key', async () => {
    // Given a case with business key K-1
    const { instance, tasks } = await engine.start('msg-sender', { by: staff, businessKey: 'K-1', variables: { amount: 300, archiveKey: 'K-1', secret: 's' } });
    // When it passes the throw event
    await engine.complete(tasks[0].id, { by: staff });
    // Then after commit the archive process starts with the same key, carrying only `amount`
    const archive = await settle(engine, archiveOf(engine, 'K-1'));
    expect((await engine.getInstance(archive.id))!.variables).to.deep.equal({ amount: 300 });
    expect((await engine.history(instance.id)).find((h) => h.type === 'message.thrown')).to.include({ elementId: 'filed' });

    // When the case closes with its message end event
    const [close] = (await engine.tasksOfInstance(instance.id)).filter((x) => x.status === 'open');
    const done = await engine.complete(close.id, { by: staff });
    expect(done.instance.status).to.equal('completed');
    // Then the archive's receive task gets the message and the archive completes
    await settle(engine, async () => (await engine.getInstance(archive.id))!.status === 'completed');
  });

  it('a fresh engine publishes what a step committed before the restart', async () => {
    const { tasks } = await engine.start('msg-sender', { by: staff, businessKey: 'K-2', variables: { amount: 1, archiveKey: 'K-2' } });
    await engine.complete(tasks[0].id, { by: staff });
    const fresh = await EngineService.create({ db: await t.reopen(), clock });
    try {
      const archive = await settle(fresh, archiveOf(fresh, 'K-2'));
      expect(archive.status).to.equal('running');
    } finally {
      await fresh.stop();
    }
  });

  it('refuses a correlationKey that does not parse', async () => {
    const bad = sender.replaceAll('msg-sender', 'msg-bad').replace('value="=archiveKey"', 'value="=archiveKey ++"');
    const err = await expectError(engine.deploy([{ name: 'bad.bpmn', content: bad }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
    expect(JSON.stringify(err.details)).to.contain('correlationKey');
    expect(await engine.start('msg-bad', { by: staff }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
  });
});
