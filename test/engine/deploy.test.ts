import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { DeployProblem } from '../../src/errors.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const owner = 'owner';
const staff = { id: 'zhang', groups: ['staff'] };
const CASES = path.resolve(import.meta.dirname, '../fixtures/camunda-forms-quickstart');

function simple(name: string, extra = '') {
  return process(
    'simple',
    `<bpmn:startEvent id="start" />
    ${flow('f0', 'start', 'task')}
    ${userTask('task', name, 'camunda:candidateGroups="staff"')}
    ${flow('f1', 'task', 'end')}
    <bpmn:endEvent id="end" />${extra}`,
  );
}

describe('engine: deployment', () => {
  let t: TestDatabase;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db, handlers: { 'catalog.apply': () => ({}) } });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function problemsOf(files: Array<{ name: string; content: string }>): Promise<DeployProblem[]> {
    const err = await expectError(engine.deploy(files, { by: owner }), 'DEPLOYMENT_INVALID');
    return err.details;
  }

  it('keeps the version of an unchanged file and makes a new version of a changed one; running instances stay on theirs', async () => {
    const first = await engine.deploy([{ name: 'simple.bpmn', content: simple('办理') }], { by: owner });
    expect(first.items).to.deep.equal([{ file: 'simple.bpmn', kind: 'process', key: 'simple', version: 1, id: 'simple:1', unchanged: false }]);
    const again = await engine.deploy([{ name: 'simple.bpmn', content: simple('办理') }], { by: owner });
    expect(again.id).to.equal(null);
    expect(again.items[0]).to.include({ version: 1, unchanged: true });

    const old = await engine.start('simple', { by: staff });
    expect(old.tasks[0].name).to.equal('办理');
    const second = await engine.deploy([{ name: 'simple.bpmn', content: simple('受理并办理') }], { by: owner });
    expect(second.items[0]).to.include({ version: 2, id: 'simple:2', unchanged: false });

    const fresh = await engine.start('simple', { by: staff });
    expect(fresh.instance.definitionId).to.equal('simple:2');
    expect(fresh.tasks[0].name).to.equal('受理并办理');
    const done = await engine.complete(old.tasks[0].id, { by: staff });
    expect(done.instance).to.include({ definitionId: 'simple:1', status: 'completed' });
    const versions = await t.db('process_definitions').where({ key: 'simple' }).orderBy('version').pluck('deployed_by');
    expect(versions).to.deep.equal([owner, owner]);
  });

  it('refuses XML that does not parse, naming line and column', async () => {
    const [p] = await problemsOf([{ name: 'broken.bpmn', content: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n<bpmn:process id="x">\n</bpmn:definitions>' }]);
    expect(p).to.include({ file: 'broken.bpmn', line: 3 });
    expect(p.column).to.be.a('number');
    expect(p.message).to.match(/XML 无法解析/);
  });

  it('refuses elements that are not BPMN (moddle warnings)', async () => {
    const problems = await problemsOf([{ name: 'odd.bpmn', content: simple('办理', '<bpmn:bogusThing id="b1" />') }]);
    expect(problems.some((p) => /不符合 BPMN 2.0 规范/.test(p.message) && /bogus/i.test(p.message))).to.equal(true);
  });

  it('refuses a handler that is not registered, a script task, a JavaScript condition, a bad FEEL expression and an unsupported element — all at once', async () => {
    const content = process(
      'bad',
      `<bpmn:startEvent id="start" />
      ${flow('f0', 'start', 'fill')}
      ${userTask('fill', '填写', 'camunda:formKey="no-such-form" camunda:candidateGroups="staff"')}
      ${flow('f1', 'fill', 'svc')}
      <bpmn:serviceTask id="svc" name="调用" camunda:type="external" camunda:topic="nobody.registered" />
      ${flow('f2', 'svc', 'script')}
      <bpmn:scriptTask id="script" name="脚本" scriptFormat="javascript"><bpmn:script>require('fs')</bpmn:script></bpmn:scriptTask>
      ${flow('f3', 'script', 'gw')}
      <bpmn:exclusiveGateway id="gw" />
      <bpmn:sequenceFlow id="jsFlow" sourceRef="gw" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="javascript">next(null, true)</bpmn:conditionExpression></bpmn:sequenceFlow>
      ${flow('feelFlow', 'gw', 'call', '${amount >> 3}')}
      <bpmn:complexGateway id="call" name="复杂网关" />
      ${flow('f4', 'call', 'end')}
      <bpmn:endEvent id="end" />`,
    );
    const problems = await problemsOf([{ name: 'bad.bpmn', content }]);
    const byElement = (id: string) => problems.filter((p) => p.element === id).map((p) => p.message).join(' | ');
    // A form key with no form is not among them: it deploys with a note (test/engine/missing-form.test.ts).
    expect(byElement('fill')).to.equal('');
    expect(byElement('svc')).to.match(/nobody\.registered.*未注册/);
    expect(byElement('script')).to.match(/脚本任务.*不允许运行代码/);
    expect(byElement('jsFlow')).to.match(/javascript.*不允许运行代码/);
    expect(byElement('feelFlow')).to.match(/表达式/);
    expect(byElement('call')).to.match(/不支持的元素类型 复杂网关/);
    expect(problems.every((p) => p.file === 'bad.bpmn')).to.equal(true);
    expect(await t.db('process_definitions').where({ key: 'bad' }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });

  it('refuses JUEL == in a FEEL-only expression, listeners and Java classes', async () => {
    const content = process(
      'bad2',
      `<bpmn:startEvent id="start" />
      ${flow('f0', 'start', 'gw')}
      <bpmn:exclusiveGateway id="gw" default="f2" />
      ${flow('f1', 'gw', 'end', '=decision == "x"')}
      ${flow('f2', 'gw', 'java')}
      <bpmn:serviceTask id="java" name="Java" camunda:class="com.example.Delegate" />
      ${flow('f3', 'java', 'end')}
      <bpmn:endEvent id="end"><bpmn:extensionElements><camunda:executionListener event="start"><camunda:script scriptFormat="javascript">x()</camunda:script></camunda:executionListener></bpmn:extensionElements></bpmn:endEvent>`,
    );
    const problems = await problemsOf([{ name: 'bad2.bpmn', content }]);
    expect(problems.find((p) => p.element === 'f1')!.message).to.match(/"=" 而不是 "=="/);
    expect(problems.find((p) => p.element === 'java')!.message).to.match(/camunda:class/);
    expect(problems.find((p) => p.element === 'end')!.message).to.match(/监听器/);
  });

  it('refuses a due date that is not a time limit and files of other types', async () => {
    const problems = await problemsOf([
      { name: 'due.bpmn', content: simple('办理').replace('camunda:candidateGroups="staff"', 'camunda:candidateGroups="staff" camunda:dueDate="soon"') },
      { name: 'notes.txt', content: 'hello' },
      { name: 'bad.form', content: '{"components": [' },
    ]);
    expect(problems.find((p) => p.file === 'due.bpmn')!.message).to.match(/dueDate "soon" 不是有效的期限/);
    expect(problems.find((p) => p.file === 'notes.txt')!.message).to.match(/不支持的文件类型/);
    expect(problems.find((p) => p.file === 'bad.form')!.message).to.match(/不是有效的 JSON/);
  });

  it('deploys and runs the Camunda Modeler quickstart unchanged, with its Camunda Forms', async () => {
    const files = ['invoiceApproval.bpmn', 'start-form.form', 'task-form.form'].map((name) => ({
      name,
      content: fs.readFileSync(path.join(CASES, name), 'utf8'),
    }));
    const res = await engine.deploy(files, { by: owner });
    expect(res.items.map((i) => `${i.kind}:${i.key}:${i.version}`).sort()).to.deep.equal([
      'form:start-form:1',
      'form:task-form:1',
      'process:camundaFormsQuickstart:1',
    ]);
    const err = await expectError(engine.start('camundaFormsQuickstart', { by: staff, variables: { creditor: 'ACME', amount: '12a' } }), 'VALIDATION_FAILED');
    expect(err.details).to.deep.equal([{ field: 'amount', message: '“Amount”格式不正确' }]);
    const { instance, tasks } = await engine.start('camundaFormsQuickstart', {
      by: staff,
      variables: { creditor: 'ACME', amount: '1200', invoiceNumber: 'C-123' },
    });
    expect(tasks[0]).to.include({ elementId: 'UserTask_1', assignee: 'demo', formKey: 'task-form' });
    const demo = { id: 'demo', groups: [] };
    await expectError(engine.complete(tasks[0].id, { by: demo, variables: { creditor: 'ACME', amount: '1200', approved: 'maybe' } }), 'VALIDATION_FAILED');
    const done = await engine.complete(tasks[0].id, { by: demo, variables: { creditor: 'ACME', amount: '1200', approved: 'true', approvedBy: 'demo' } });
    expect(done.instance.status).to.equal('completed');
    expect((await engine.getInstance(instance.id))!.variables).to.include({ approved: 'true', invoiceNumber: 'C-123' });
  });
});
