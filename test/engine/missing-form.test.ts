import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

/**
 * Issue 12: a file that names a form nobody deployed yet (a Camunda 7 `embedded:app:` HTML form,
 * a Flowable form of the source project) deploys as Camunda 7 deploys it — the form key is only a
 * name until the task is shown. The note says so; the task is done with the generic form (no
 * fields), never stranded; once a form of that name is deployed, new submissions are checked by it.
 */
describe('engine: a form key without a deployed form', () => {
  let t: TestDatabase;
  let engine: EngineService;
  const staff = { id: 'zhang', groups: ['staff'] };

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  const file = process(
    'later-form-proc',
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'fill')}
    ${userTask('fill', '填写', 'camunda:formKey="embedded:app:forms/later-form.form" camunda:candidateGroups="staff"')}
    ${flow('f2', 'fill', 'end')}
    <bpmn:endEvent id="end" />`,
  );

  it('Given a user task whose form is not deployed, when the file is deployed, then it deploys with a note naming the form', async () => {
    const res = await engine.deploy([{ name: 'later-form-proc.bpmn', content: file }], { by: 'owner' });
    expect(res.items[0]).to.include({ key: 'later-form-proc', version: 1 });
    expect(res.notes.map((n) => n.message).join('\n')).to.match(/fill（填写） 引用的表单 "embedded:app:forms\/later-form.form".*尚不存在：已部署，任务暂以通用表单办理.*later-form/);
  });

  it('Given such a task, when it is completed with the generic form, then the case goes on', async () => {
    const started = await engine.start('later-form-proc', { by: staff });
    expect(started.tasks).to.have.length(1);
    const done = await engine.complete(started.tasks[0].id, { by: staff, variables: { comment: '已办' } });
    expect(done.instance.status).to.equal('completed');
    expect(done.instance.variables).to.include({ comment: '已办' });
  });

  it('Given the form is deployed afterwards, when a new task of that name is completed without its required field, then 422 and the task stays open', async () => {
    const form = { type: 'default', components: [{ type: 'textfield', key: 'opinion', label: '意见', validate: { required: true } }] };
    await engine.deploy([{ name: 'later-form.form', content: JSON.stringify(form) }], { by: 'owner' });
    const started = await engine.start('later-form-proc', { by: staff });
    await expectError(engine.complete(started.tasks[0].id, { by: staff, variables: {} }), 'VALIDATION_FAILED');
    expect((await t.db('tasks').where({ id: started.tasks[0].id }).first()).status).to.equal('open');
    const done = await engine.complete(started.tasks[0].id, { by: staff, variables: { opinion: '同意' } });
    expect(done.instance.status).to.equal('completed');
  });
});
