import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { applyForm, approveForm } from './fixtures.ts';

/**
 * The process-declared CC list (issue 13, item 7): `ccUsers`/`ccGroups` in camunda:properties copy
 * the case at start (on the process) or when a step completes (on a user task), into the copied
 * people's 抄送我的, in the step's transaction; the applicant is never copied to their own case.
 */
const props = (p: Record<string, string>) =>
  `<bpmn:extensionElements><camunda:properties>${Object.entries(p).map(([k, v]) => `<camunda:property name="${k}" value="${v}" />`).join('')}</camunda:properties></bpmn:extensionElements>`;

const ccBpmn = process(
  'api-cc-declared',
  `
  ${props({ ccUsers: 'supervisor2, staff, nobody' })}
  <bpmn:startEvent id="start" name="提出申请" camunda:formKey="api-cc-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Legal')}
  <bpmn:userTask id="Task_Legal" name="法律审核" camunda:candidateGroups="legal" camunda:formKey="api-cc-approve">${props({ ccGroups: 'leaders' })}</bpmn:userTask>
  ${flow('f2', 'Task_Legal', 'Task_Head')}
  <bpmn:userTask id="Task_Head" name="负责人审核" camunda:candidateGroups="unit-heads" camunda:formKey="api-cc-approve" />
  ${flow('f3', 'Task_Head', 'end')}
  <bpmn:endEvent id="end" name="结束" />
`,
);

describe('API: the process-declared CC list (ccUsers, ccGroups)', () => {
  let s: TestServer;
  let staff: Client;
  let legal: Client;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, [
      { name: 'api-cc-apply.form', content: applyForm },
      { name: 'api-cc-approve.form', content: approveForm },
      { name: 'api-cc-declared.bpmn', content: ccBpmn },
    ]);
    [staff, legal] = await Promise.all(['staff', 'legal'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  const ccOf = async (user: string, instanceId: string) => ((await (await s.login(user)).get('/api/cc')).body.items as Array<{ instanceId: string; by: string; comment: string }>).filter((c) => c.instanceId === instanceId);

  it('copies the case to the process’s people at start and to the task’s group when the step completes', async () => {
    // Given 张明 starts a case whose process copies 何静 (and names himself and an unknown user)
    const started = await staff.post('/api/process-definitions/api-cc-declared/start', { variables: { title: '调整值班表', amount: 1 } });
    expect(started.status).to.equal(201);
    const id = started.body.id as string;

    // Then 何静 finds it in 抄送我的 at once, copied by the process; the applicant and nobody else are not copied
    const mine = await ccOf('supervisor2', id);
    expect(mine).to.have.length(1);
    expect(mine[0].by).to.equal('system');
    expect(mine[0].comment).to.contain('发起时抄送');
    expect(await ccOf('staff', id)).to.deep.equal([]);
    expect(await ccOf('leader', id)).to.deep.equal([]);
    // And she is told, naming the case number and subject
    const { caseNumber } = (await staff.get(`/api/process-instances/${id}`)).body;
    const told = await s.db('notifications').where({ user_id: 'supervisor2', kind: 'case.cc', instance_id: id });
    expect(told).to.have.length(1);
    expect(told[0].title).to.contain(caseNumber);
    expect(told[0].body).to.contain('调整值班表');

    // When legal completes 法律审核, which copies the leaders
    const task = (await legal.get(`/api/tasks?instance=${id}&candidate=me`)).body.items[0];
    const done = await legal.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
    expect(done.status).to.equal(200);

    // Then both leaders have it, naming the step, and may open the case; history records the copies
    for (const leader of ['leader', 'leader2']) {
      const copies = await ccOf(leader, id);
      expect(copies).to.have.length(1);
      expect(copies[0].comment).to.contain('法律审核');
      expect((await (await s.login(leader)).get(`/api/process-instances/${id}`)).status).to.equal(200);
    }
    expect(await s.db('notifications').where({ kind: 'case.cc', instance_id: id }).whereIn('user_id', ['leader', 'leader2'])).to.have.length(2);
    const rows = await s.db('history').where({ instance_id: id, type: 'case.cc' });
    expect(rows).to.have.length(2);
    expect(Number((await s.db('case_cc').where({ instance_id: id }).count({ n: '*' }).first())!.n)).to.equal(3);
  });
});
