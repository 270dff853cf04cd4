import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { BpmnError } from '../../src/engine/bpmn-error.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor, HandlerContext } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

const ERRORS = `<bpmn:error id="Err_Incomplete" name="材料不全" errorCode="INCOMPLETE" />
  <bpmn:error id="Err_Rejected" name="驳回" errorCode="REJECTED" />`;

/** Adds bpmn:error elements next to the process. */
function withErrors(xml: string): string {
  return xml.replace('<bpmn:process ', `${ERRORS}\n  <bpmn:process `);
}

/** A service check whose BpmnError INCOMPLETE goes to a correction task; other codes to a catch-all only if `catchAll`. */
function serviceProcess(id: string, catchAll: boolean): string {
  return withErrors(
    process(
      id,
      `<bpmn:startEvent id="start" />
      ${flow('f1', 'start', 'check')}
      <bpmn:serviceTask id="check" name="材料校验" camunda:type="external" camunda:topic="test.check" />
      <bpmn:boundaryEvent id="onIncomplete" name="材料不全" attachedToRef="check">
        <bpmn:errorEventDefinition errorRef="Err_Incomplete" camunda:errorCodeVariable="errorCode" camunda:errorMessageVariable="errorMessage" />
      </bpmn:boundaryEvent>
      ${catchAll ? `<bpmn:boundaryEvent id="onAny" name="其他错误" attachedToRef="check"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>${flow('f5', 'onAny', 'other')}<bpmn:userTask id="other" name="人工处理" camunda:candidateGroups="staff" />${flow('f6', 'other', 'end')}` : ''}
      ${flow('f2', 'check', 'end')}
      ${flow('f3', 'onIncomplete', 'fix')}
      <bpmn:userTask id="fix" name="补正材料" camunda:candidateGroups="staff" />
      ${flow('f4', 'fix', 'end')}
      <bpmn:endEvent id="end" />`,
    ),
  );
}

