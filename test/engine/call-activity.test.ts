import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const expert: Actor = { id: 'qian', groups: ['experts'] };

/** Parent: file → call the expert review (in: amount, applicant; out: opinion → expertOpinion) → decide. */
const parent = process(
  'case-main',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'file')}
  <bpmn:userTask id="file" name="受理" camunda:candidateGroups="staff" />
  ${flow('f2', 'file', 'review')}
  <bpmn:callActivity id="review" name="专家评审" calledElement="expert-review">
    <bpmn:extensionElements>
      <camunda:in source="amount" target="amount" />
      <camunda:in sourceExpression="\${applicant + '（转）'}" target="applicant" />
      <camunda:in businessKey="#{execution.processBusinessKey}" />
      <camunda:out source="opinion" target="expertOpinion" />
    </bpmn:extensionElements>
  </bpmn:callActivity>
  <bpmn:boundaryEvent id="timeout" name="评审超时" attachedToRef="review"><bpmn:timerEventDefinition><bpmn:timeDuration>P10D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  ${flow('f3', 'review', 'decide')}
  ${flow('f4', 'timeout', 'decide')}
  <bpmn:userTask id="decide" name="决定" camunda:candidateGroups="staff" />
  ${flow('f5', 'decide', 'end')}
  <bpmn:endEvent id="end" />`,
);

const child = process(
  'expert-review',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'opine')}
  <bpmn:userTask id="opine" name="出具意见" camunda:candidateGroups="experts" />
  ${flow('f2', 'opine', 'end')}
  <bpmn:endEvent id="end" />`,
);

