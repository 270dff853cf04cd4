import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { root } from '../helpers/procedures.ts';

/**
 * 廉政风险点 (issue 18, item 1): risk points are camunda extension properties on flow nodes,
 * read at deploy, listed by GET /api/process-definitions/:key, linted for power flows, and
 * versioned with the process (a change is a deployment proposal approved by a second person).
 */
const props = (entries: Record<string, string>) =>
  `<bpmn:extensionElements><camunda:properties>${Object.entries(entries)
    .map(([n, v]) => `<camunda:property name="${n}" value="${v}" />`)
    .join('')}</camunda:properties></bpmn:extensionElements>`;

const powerFlow = (key: string, tasks: Array<{ id: string; risk: Record<string, string> }>, power = true) =>
  process(
    key,
    `${power ? props({ powerFlow: 'true' }) : ''}
  <bpmn:startEvent id="start" name="开始" />
  ${tasks
    .map((t, i) => `${flow(`f${i}`, i ? tasks[i - 1].id : 'start', t.id)}
  <bpmn:userTask id="${t.id}" name="办理${i}" camunda:candidateGroups="staff">${props(t.risk)}</bpmn:userTask>`)
    .join('\n')}
  ${flow('fEnd', tasks[tasks.length - 1].id, 'end')}
  <bpmn:endEvent id="end" name="结束" />
`,
  );

const high = { riskLevel: '高', riskDescription: '滥用裁量权', riskMeasures: '集体讨论' };

async function counts(s: TestServer) {
  const n = async (table: string) => Number((await s.db(table).count({ n: '*' }).first())!.n);
  return { definitions: await n('process_definitions'), proposals: await n('deployment_proposals'), audit: await n('audit_log') };
}