/** A review sub-process that ends with error REJECTED, caught on the sub-process. */
const reviewProcess = withErrors(
  process(
    'err-review',
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'sub')}
    <bpmn:subProcess id="sub" name="审查">
      <bpmn:startEvent id="subStart" />
      ${flow('s1', 'subStart', 'review')}
      <bpmn:userTask id="review" name="审查" camunda:candidateGroups="staff" />
      ${flow('s2', 'review', 'xor')}
      <bpmn:exclusiveGateway id="xor" default="s3" />
      ${flow('s3', 'xor', 'subEnd')}
      ${flow('s4', 'xor', 'rejected', '=approved = false')}
      <bpmn:endEvent id="subEnd" />
      <bpmn:endEvent id="rejected" name="驳回"><bpmn:errorEventDefinition errorRef="Err_Rejected" /></bpmn:endEvent>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="onRejected" name="被驳回" attachedToRef="sub">
      <bpmn:errorEventDefinition errorRef="Err_Rejected" camunda:errorCodeVariable="why" />
    </bpmn:boundaryEvent>
    ${flow('f2', 'sub', 'issue')}
    <bpmn:userTask id="issue" name="发证" camunda:candidateGroups="staff" />
    ${flow('f3', 'issue', 'end')}
    ${flow('f4', 'onRejected', 'notify')}
    <bpmn:userTask id="notify" name="告知申请人" camunda:candidateGroups="staff" />
    ${flow('f5', 'notify', 'end')}
    <bpmn:endEvent id="end" />`,
  ),
);

describe('engine: BPMN errors (error end events, error boundaries, handlers throwing BpmnError)', () => {
  let t: TestDatabase;
  let engine: EngineService;
  let clock: ManualClock;
  let writes = 0;

  async function check(ctx: HandlerContext) {
    const outcome = ctx.variables.outcome;
    if (outcome === 'incomplete') throw new BpmnError('INCOMPLETE', '缺少身份证明');
    if (outcome === 'other') throw new BpmnError('UNKNOWN_CASE', '无法识别的事项');
    if (outcome === 'crash') throw new Error('接口超时');
    writes++;
    return { checked: true };
  }

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock, handlers: { 'test.check': check } });
    await engine.deploy(
      [
        { name: 'svc.bpmn', content: serviceProcess('err-svc', false) },
        { name: 'svc-any.bpmn', content: serviceProcess('err-svc-any', true) },
        { name: 'review.bpmn', content: reviewProcess },
        {
          name: 'uncaught.bpmn',
          content: withErrors(
            process(
              'err-uncaught',
              `<bpmn:startEvent id="start" />${flow('f1', 'start', 'task')}<bpmn:userTask id="task" name="办理" camunda:candidateGroups="staff" />${flow('f2', 'task', 'boom')}<bpmn:endEvent id="boom" name="驳回"><bpmn:errorEventDefinition errorRef="Err_Rejected" /></bpmn:endEvent>`,
            ),
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

  /** Runs due jobs until the instance has no service job left (the writing node may run it in the background). */
  async function settle(e: EngineService, instanceId: string) {
    for (let i = 0; i < 200; i++) {
      await e.jobs.runDueOf(instanceId);
      const pending = (await e.jobsOf(instanceId)).filter((j) => j.type === 'service' && j.attempts === 0);
      if (!pending.length) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('service job never ran');
  }

  async function open(e: EngineService, instanceId: string) {
    return (await e.tasksOfInstance(instanceId)).filter((x) => x.status === 'open');
  }

  it('a handler throwing BpmnError INCOMPLETE ends the service task on the matching boundary, without retry', async () => {
    const { instance } = await engine.start('err-svc', { by: staff, variables: { outcome: 'incomplete' } });
    await settle(engine, instance.id);
    expect((await open(engine, instance.id)).map((x) => x.elementId)).to.deep.equal(['fix']);
    expect(await engine.jobsOf(instance.id)).to.have.length(0);
    const stored = await engine.getInstance(instance.id);
    expect(stored!.variables).to.include({ errorCode: 'INCOMPLETE', errorMessage: '缺少身份证明' });
    const history = await engine.history(instance.id);
    expect(history.find((h) => h.type === 'service.error')!.data).to.include({ code: 'INCOMPLETE', message: '缺少身份证明' });
    expect(history.find((h) => h.type === 'error.caught')).to.include({ elementId: 'onIncomplete' });
    expect(history.find((h) => h.type === 'error.caught')!.data).to.include({ code: 'INCOMPLETE', source: 'check' });
    expect(await engine.incidents({ instanceId: instance.id })).to.have.length(0);
  });

  it('the normal path is unaffected by the boundary', async () => {
    const before = writes;
    const { instance } = await engine.start('err-svc', { by: staff, variables: { outcome: 'ok' } });
    await settle(engine, instance.id);
    expect((await engine.getInstance(instance.id))!.status).to.equal('completed');
    expect(writes).to.equal(before + 1);
  });

  it('a code no boundary catches is an incident at once; a catch-all boundary catches any code', async () => {
    const { instance } = await engine.start('err-svc', { by: staff, variables: { outcome: 'other' } });
    await settle(engine, instance.id);
    const [incident] = await engine.incidents({ instanceId: instance.id });
    expect(incident.message).to.contain('UNKNOWN_CASE');
    expect((await engine.getInstance(instance.id))!.status).to.equal('running');
    expect(await open(engine, instance.id)).to.have.length(0);

    const any = await engine.start('err-svc-any', { by: staff, variables: { outcome: 'other' } });
    await settle(engine, any.instance.id);
    expect((await open(engine, any.instance.id)).map((x) => x.elementId)).to.deep.equal(['other']);
  });

  it('a technical failure (not a BpmnError) is still retried, never routed to an error boundary', async () => {
    const { instance } = await engine.start('err-svc-any', { by: staff, variables: { outcome: 'crash' } });
    await settle(engine, instance.id);
    const [job] = await engine.jobsOf(instance.id);
    expect(job).to.include({ type: 'service', attempts: 1 });
    expect(await open(engine, instance.id)).to.have.length(0);
  });

  it('an error end event in a sub-process ends it on the sub-process\'s error boundary', async () => {
    const { instance, tasks } = await engine.start('err-review', { by: staff });
    await engine.complete(tasks[0].id, { by: staff, variables: { approved: false } });
    expect((await open(engine, instance.id)).map((x) => x.elementId)).to.deep.equal(['notify']);
    expect((await engine.getInstance(instance.id))!.variables).to.include({ why: 'REJECTED' });
    const types = (await engine.history(instance.id)).map((h) => `${h.type}:${h.elementId ?? ''}`);
    expect(types).to.include.members(['error.thrown:rejected', 'error.caught:onRejected']);

    const ok = await engine.start('err-review', { by: staff });
    await engine.complete(ok.tasks[0].id, { by: staff, variables: { approved: true } });
    expect((await open(engine, ok.instance.id)).map((x) => x.elementId)).to.deep.equal(['issue']);
  });

  it('an error end event nothing catches ends the instance, as a none end event would (Camunda 7), with the error in history', async () => {
    const { instance, tasks } = await engine.start('err-uncaught', { by: staff });
    const done = await engine.complete(tasks[0].id, { by: staff });
    expect(done.instance.status).to.equal('completed');
    const thrown = (await engine.history(instance.id)).find((h) => h.type === 'error.thrown');
    expect(thrown!.data).to.deep.equal({ code: 'REJECTED' });
  });

  describe('restart in the middle', () => {
    it('a fresh engine throws the error end event and follows the boundary', async () => {
      const { instance, tasks } = await engine.start('err-review', { by: staff });
      const fresh = await EngineService.create({ db: await t.reopen(), clock });
      try {
        await fresh.complete(tasks[0].id, { by: staff, variables: { approved: false } });
        const [notify] = await open(fresh, instance.id);
        expect(notify.elementId).to.equal('notify');
        const done = await fresh.complete(notify.id, { by: staff });
        expect(done.instance.status).to.equal('completed');
      } finally {
        await fresh.stop();
      }
    });

    it('a fresh engine runs the service job and routes its BpmnError', async () => {
      const { instance } = await engine.start('err-svc', { by: staff, variables: { outcome: 'incomplete' } });
      const fresh = await EngineService.create({ db: await t.reopen(), clock, handlers: { 'test.check': check } });
      try {
        await settle(fresh, instance.id);
        const [fix] = await open(fresh, instance.id);
        expect(fix.elementId).to.equal('fix');
        expect((await fresh.complete(fix.id, { by: staff })).instance.status).to.equal('completed');
      } finally {
        await fresh.stop();
      }
    });
  });

  describe('deploy', () => {
    it('refuses a non-interrupting error boundary; accepts error end events without errorRef or code (only a catch-all catches them)', async () => {
      const bad = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://x">
  <bpmn:error id="Err_NoCode" name="无码" />
  <bpmn:process id="err-bad" isExecutable="true">
    <bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'task')}
    <bpmn:userTask id="task" name="办理" />
    <bpmn:boundaryEvent id="soft" name="软错误" attachedToRef="task" cancelActivity="false"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
    ${flow('f2', 'task', 'e1')}
    ${flow('f3', 'soft', 'e2')}
    <bpmn:endEvent id="e1" name="甲"><bpmn:errorEventDefinition /></bpmn:endEvent>
    <bpmn:endEvent id="e2" name="乙"><bpmn:errorEventDefinition errorRef="Err_NoCode" /></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
      const err = await expectError(engine.deploy([{ name: 'bad.bpmn', content: bad }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
      const text = JSON.stringify(err.details);
      expect(text).to.contain('soft（软错误）').and.to.contain('中断型');
      expect(text).to.not.contain('e1（甲）').and.to.not.contain('e2（乙）');
      expect(await engine.start('err-bad', { by: staff }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
    });
  });
});
