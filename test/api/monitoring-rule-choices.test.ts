import { expect } from 'chai';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Monitoring rules in the words of the process (issue 18): the modeler's pick-list of rules for a
 * 廉政风险点 (names, type, the watched step's name; never parameters) for process owners and the
 * overseers only, and the rule library naming each rule's step from the process version in force.
 */
describe('API: monitoring rules as a pick-list and with step names', () => {
  let s: TestServer;
  let owner: Client;
  let sup: Client;
  let staff: Client;
  let ruleId = '';

  before(async () => {
    s = await startServer({ procedures: true });
    [owner, sup, staff] = await Promise.all(['owner', 'supervisor', 'staff'].map((u) => s.login(u)));
    const discipline = await s.login('discipline');
    const proposed = await sup.post('/api/monitoring-rules', { kind: 'same-person', name: '立案与调查同一人', processKey: 'penalty-case', params: { elements: ['Task_Filing', 'Task_Investigate'] }, reason: '职责分离' });
    expect(proposed.status, proposed.text).to.equal(202);
    ruleId = proposed.body.ruleId;
    expect((await discipline.post(`/api/monitoring-rule-changes/${proposed.body.changeId}/approve`, {})).status).to.equal(200);
    const timed = await sup.post('/api/monitoring-rules', { kind: 'step-time-limit', name: '调查限时', processKey: 'penalty-case', elementId: 'Task_Investigate', params: { yellowWorkdays: 10, redWorkdays: 15 }, reason: '高风险环节' });
    expect((await discipline.post(`/api/monitoring-rule-changes/${timed.body.changeId}/approve`, {})).status).to.equal(200);
  });
  after(async () => {
    await s.close();
  });

  it('Given two rules of the penalty flow, a process owner gets them by name with the watched step’s name, and no parameters', async () => {
    const res = await owner.get('/api/monitoring-rule-choices?processKey=penalty-case');
    expect(res.status, res.text).to.equal(200);
    // Both rules were made at the same clock instant: their order is not part of the contract.
    expect(res.body.items.map((r: { name: string }) => r.name)).to.have.members(['立案与调查同一人', '调查限时']);
    const timedRule = res.body.items.find((r: { name: string }) => r.name === '调查限时');
    expect(timedRule).to.deep.equal({ id: timedRule.id, name: '调查限时', kind: 'step-time-limit', kindName: '高风险环节限时', processKey: 'penalty-case', elementId: 'Task_Investigate', elementName: '调查取证', enabled: true });
    expect(res.body.kinds).to.deep.include({ kind: 'same-person', name: '同一人连续审查' });
    expect((await owner.get('/api/monitoring-rule-choices?processKey=power-case')).body.items).to.deep.equal([]);
  });

  it('refuses anyone who neither marks risk points nor oversees (403 FORBIDDEN)', async () => {
    const res = await staff.get('/api/monitoring-rule-choices');
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('FORBIDDEN');
  });

  it('the rule library gives the step names of the watched processes (for the table), including a parameter’s steps', async () => {
    const res = await sup.get('/api/monitoring-rules');
    expect(res.status).to.equal(200);
    expect(res.body.items.find((r: { id: string }) => r.id === ruleId).params.elements).to.deep.equal(['Task_Filing', 'Task_Investigate']);
    expect(res.body.stepNames['penalty-case']).to.include({ Task_Filing: '立案审批', Task_Investigate: '调查取证' });
  });
});
