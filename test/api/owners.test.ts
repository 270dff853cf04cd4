import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

/** Issue 12, item 3: no task is left without someone who can act on it. */

describe('API: no stranded work (unowned tasks, unknown groups and users)', () => {
  let s: TestServer;
  let owner: Client;
  let leader: Client;

  before(async () => {
    s = await startServer();
    owner = await s.login('owner');
    leader = await s.login('leader');
  });
  after(async () => {
    await s.close();
  });

  const counts = async () => ({
    definitions: (await s.db('process_definitions').count({ n: '*' }).first())!.n,
    proposals: (await s.db('deployment_proposals').count({ n: '*' }).first())!.n,
  });

  it('Given a user task with no assignee and no candidates, when deployed and started, then the process owners get it and the note says so', async () => {
    const xml = process('unowned', `<bpmn:startEvent id="s" />${flow('f1', 's', 't')}${userTask('t', '无人任务')}${flow('f2', 't', 'e')}<bpmn:endEvent id="e" />`);
    const res = await owner.post('/api/deployments', { files: [{ name: 'unowned.bpmn', content: xml }] });
    expect(res.status).to.equal(202);
    expect(res.body.notes.map((n: any) => n.message).join('\n')).to.match(/t（无人任务） 没有办理人或候选人，交给流程管理员（process-owners）办理/);
    expect((await leader.post(`/api/deployments/${res.body.id}/approve`, {})).status).to.equal(200);

    const started = await owner.post('/api/process-definitions/unowned/start', {});
    expect(started.status).to.equal(201);
    const task = started.body.tasks[0];
    expect(task.candidateGroups).to.deep.equal(['process-owners']);
    const done = await owner.post(`/api/tasks/${task.id}/complete`, {});
    expect(done.status).to.equal(200);
    expect(done.body.instance.status).to.equal('completed');
  });

  it('Given a defaultCandidateGroup property, when a task has no candidates, then that group gets it', async () => {
    const xml = process(
      'unowned-legal',
      `<bpmn:extensionElements><camunda:properties><camunda:property name="defaultCandidateGroup" value="legal" /></camunda:properties></bpmn:extensionElements>
      <bpmn:startEvent id="s" />${flow('f1', 's', 't')}${userTask('t', '审核')}${flow('f2', 't', 'e')}<bpmn:endEvent id="e" />`,
    );
    const res = await owner.post('/api/deployments', { files: [{ name: 'unowned-legal.bpmn', content: xml }] });
    expect(res.status).to.equal(202);
    expect(res.body.notes.map((n: any) => n.message).join('\n')).to.match(/交给流程的默认候选组 legal/);
  });

  it('Given candidate groups and users missing from the organisation, when deployed, then 400 names each with the closest id and nothing is stored', async () => {
    const before = await counts();
    const xml = process(
      'typos',
      `<bpmn:startEvent id="s" />${flow('f1', 's', 't1')}
      ${userTask('t1', '报修', 'camunda:candidateGroups="infocentre,staff"')}${flow('f2', 't1', 't2')}
      ${userTask('t2', '复核', 'camunda:candidateUsers="staf2" camunda:candidateGroups="${unitGroup}"')}${flow('f3', 't2', 't3')}
      ${userTask('t3', '归档', 'camunda:candidateGroups="流程管理员"')}${flow('f4', 't3', 'e')}<bpmn:endEvent id="e" />`,
    );
    const res = await owner.post('/api/deployments', { files: [{ name: 'typos.bpmn', content: xml }] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    const of = (id: string) => res.body.error.details.filter((d: any) => d.element === id).map((d: any) => d.message).join(' | ');
    expect(of('t1')).to.match(/组 "infocentre" 在组织机构中不存在，是否应为 "info-centre"/);
    expect(of('t1')).not.to.match(/staff/);
    expect(of('t2')).to.match(/用户 "staf2" 在组织机构中不存在，是否应为 "staff2"/);
    expect(of('t2')).not.to.match(/unitGroup/);
    expect(of('t3')).to.match(/"流程管理员".*是否应为 "process-owners"/);
    expect(await counts()).to.deep.equal(before);
  });
});