describe('engine: call activities (child instances linked to their parent)', () => {
  let t: TestDatabase;
  let engine: EngineService;
  let clock: ManualClock;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy(
      [
        { name: 'main.bpmn', content: parent },
        { name: 'child.bpmn', content: child },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function open(e: EngineService, instanceId: string) {
    return (await e.tasksOfInstance(instanceId)).filter((x) => x.status === 'open');
  }

  /** Starts the parent and completes its filing task: the call job is then due. */
  async function atCall(businessKey: string) {
    const { instance, tasks } = await engine.start('case-main', { by: staff, businessKey, variables: { amount: 5000, applicant: '赵某', secret: 'x' } });
    await engine.complete(tasks[0].id, { by: staff });
    return instance;
  }

  /**
   * Runs due jobs on `e` until `check` holds: the node that wrote a step also runs its due jobs in
   * the background, so which node runs a job is not fixed; the outcome is.
   */
  async function settle<T>(e: EngineService, check: () => Promise<T | undefined | false>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      await e.jobs.runDue();
      const v = await check();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('condition not reached');
  }

  const firstChild = (e: EngineService, parentId: string) => async () => (await childOf(e, parentId))[0];

  async function childOf(e: EngineService, parentId: string) {
    const { rows } = await e.listInstances({ parentInstanceId: parentId } as any);
    return rows;
  }

  it('starts the child with the mapped variables, links it both ways, and resumes the parent once when it ends', async () => {
    // Given a case at its expert review
    const main = await atCall('CASE-1');
    expect(await childOf(engine, main.id)).to.have.length(0);
    // When the call job runs
    const kid = await settle(engine, firstChild(engine, main.id));
    // Then a child instance runs, with only the mapped variables and the parent's business key
    expect(kid).to.include({ processKey: 'expert-review', parentInstanceId: main.id, rootInstanceId: main.id, businessKey: 'CASE-1', status: 'running' });
    expect((await engine.getInstance(kid.id))!.variables).to.deep.equal({ amount: 5000, applicant: '赵某（转）' });
    expect((await engine.history(main.id)).map((h) => h.type)).to.include('call.requested');

    // When the expert gives an opinion
    const [opine] = await open(engine, kid.id);
    await engine.complete(opine.id, { by: expert, variables: { opinion: '同意', internal: 1 } });
    expect((await engine.getInstance(kid.id))!.status).to.equal('completed');
    // Then the return job resumes the parent exactly once, with the mapped output
    const [decide] = await settle(engine, async () => (await open(engine, main.id)).length > 0 && open(engine, main.id));
    await engine.jobs.runDue();
    expect((await engine.history(main.id)).filter((h) => h.type === 'call.completed')).to.have.length(1);
    expect(decide.elementId).to.equal('decide');
    const vars = (await engine.getInstance(main.id))!.variables;
    expect(vars).to.include({ expertOpinion: '同意' });
    expect(vars).to.not.have.property('internal');
    expect((await engine.history(main.id)).find((h) => h.type === 'call.completed')!.data).to.deep.equal({ childId: kid.id });
    expect(await engine.jobsOf(main.id)).to.have.length(0);
  });

  it('cancelling the parent cancels the child', async () => {
    const main = await atCall('CASE-2');
    const kid = await settle(engine, firstChild(engine, main.id));
    await engine.cancel(main.id, { by: staff, reason: '申请人撤回' });
    const stored = await settle(engine, async () => {
      const i = await engine.getInstance(kid.id);
      return i?.status !== 'running' && i;
    });
    expect(stored).to.include({ status: 'cancelled', endReason: '上级流程已撤销' });
    expect(await open(engine, kid.id)).to.have.length(0);
  });

  it('a boundary timer interrupting the call activity cancels the child; a call never started is simply dropped', async () => {
    const main = await atCall('CASE-3');
    const kid = await settle(engine, firstChild(engine, main.id));
    clock.advance(30 * 24 * 3600 * 1000);
    await settle(engine, async () => (await engine.getInstance(kid.id))!.status === 'cancelled');
    expect((await open(engine, main.id)).map((x) => x.elementId)).to.deep.equal(['decide']);

    // Given a parent cancelled before its call job ran
    const early = await atCall('CASE-4');
    await engine.cancel(early.id, { by: staff, reason: '撤回' });
    await engine.jobs.runDue();
    expect(await childOf(engine, early.id)).to.have.length(0);
    expect(await engine.incidents({ status: 'open' })).to.have.length(0);
  });

  it('a called process that does not exist is an incident on the parent', async () => {
    await engine.deploy([{ name: 'lost.bpmn', content: parent.replaceAll('case-main', 'case-lost').replace('calledElement="expert-review"', 'calledElement="no-such-process"') }], { by: 'owner' });
    const { instance, tasks } = await engine.start('case-lost', { by: staff, variables: { amount: 1, applicant: 'a' } });
    await engine.complete(tasks[0].id, { by: staff });
    const [incident] = await settle(engine, async () => {
      clock.advance(10 * 60_000);
      const found = await engine.incidents({ instanceId: instance.id });
      return found.length > 0 && found;
    });
    expect(incident.message).to.contain('no-such-process');
  });

  describe('restart in the middle', () => {
    it('a fresh engine starts the child, another finishes it, and the parent resumes', async () => {
      const main = await atCall('CASE-5');
      const engines: EngineService[] = [];
      try {
        engines.push(await EngineService.create({ db: await t.reopen(), clock }));
        const kid = await settle(engines[0], firstChild(engines[0], main.id));
        engines.push(await EngineService.create({ db: await t.reopen(), clock }));
        const [opine] = await open(engines[1], kid.id);
        await engines[1].complete(opine.id, { by: expert, variables: { opinion: '不同意' } });
        engines.push(await EngineService.create({ db: await t.reopen(), clock }));
        const [decide] = await settle(engines[2], async () => (await open(engines[2], main.id)).length > 0 && open(engines[2], main.id));
        expect((await engines[2].getInstance(main.id))!.variables).to.include({ expertOpinion: '不同意' });
        expect((await engines[2].complete(decide.id, { by: staff })).instance.status).to.equal('completed');
      } finally {
        for (const e of engines) await e.stop();
      }
    });
  });

  describe('deploy', () => {
    it('refuses a call activity without calledElement, with a code mapping or a deployment binding', async () => {
      const bad = process(
        'call-bad',
        `<bpmn:startEvent id="start" />
        ${flow('f1', 'start', 'a')}
        <bpmn:callActivity id="a" name="甲" />
        ${flow('f2', 'a', 'b')}
        <bpmn:callActivity id="b" name="乙" calledElement="x" camunda:calledElementBinding="deployment" camunda:variableMappingClass="com.Foo" />
        ${flow('f3', 'b', 'end')}
        <bpmn:endEvent id="end" />`,
      );
      const err = await expectError(engine.deploy([{ name: 'bad.bpmn', content: bad }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
      const text = JSON.stringify(err.details);
      expect(text).to.contain('a（甲）').and.to.contain('calledElement').and.to.contain('deployment').and.to.contain('variableMappingClass');
      expect(await engine.start('call-bad', { by: staff }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
    });
  });
});
