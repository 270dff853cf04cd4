import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { DeployProblem } from '../../src/errors.ts';
import type { HandlerContext } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { expectError } from '../helpers/expect.ts';

/** Issue 12, item 1: Flowable/Activiti, Camunda 8 and standard BPMN assignment read into one model. */

const owner = 'owner';
const NS = `xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:flowable="http://flowable.org/bpmn" xmlns:activiti="http://activiti.org/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"`;
const defs = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<definitions ${NS} id="defs" targetNamespace="http://example.com/dialects">\n${body}\n</definitions>`;
const FORM = JSON.stringify({ type: 'default', components: [{ type: 'textfield', key: 'comment', label: '意见' }] });

const flowableFile = defs(`<process id="fl-leave" name="请假">
  <startEvent id="start" flowable:initiator="applicant" flowable:formKey="fl-apply" />
  <sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
  <userTask id="approve" name="审批" flowable:candidateGroups="leaders" flowable:formKey="fl-approve.form" flowable:dueDate="P3D" flowable:priority="60" />
  <sequenceFlow id="f2" sourceRef="approve" targetRef="back" />
  <userTask id="back" name="知悉" flowable:assignee="$INITIATOR" />
  <sequenceFlow id="f3" sourceRef="back" targetRef="end" />
  <endEvent id="end" />
</process>`).replace('<process id="fl-leave"', '<process id="fl-leave" flowable:candidateStarterGroups="staff"');

const zeebeFile = defs(`<process id="c8-order" isExecutable="true">
  <startEvent id="start" />
  <sequenceFlow id="f1" sourceRef="start" targetRef="check" />
  <userTask id="check" name="核对">
    <extensionElements>
      <zeebe:assignmentDefinition candidateGroups="=[&quot;staff&quot;]" candidateUsers="wang" />
      <zeebe:formDefinition formId="c8-check" />
      <zeebe:taskSchedule dueDate="P2D" followUpDate="P1D" />
    </extensionElements>
  </userTask>
  <sequenceFlow id="f2" sourceRef="check" targetRef="notify" />
  <serviceTask id="notify" name="通知">
    <extensionElements>
      <zeebe:taskDefinition type="notify.record" retries="3" />
      <zeebe:taskHeaders><zeebe:header key="channel" value="sms" /></zeebe:taskHeaders>
    </extensionElements>
  </serviceTask>
  <sequenceFlow id="f3" sourceRef="notify" targetRef="end" />
  <endEvent id="end" />
</process>`);

const standardFile = defs(`<process id="std-review" isExecutable="true">
  <startEvent id="start" />
  <sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <userTask id="review" name="复核"><potentialOwner><resourceAssignmentExpression><formalExpression>user(li), group(leaders)</formalExpression></resourceAssignmentExpression></potentialOwner></userTask>
  <sequenceFlow id="f2" sourceRef="review" targetRef="sign" />
  <userTask id="sign" name="签发"><humanPerformer><resourceAssignmentExpression><formalExpression>user(zhao)</formalExpression></resourceAssignmentExpression></humanPerformer></userTask>
  <sequenceFlow id="f3" sourceRef="sign" targetRef="end" />
  <endEvent id="end" />
