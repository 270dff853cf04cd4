import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../src/domain/sign-ins.ts';
import { insertUser } from '../../src/store/org.ts';
import { deployViaApi, startServer, type TestServer } from '../helpers/api.ts';

/**
 * Issue 12: public files from other modelers deployed unchanged through the API and walked to their
 * end by the people they assign (sources and licences: test/fixtures/bpmn-corpus/README.md).
 */

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/bpmn-corpus');
const read = (f: string) => fs.readFileSync(path.join(CORPUS, f), 'utf8');

describe('API: public Flowable, Camunda 8 and standard-assignment files walked to the end', () => {
  let s: TestServer;
  const emails: Array<Record<string, unknown>> = [];

  before(async () => {
    s = await startServer({ handlers: { email: (ctx) => void emails.push(ctx.variables) } });
  });
  after(async () => {
    await s.close();
  });

  it('Given Flowable\'s one-task process (flowable:initiator, assignee ${initiator}, no isExecutable), when staff start it, then staff alone works the task', async () => {
    const res = await deployViaApi(s, [{ name: 'oneTaskProcess.bpmn20.xml', content: read('flowable-examples/blog__2022-02-flowable-spring-native__processes__oneTaskProcess.bpmn20.xml') }]);
    expect(res.notes.map((n: any) => n.message).join('\n')).to.match(/未声明 isExecutable/);
    const staff = await s.login('staff');
    const started = await staff.post('/api/process-definitions/oneTaskProcess/start', {});
    expect(started.status).to.equal(201);
    const task = started.body.tasks[0];
    expect(task).to.include({ assignee: 'staff', name: 'ALL HAIL THE HYPNOTOAD' });
    const other = await s.login('staff2');
    expect((await other.post(`/api/tasks/${task.id}/complete`, {})).status).to.equal(403);
    const done = await staff.post(`/api/tasks/${task.id}/complete`, {});
    expect(done.status).to.equal(200);
    expect(done.body.instance.status).to.equal('completed');
  });

  it('Given Camunda 8\'s send-email process (embedded zeebe form, job type "email"), when the process owner fills the form, then the registered "email" handler runs and the instance ends', async () => {
    await deployViaApi(s, [{ name: 'send-email.bpmn', content: read('camunda-platform-get-started/process__send-email.bpmn') }]);
    const owner = await s.login('owner');
    const started = await owner.post('/api/process-definitions/send-email/start', {});
    expect(started.status, started.text).to.equal(201);
    const task = started.body.tasks[0];
    expect(task, started.text).to.include({ formKey: 'send-email-userTaskForm_15j79nd' });
    expect(task.candidateGroups).to.deep.equal(['process-owners']);
    const missing = await owner.post(`/api/tasks/${task.id}/complete`, { variables: {} });
    expect(missing.status).to.equal(422);
    const done = await owner.post(`/api/tasks/${task.id}/complete`, { variables: { message_content: '您好' } });
    expect(done.status).to.equal(200);
    for (let i = 0; i < 10 && (await s.engine.jobs.runDue()) > 0; i++);
    expect(emails.at(-1)).to.include({ message_content: '您好' });
    const instance = await owner.get(`/api/process-instances/${started.body.id}`);
    expect(instance.body.status ?? instance.body.instance?.status, instance.text.slice(0, 300)).to.equal('completed');
  });

  it('Given Flowable\'s potentialOwner user(gonzo), user(kermit) test file, when the organisation has both, then kermit completes it and staff cannot', async () => {
    const now = s.clock.now();
    for (const [id, name] of [['gonzo', '冈佐'], ['kermit', '柯米']]) {
      await insertUser(s.db, { id, displayName: name, unitId: 'general-office', title: '工作人员', phone: null, status: 'active', createdAt: now, updatedAt: now });
      await s.auth.setPassword(id, DEMO_PASSWORD, { mustChange: false, by: 'system' });
    }
    await deployViaApi(s, [{ name: 'multipleCandidateUsers.bpmn20.xml', content: read('flowable-engine/TaskCandidateTest.testMultipleCandidateUsers.bpmn20.xml') }]);
    const staff = await s.login('staff');
    const started = await staff.post('/api/process-definitions/multipleCandidateUsersExample/start', {});
    expect(started.status, started.text).to.equal(201);
    expect(started.body.tasks).to.deep.equal([]); // the starter is not a candidate: nothing to show
    const kermit = await s.login('kermit');
    const inbox = await kermit.get('/api/tasks');
    const task = (inbox.body.items ?? inbox.body).find((t: any) => t.instanceId === started.body.id);
    expect(task.candidateUsers).to.deep.equal(['gonzo', 'kermit']);
    expect((await staff.post(`/api/tasks/${task.id}/complete`, {})).status).to.equal(403);
    const done = await kermit.post(`/api/tasks/${task.id}/complete`, {});
    expect(done.status).to.equal(200);
    expect(done.body.instance.status).to.equal('completed');
  });

  it('Given Flowable\'s vacation request (forms of its own project not deployed, assignee $INITIATOR, JUEL conditions), when staff start it with the generic form, then staff decide and the case ends', async () => {
    const res = await deployViaApi(s, [{ name: 'VacationRequest.bpmn20.xml', content: read('flowable-examples/spring-boot-example__processes__VacationRequest.bpmn20.xml') }]);
    expect(res.notes.map((n: any) => n.message).join('\n')).to.match(/handle-vacation-request.*尚不存在：已部署，任务暂以通用表单办理/);
    const staff = await s.login('staff');
    const started = await staff.post('/api/process-definitions/vacationRequest/start', { variables: { numberOfDays: 3, vacationMotivation: '探亲' } });
    expect(started.status, started.text).to.equal(201);
    const task = started.body.tasks[0];
    expect(task).to.include({ assignee: 'staff', name: 'Handle vacation request' });
    const detail = await staff.get(`/api/tasks/${task.id}`);
    expect(detail.status).to.equal(200);
    expect(detail.body.form ?? null).to.equal(null);
    const approved = await staff.post(`/api/tasks/${task.id}/complete`, { variables: { vacationApproved: 'Approve' } });
    expect(approved.status, approved.text).to.equal(200);
    // The manual task names nobody: it goes to the process owners (issue 12, item 3), who confirm it.
    const owner = await s.login('owner');
    const mail = (await owner.get('/api/tasks')).body.items.find((t: any) => t.instanceId === started.body.id);
    expect(mail).to.include({ name: 'Send confirmation e-mail' });
    const done = await owner.post(`/api/tasks/${mail.id}/complete`, {});
    expect(done.status, done.text).to.equal(200);
    expect(done.body.instance.status).to.equal('completed');
  });

  it('Given the OMG MIWG reference A.1.0 (isExecutable="false"), when deployed through the API, then it is listed as stored only, its XML downloads unchanged, and starting it answers 409', async () => {
    const content = read('bpmn-miwg-test-suite/Reference__A.1.0.bpmn');
    const res = await deployViaApi(s, [{ name: 'A.1.0.bpmn', content }]);
    expect(res.notes.map((n: any) => n.message).join('\n')).to.include('非可执行流程（isExecutable="false"）：已保存，不能发起');
    const key = res.items[0].key;
    const owner = await s.login('owner');
    const listed = (await owner.get('/api/process-definitions')).body.items.find((d: any) => d.key === key);
    expect(listed).to.include({ executable: false, canStart: false });
    const xml = await owner.get(`/api/process-definitions/${encodeURIComponent(key)}/xml`);
    expect(xml.status).to.equal(200);
    expect(xml.text).to.equal(content);
    const before = Number((await s.db('process_instances').count({ n: '*' }).first())!.n);
    const refused = await owner.post(`/api/process-definitions/${encodeURIComponent(key)}/start`, {});
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('PROCESS_NOT_EXECUTABLE');
    expect(refused.body.error.message).to.include('isExecutable="true"');
    expect(Number((await s.db('process_instances').count({ n: '*' }).first())!.n)).to.equal(before);
  });
});