describe('廉政风险点: risk points on power flows (issue 18, item 1)', () => {
  let s: TestServer;
  let owner: Client;
  let leader: Client;
  let staff: Client;

  before(async () => {
    s = await startServer({ procedures: true });
    [owner, leader, staff] = await Promise.all(['owner', 'leader', 'staff'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('Given the shipped penalty procedure, its definition lists every risk point with level, description and measures', async () => {
    const res = await staff.get('/api/process-definitions/penalty-case');
    expect(res.status).to.equal(200);
    const byId = Object.fromEntries(res.body.riskPoints.map((p: any) => [p.elementId, p]));
    expect(byId.Task_Decide).to.include({ level: 'high', elementName: '处罚决定' });
    expect(byId.Task_Decide.description).to.contain('自由裁量');
    expect(byId.Task_Decide.measures).to.contain('裁量基准');
    expect(byId.Task_Decide.rules).to.deep.equal(['discretion-edge', 'after-hours']);
    expect(byId.Task_Filing.level).to.equal('medium');
    expect(byId.Task_Serve.level).to.equal('low');
    // every user task of the penalty flow carries a risk point
    expect(res.body.riskPoints).to.have.length(9);
    for (const p of res.body.riskPoints) expect(['high', 'medium', 'low']).to.include(p.level);
  });

  it('Given the shipped power-case procedure, a task assessed as 无 is not a risk point but the flow deploys', async () => {
    const res = await staff.get('/api/process-definitions/power-case');
    expect(res.body.riskPoints.map((p: any) => `${p.elementId}:${p.level}`)).to.deep.equal(['Task_Review:medium', 'Task_Decide:high', 'Task_Deliver:low']);
  });

  it('refuses a power flow with a user task without a risk assessment (400 DEPLOYMENT_INVALID), nothing changed', async () => {
    const was = await counts(s);
    const bpmn = powerFlow('risk-missing', [{ id: 'a', risk: high }, { id: 'b', risk: {} }]);
    const res = await owner.post('/api/deployments', { files: [{ name: 'risk-missing.bpmn', content: bpmn }] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('DEPLOYMENT_INVALID');
    expect(res.body.error.details.map((d: any) => d.element)).to.deep.equal(['b']);
    expect(res.body.error.details[0].message).to.contain('没有廉政风险评估');
    expect(await counts(s)).to.deep.equal(was);
  });

  it('refuses an unknown level and a high risk point without measures, listing both; nothing changed', async () => {
    const was = await counts(s);
    const bpmn = powerFlow('risk-bad', [
      { id: 'a', risk: { riskLevel: '极高', riskDescription: 'x', riskMeasures: 'y' } },
      { id: 'b', risk: { riskLevel: 'high', riskDescription: '越权审批' } },
    ]);
    const res = await owner.post('/api/deployments', { files: [{ name: 'risk-bad.bpmn', content: bpmn }] });
    expect(res.status).to.equal(400);
    const messages = res.body.error.details.map((d: any) => `${d.element}:${d.message}`);
    expect(messages).to.have.length(2);
    expect(messages[0]).to.match(/^a:.*"极高" 无效/);
    expect(messages[1]).to.match(/^b:.*没有防控措施/);
    expect(await counts(s)).to.deep.equal(was);
  });

  it('accepts a process that is not a power flow without risk assessments, and a power flow assessed 无 on a task', async () => {
    const plain = powerFlow('risk-plain', [{ id: 'a', risk: {} }], false);
    const assessed = powerFlow('risk-ok', [{ id: 'a', risk: high }, { id: 'b', risk: { riskLevel: '无' } }]);
    const res = await owner.post('/api/deployments', { files: [{ name: 'risk-plain.bpmn', content: plain }, { name: 'risk-ok.bpmn', content: assessed }] });
    expect(res.status).to.equal(202);
    expect((await leader.post(`/api/deployments/${res.body.id}/approve`, { comment: '同意' })).status).to.equal(200);
    expect((await staff.get('/api/process-definitions/risk-plain')).body.riskPoints).to.deep.equal([]);
    const ok = (await staff.get('/api/process-definitions/risk-ok')).body.riskPoints;
    expect(ok).to.deep.equal([{ elementId: 'a', elementName: '办理0', level: 'high', description: '滥用裁量权', measures: '集体讨论', rules: [] }]);
  });

  it('Given a changed risk point, it is a process change: pending until a leader approves, then the new version lists it', async () => {
    const lowered = powerFlow('risk-ok', [{ id: 'a', risk: { ...high, riskLevel: '低' } }, { id: 'b', risk: { riskLevel: '无' } }]);
    const res = await owner.post('/api/deployments', { files: [{ name: 'risk-ok.bpmn', content: lowered }] });
    expect(res.status).to.equal(202);
    // Then before approval the running version still shows the high risk point
    expect((await staff.get('/api/process-definitions/risk-ok')).body.riskPoints[0].level).to.equal('high');
    // and the proposer cannot approve it alone
    expect((await owner.post(`/api/deployments/${res.body.id}/approve`, {})).status).to.equal(403);
    expect((await leader.post(`/api/deployments/${res.body.id}/approve`, { comment: '同意' })).status).to.equal(200);
    const after = await staff.get('/api/process-definitions/risk-ok');
    expect(after.body.latest.version).to.equal(2);
    expect(after.body.riskPoints[0].level).to.equal('low');
  });

  it('survives a bpmn-moddle round trip (what the modeler does on save)', async () => {
    const moddle = new BpmnModdle({ camunda });
    const xml = fs.readFileSync(path.join(root, 'processes', 'penalty-case.bpmn'), 'utf8');
    const { rootElement } = await moddle.fromXML(xml);
    const { xml: again } = await moddle.toXML(rootElement);
    const res = await owner.post('/api/deployments', { files: [{ name: 'penalty-case.bpmn', content: again }] });
    // An unchanged model, re-serialised, passes every check (200 unchanged or 202 proposal), never 400.
    expect([200, 202]).to.include(res.status);
    expect(again).to.contain('name="riskLevel" value="高"');
    expect(again).to.contain('name="powerFlow" value="true"');
  });
});
