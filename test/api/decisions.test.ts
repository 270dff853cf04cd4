import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { decisionTable, dmn } from '../helpers/dmn.ts';

const table = (threshold: number) =>
  dmn(
    decisionTable({
      id: 'api-level',
      name: '审批层级',
      hitPolicy: 'FIRST',
      inputs: ['amount'],
      outputs: ['level'],
      rules: [
        { in: [`>= ${threshold}`], out: ['"领导"'] },
        { in: ['-'], out: ['"科室"'] },
      ],
    }),
  );
const bpmn = process(
  'api-dmn',
  `<bpmn:startEvent id="start" />${flow('f1', 'start', 'decide')}
  <bpmn:businessRuleTask id="decide" name="定层级" camunda:decisionRef="api-level" camunda:resultVariable="level" camunda:mapDecisionResult="singleEntry" />
  ${flow('f2', 'decide', 'review')}<bpmn:userTask id="review" name="审核" camunda:candidateGroups="staff" />${flow('f3', 'review', 'end')}<bpmn:endEvent id="end" />`,
);

describe('API: DMN decision tables deploy with the four-eyes approval and are listed', () => {
  let s: TestServer;
  let owner: Client;
  let leader: Client;
  let staff: Client;

  before(async () => {
    s = await startServer();
    owner = await s.login('owner');
    leader = await s.login('leader');
    staff = await s.login('staff');
  });
  after(async () => {
    await s.close();
  });

  it('a .dmn file proposed with its process is not usable until a leader approves; then it is listed, served and decides', async () => {
    // Given a process owner proposes a decision table and the process that uses it
    const res = await owner.post('/api/deployments', { name: '审批层级', files: [{ name: 'api-level.dmn', content: table(10000) }, { name: 'api-dmn.bpmn', content: bpmn }] });
    expect(res.status).to.equal(202);
    expect(res.body.items.map((i: any) => `${i.kind}:${i.key}:${i.version}`).sort()).to.deep.equal(['decision:api-level:1', 'process:api-dmn:1']);
    // Then nothing of it exists yet
    expect((await owner.get('/api/decision-definitions')).body.items).to.deep.equal([]);
    expect((await owner.get('/api/decision-definitions/api-level')).body.error.code).to.equal('DECISION_NOT_FOUND');
    // And the approver sees the DMN file in the proposal
    const shown = await leader.get(`/api/deployments/${res.body.id}`);
    expect(shown.body.files.find((f: any) => f.kind === 'decision')).to.include({ key: 'api-level', version: 1, previous: null });
    // When a leader approves
    expect((await leader.post(`/api/deployments/${res.body.id}/approve`, { comment: '同意' })).body.status).to.equal('active');
    // Then the decision is listed with its table and served as DMN
    const list = await staff.get('/api/decision-definitions');
    expect(list.status).to.equal(200);
    expect(list.body.items).to.have.length(1);
    expect(list.body.items[0]).to.deep.include({ key: 'api-level', name: '审批层级', version: 1, hitPolicy: 'FIRST', rules: 2, resourceName: 'api-level.dmn' });
    const xml = await staff.get('/api/decision-definitions/api-level/xml');
    expect(xml.status).to.equal(200);
    expect(xml.text).to.contain('api-level');
    // And an instance started through the API decides, visibly in its history
    const started = await staff.post('/api/process-definitions/api-dmn/start', { variables: { amount: 20000 } });
    expect(started.status).to.equal(201);
    const id = started.body.instance?.id ?? started.body.id;
    for (let i = 0; i < 5 && (await s.engine.jobsOf(id)).length; i++) await s.engine.jobs.runDue();
    const inst = await staff.get(`/api/process-instances/${id}`);
    expect(inst.body.variables.level).to.equal('领导');
    const h = inst.body.history.find((x: any) => x.type === 'decision.evaluated');
    expect(h.data).to.include({ decisionId: 'api-level', version: 1, result: '领导' });
    expect(inst.body.tasks.map((t: any) => t.elementId)).to.deep.equal(['review']);
  });

  it('a changed table is version 2 after approval; the proposal shows the previous file', async () => {
    const res = await owner.post('/api/deployments', { files: [{ name: 'api-level.dmn', content: table(50000) }] });
    expect(res.status).to.equal(202);
    const shown = await leader.get(`/api/deployments/${res.body.id}`);
    expect(shown.body.files[0].previous).to.contain('&gt;= 10000');
    await leader.post(`/api/deployments/${res.body.id}/approve`, { comment: '同意' });
    const one = await staff.get('/api/decision-definitions/api-level');
    expect(one.body.versions.map((v: any) => v.version)).to.deep.equal([2, 1]);
    expect((await staff.get('/api/decision-definitions/api-level/xml?version=1')).text).to.contain('10000');
  });

  it('refuses a process naming an unknown decision (400, the element named) and a broken table; nothing is proposed', async () => {
    const before = await s.db('deployment_proposals').count({ n: '*' }).first();
    const res = await owner.post('/api/deployments', { files: [{ name: 'x.bpmn', content: bpmn.replaceAll('api-dmn', 'api-x').replace('"api-level"', '"nope"') }, { name: 'bad.dmn', content: '<definitions' }] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    const text = JSON.stringify(res.body.error.details);
    expect(text).to.contain('decide').and.contain('nope').and.contain('bad.dmn');
    expect(await s.db('deployment_proposals').count({ n: '*' }).first()).to.deep.equal(before);
  });
});