</process>`);

describe('engine: BPMN dialects (Flowable/Activiti, Camunda 8, standard assignment)', () => {
  let t: TestDatabase;
  let engine: EngineService;
  const calls: HandlerContext[] = [];

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db, handlers: { 'notify.record': (ctx) => void calls.push(ctx) } });
    await engine.deploy(
      [
        { name: 'fl-apply.form', content: FORM },
        { name: 'fl-approve.form', content: FORM },
        { name: 'c8-check.form', content: FORM },
      ],
      { by: owner },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function problemsOf(name: string, content: string): Promise<DeployProblem[]> {
    const err = await expectError(engine.deploy([{ name, content }], { by: owner }), 'DEPLOYMENT_INVALID');
    return err.details;
  }
  const stored = async (key: string) => Number((await t.db('process_definitions').where({ key }).count({ n: '*' }).first())!.n);

  it('Given a Flowable file, when staff start it, then candidate starters, groups, form, due date, priority and $INITIATOR act as in Flowable', async () => {
    await engine.deploy([{ name: 'fl-leave.bpmn20.xml', content: flowableFile }], { by: owner });
    await expectError(engine.start('fl-leave', { by: { id: 'zhou', groups: ['vendor'] } }), 'NOT_STARTER');
    const started = await engine.start('fl-leave', { by: { id: 'zhang', groups: ['staff'] }, variables: { comment: '事假' } });
    const approve = started.tasks[0];
    expect(approve).to.include({ elementId: 'approve', formKey: 'fl-approve', assignee: null });
    expect(approve.candidateGroups).to.deep.equal(['leaders']);
    expect(approve.dueAt).to.be.a('number');
    expect(started.instance.variables).to.include({ applicant: 'zhang' });
    await expectError(engine.complete(approve.id, { by: { id: 'zhang', groups: ['staff'] }, variables: { comment: '' } }), 'NOT_CANDIDATE');
    const next = await engine.complete(approve.id, { by: { id: 'li', groups: ['leaders'] }, variables: { comment: '同意' } });
    expect(next.tasks[0]).to.include({ elementId: 'back', assignee: 'zhang' });
    const done = await engine.complete(next.tasks[0].id, { by: { id: 'zhang', groups: ['staff'] } });
    expect(done.instance.status).to.equal('completed');
  });

  it('Given a Camunda 8 file, when it runs, then zeebe assignment, linked form, schedule, job type and headers are used', async () => {
    await engine.deploy([{ name: 'c8-order.bpmn', content: zeebeFile }], { by: owner });
    const started = await engine.start('c8-order', { by: { id: 'zhang', groups: ['staff'] } });
    const check = started.tasks[0];
    expect(check).to.include({ formKey: 'c8-check' });
    expect(check.candidateGroups).to.deep.equal(['staff']);
    expect(check.candidateUsers).to.deep.equal(['wang']);
    expect(check.dueAt).to.be.a('number');
    await engine.complete(check.id, { by: { id: 'wang', groups: [] }, variables: { comment: '已核对' } });
    for (let i = 0; i < 50 && !calls.length; i++) await engine.jobs.runDue();
    expect(calls[0].properties).to.include({ channel: 'sms' });
  });

  it('Given standard potentialOwner and humanPerformer, when it runs, then user(…) and group(…) are candidates and the performer is the assignee', async () => {
    await engine.deploy([{ name: 'std-review.bpmn', content: standardFile }], { by: owner });
    const started = await engine.start('std-review', { by: { id: 'zhang', groups: ['staff'] } });
    expect(started.tasks[0].candidateUsers).to.deep.equal(['li']);
    expect(started.tasks[0].candidateGroups).to.deep.equal(['leaders']);
    const next = await engine.complete(started.tasks[0].id, { by: { id: 'li', groups: [] } });
    expect(next.tasks[0]).to.include({ elementId: 'sign', assignee: 'zhao' });
    expect((await engine.complete(next.tasks[0].id, { by: { id: 'zhao', groups: [] } })).instance.status).to.equal('completed');
  });

  it('Given two dialects disagreeing on one element, when deployed, then the error names both', async () => {
    const content = standardFile.replace('id="std-review"', 'id="conflict"').replace('<userTask id="sign" name="签发">', '<userTask id="sign" name="签发" activiti:assignee="qian">');
    const problems = await problemsOf('conflict.bpmn', content);
    expect(problems.find((p) => p.element === 'sign')!.message).to.match(/activiti:assignee="qian" 与 humanPerformer="zhao" 矛盾/);
    expect(await stored('conflict')).to.equal(0);
  });

  it('Given listeners, Java classes, delegate expressions, built-in types and skipExpression of any dialect, when deployed, then each is refused by name with what to use instead', async () => {
    const content = defs(`<process id="code" isExecutable="true">
  <startEvent id="start"><extensionElements><activiti:executionListener event="start" class="com.x.L" /></extensionElements></startEvent>
  <sequenceFlow id="f1" sourceRef="start" targetRef="t1" />
  <userTask id="t1" name="填写" flowable:candidateGroups="staff" flowable:skipExpression="\${skip}"><extensionElements><flowable:taskListener event="create" delegateExpression="\${bean}" /></extensionElements></userTask>
  <sequenceFlow id="f2" sourceRef="t1" targetRef="java" />
  <serviceTask id="java" name="Java" activiti:class="com.example.Delegate" />
  <sequenceFlow id="f3" sourceRef="java" targetRef="mail" />
  <serviceTask id="mail" name="邮件" flowable:type="mail" />
  <sequenceFlow id="f4" sourceRef="mail" targetRef="job" />
  <serviceTask id="job" name="发信"><extensionElements><zeebe:taskDefinition type="email" /></extensionElements></serviceTask>
  <sequenceFlow id="f5" sourceRef="job" targetRef="end" />
  <endEvent id="end" />
</process>`);
    const problems = await problemsOf('code.bpmn', content);
    const of = (id: string) => problems.filter((p) => p.element === id).map((p) => p.message).join(' | ');
    expect(of('start')).to.match(/activiti:executionListener.*不允许运行代码.*zeebe:taskDefinition/);
    expect(of('t1')).to.match(/flowable:taskListener/);
    expect(of('t1')).to.match(/flowable:skipExpression/);
    expect(of('java')).to.match(/activiti:class="com.example.Delegate".*注册的处理程序/);
    expect(of('java')).not.to.match(/没有指定处理程序/);
    expect(of('mail')).to.match(/flowable:type="mail"/);
    expect(of('job')).to.match(/作业类型（zeebe:taskDefinition type）"email"/);
    expect(of('job')).not.to.match(/no handler/);
    expect(await stored('code')).to.equal(0);
  });
});
