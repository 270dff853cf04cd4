import { expect } from 'chai';
import { scanMonitoringRules } from '../../src/domain/supervision/rule-scan.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Changing a monitoring rule needs a second person outside the acting officer (issue 18, items 2
 * and 4): a supervision officer's change is only a proposal; a member of the discipline committee
 * other than the proposer decides it in monitoring-rule-change.bpmn. A lone officer is refused with
 * a stable code and nothing changes; every proposal and decision is in the audit trail.
 */
describe('monitoring rules: a lone supervision officer cannot change the rule library (issue 18, items 2 and 4)', () => {
  let s: TestServer;
  let sup: Client;
  let sup2: Client;
  let discipline: Client;
  let staff: Client;

  const snapshot = async () => ({
    rules: await s.db('monitoring_rules').orderBy('id').select('id', 'version', 'params', 'enabled', 'level'),
    changes: await s.db('monitoring_rule_changes').orderBy('id').select('id', 'status'),
    approvals: Number((await s.db('process_instances').where({ process_key: 'monitoring-rule-change' }).count({ n: '*' }).first())!.n),
  });
  const audit = async (action: string) => s.db('audit_log').where({ action }).orderBy('seq');
  const rule = { kind: 'too-fast', name: '决定用时过短', processKey: 'penalty-case', elementId: 'Task_Decide', params: { minSeconds: 120 }, reason: '处罚决定为高风险点，须防止未经审阅即签批' };

  before(async () => {
    s = await startServer({ procedures: true });
    [sup, sup2, discipline, staff] = await Promise.all(['supervisor', 'supervisor2', 'discipline', 'staff'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('refuses anyone outside supervision proposing a rule (403 FORBIDDEN, nothing changed)', async () => {
    const before = await snapshot();
    const res = await staff.post('/api/monitoring-rules', rule);
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('FORBIDDEN');
    expect(await snapshot()).to.deep.equal(before);
  });

  it('refuses a rule that watches nothing or has bad parameters (400 INVALID_RULE per field, nothing changed)', async () => {
    const before = await snapshot();
    const res = await sup.post('/api/monitoring-rules', { ...rule, processKey: 'penalty-case', elementId: 'Task_Nowhere', params: { minSeconds: -3 } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('INVALID_RULE');
    expect(res.body.error.details).to.have.property('params.minSeconds');
    const unknownStep = await sup.post('/api/monitoring-rules', { ...rule, elementId: 'Task_Nowhere' });
    expect(unknownStep.body.error.code).to.equal('INVALID_RULE');
    expect(await snapshot()).to.deep.equal(before);
  });

  let ruleId = '';
  let changeId = '';

  it('Given an officer proposes a rule, it is pending: the library does not have it and the scan does not run it', async () => {
    const res = await sup.post('/api/monitoring-rules', rule);
    expect(res.status, res.text).to.equal(202);
    expect(res.body).to.include({ status: 'pending', action: 'create' });
    ({ ruleId, changeId } = res.body);
    expect((await sup.get('/api/monitoring-rules')).body.items).to.deep.equal([]);
    expect((await audit('monitoring-rule.create-requested')).map((a: any) => a.actor)).to.deep.equal(['supervisor']);
  });

  it('the proposer cannot approve their own change, nor can another supervision officer (403, nothing changed)', async () => {
    const before = await snapshot();
    for (const c of [sup, sup2]) {
      const res = await c.post(`/api/monitoring-rule-changes/${changeId}/approve`, { comment: '同意' });
      expect(res.status, res.text).to.equal(403);
      expect(res.body.error.code).to.match(/NOT_CANDIDATE|FORBIDDEN/);
    }
    expect(await snapshot()).to.deep.equal(before);
  });

  it('a lone officer cannot start the approval procedure itself (403, nothing changed)', async () => {
    const before = await snapshot();
    const res = await sup.post('/api/process-definitions/monitoring-rule-change/start', { variables: { changeId, requestedBy: 'supervisor2' } });
    expect(res.status).to.equal(403);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('an officer who also sits on the discipline committee still cannot approve their own change (403 SEPARATION_OF_DUTIES, nothing changed)', async () => {
    await s.db('memberships').insert({ user_id: 'supervisor', group_id: 'discipline-committee', granted_at: s.clock.now(), granted_by: 'test' });
    const both = await s.login('supervisor');
    try {
      const before = await snapshot();
      const res = await both.post(`/api/monitoring-rule-changes/${changeId}/approve`, { comment: '同意' });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('SEPARATION_OF_DUTIES');
      expect(await snapshot()).to.deep.equal(before);
    } finally {
      await s.db('memberships').where({ user_id: 'supervisor', group_id: 'discipline-committee' }).del();
    }
  });

  it('the discipline committee approves: the rule is in force (version 1), and the decision is audited twice (request and effect)', async () => {
    const res = await discipline.post(`/api/monitoring-rule-changes/${changeId}/approve`, { comment: '同意，自即日起执行' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ status: 'approved', decidedBy: 'discipline' });
    const lib = (await sup.get('/api/monitoring-rules')).body.items;
    expect(lib).to.have.length(1);
    expect(lib[0]).to.include({ id: ruleId, version: 1, enabled: true, requestedBy: 'supervisor', approvedBy: 'discipline', kindName: '办理用时过短' });
    expect(lib[0].params).to.deep.equal({ minSeconds: 120, lookbackDays: 30 });
    expect((await audit('monitoring-rule-change.approve')).map((a: any) => a.actor)).to.deep.equal(['discipline']);
    expect((await audit('monitoring-rule.change-approved')).map((a: any) => a.actor)).to.deep.equal(['discipline']);
    const again = await discipline.post(`/api/monitoring-rule-changes/${changeId}/approve`, {});
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('RULE_CHANGE_DECIDED');
  });

  it('a change to a rule is pending until decided; a second change meanwhile is 409 RULE_CHANGE_PENDING; rejected, the rule stays as it was', async () => {
    const res = await sup2.request('PUT', `/api/monitoring-rules/${ruleId}`, { params: { minSeconds: 5 }, reason: '放宽标准' });
    expect(res.status, res.text).to.equal(202);
    const before = await snapshot();
    const second = await sup.request('PUT', `/api/monitoring-rules/${ruleId}`, { enabled: false, reason: '停用' });
    expect(second.status).to.equal(409);
    expect(second.body.error.code).to.equal('RULE_CHANGE_PENDING');
    expect(await snapshot()).to.deep.equal(before);
    const rejected = await discipline.post(`/api/monitoring-rule-changes/${res.body.changeId}/reject`, { comment: '5 秒过宽，起不到监察作用' });
    expect(rejected.status, rejected.text).to.equal(200);
    expect(rejected.body.status).to.equal('rejected');
    const lib = (await sup.get('/api/monitoring-rules')).body.items;
    expect(lib[0]).to.include({ version: 1 });
    expect(lib[0].params.minSeconds).to.equal(120);
  });

  it('disabling needs the second person too; once approved the scan no longer runs the rule', async () => {
    const res = await sup.request('PUT', `/api/monitoring-rules/${ruleId}`, { enabled: false, reason: '与新规则重复' });
    expect(res.status).to.equal(202);
    expect((await scanMonitoringRules(s.db, s.engine.calendar, s.clock.now())).rules).to.equal(1);
    expect((await discipline.post(`/api/monitoring-rule-changes/${res.body.changeId}/approve`, {})).status).to.equal(200);
    expect((await sup.get('/api/monitoring-rules')).body.items[0]).to.include({ version: 2, enabled: false });
    expect((await scanMonitoringRules(s.db, s.engine.calendar, s.clock.now())).rules).to.equal(0);
  });

  it('lists changes, warnings and the per-unit / per-rule summary to supervision and the discipline committee only', async () => {
    expect((await discipline.get('/api/monitoring-rule-changes?status=approved')).body.items).to.have.length(2);
    expect((await sup.get('/api/rule-warnings')).status).to.equal(200);
    expect((await sup.get('/api/rule-warnings/summary')).body).to.have.keys('byUnit', 'byRule');
    expect((await staff.get('/api/rule-warnings/summary')).status).to.equal(403);
    expect((await staff.get('/api/monitoring-rules')).status).to.equal(403);
  });
});
