import { expect } from 'chai';
import type { ComplianceReport } from '../../src/domain/supervision/report.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Changes to the monitors themselves in the compliance report (issue 18, item 4): every change of a
 * monitoring rule (Art. 13) and of the appraisal scheme (Art. 4) in the period shows who proposed,
 * who decided, when and what changed; a rule or scheme in force that no second person approved as
 * it stands makes the article 不符合 with the evidence — never 符合.
 */
describe('compliance report: changes of monitoring rules and of the appraisal scheme, four eyes checked (issue 18, item 4)', () => {
  let s: TestServer;
  let sup: Client;
  let sup2: Client;
  let discipline: Client;

  const article = async (n: number) => {
    const res = await sup.get('/api/compliance/report?from=2026-12-01&to=2026-12-31');
    expect(res.status, res.text).to.equal(200);
    const a = (res.body as ComplianceReport).articles.find((x) => x.article === n)!;
    return { status: a.status, texts: a.findings.map((f) => `${f.status}:${f.text}`) };
  };
  const rule = { kind: 'too-fast', name: '决定用时过短', processKey: 'penalty-case', elementId: 'Task_Decide', params: { minSeconds: 120 }, reason: '处罚决定为高风险点' };

  before(async () => {
    s = await startServer({ procedures: true });
    [sup, sup2, discipline] = await Promise.all(['supervisor', 'supervisor2', 'discipline'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('Given no change of the monitors, Art. 13 and Art. 4 say so (checked, nothing to show)', async () => {
    expect((await article(13)).texts).to.include('info:本期监察规则没有变更');
    expect((await article(4)).texts).to.include('info:本期考核评分方案没有变更');
  });

  let ruleId = '';

  it('Given a rule created and a change rejected by the discipline committee, Art. 13 lists both with proposer, decider, dates and the difference', async () => {
    const created = await sup.post('/api/monitoring-rules', rule);
    ruleId = created.body.ruleId;
    expect((await discipline.post(`/api/monitoring-rule-changes/${created.body.changeId}/approve`, { comment: '同意' })).status).to.equal(200);
    const changed = await sup2.request('PUT', `/api/monitoring-rules/${ruleId}`, { params: { minSeconds: 5 }, level: 'red', reason: '放宽标准' });
    expect((await discipline.post(`/api/monitoring-rule-changes/${changed.body.changeId}/reject`, { comment: '过宽' })).status).to.equal(200);
    const a = await article(13);
    expect(a.status).to.not.equal('attention');
    expect(a.texts).to.include('ok:监察规则变更“决定用时过短”新建（办理用时过短；适用 penalty-case / Task_Decide；黄色；最短用时（秒） 120，回溯天数 30）：刘清 于 2026-12-01 提出（理由：处罚决定为高风险点）；郑纪 于 2026-12-01 批准（同意）');
    expect(a.texts).to.include('info:监察规则变更“决定用时过短”修改（级别 黄色→红色；最短用时（秒） 120→5）：何静 于 2026-12-01 提出（理由：放宽标准）；郑纪 于 2026-12-01 驳回（过宽）');
  });

  it('Given a scheme change approved by a second person, Art. 4 lists it with the weights before → after and the version it made', async () => {
    const proposed = await sup.post('/api/appraisal/scheme/changes', { weights: { warnings: 25, complaints: 5 }, reason: '突出预警纠错' });
    expect(proposed.status, proposed.text).to.equal(202);
    expect((await discipline.post(`/api/appraisal/scheme/changes/${proposed.body.changeId}/approve`, {})).status).to.equal(200);
    const a = await article(4);
    expect(a.status).to.not.equal('attention');
    expect(a.texts).to.include('ok:考核评分方案变更（权重：电子监察预警 20→25；投诉举报查实 10→5）：刘清 于 2026-12-01 提出（理由：突出预警纠错）；郑纪 于 2026-12-01 批准，形成第 1 版');
  });

  it('Given a rule edited in the database around the procedure, Art. 13 is 不符合 naming the rule, its version and why', async () => {
    await s.db('monitoring_rules').where({ id: ruleId }).update({ params: JSON.stringify({ minSeconds: 1, lookbackDays: 30 }) });
    const a = await article(13);
    expect(a.status).to.equal('attention');
    expect(a.texts.filter((t) => t.startsWith('attention:'))).to.deep.equal(['attention:不符合：监察规则“决定用时过短”第 1 版（2026-12-01 生效）未经第二人审批：现行内容与批准的内容不一致（记载提出人 刘清，审批人 郑纪）']);
  });

  it('Given a rule change approved by its own proposer (constructed), Art. 13 is 不符合: 由提出人本人审批', async () => {
    const row = await s.db('monitoring_rules').where({ id: ruleId }).first();
    await s.db('monitoring_rule_changes').where({ id: row.change_id }).update({ decided_by: 'supervisor' });
    await s.db('monitoring_rules').where({ id: ruleId }).update({ params: JSON.stringify({ minSeconds: 120, lookbackDays: 30 }), approved_by: 'supervisor' });
    const a = await article(13);
    expect(a.texts.filter((t) => t.startsWith('attention:'))).to.deep.equal(['attention:不符合：监察规则“决定用时过短”第 1 版（2026-12-01 生效）未经第二人审批：由提出人本人审批（记载提出人 刘清，审批人 刘清）']);
  });

  it('Given a scheme version written without any approval, Art. 4 is 不符合 with the version, date and who', async () => {
    await s.db('appraisal_schemes').insert({ version: 2, scheme: JSON.stringify({ weights: { powerOnTime: 100, internalOnTime: 0, warnings: 0, rectification: 0, logins: 0, dataQuality: 0, complaints: 0 } }), created_at: s.clock.now(), requested_by: 'supervisor', approved_by: 'supervisor', change_id: 'none' });
    const a = await article(4);
    expect(a.status).to.equal('attention');
    expect(a.texts.filter((t) => t.startsWith('attention:'))).to.deep.equal(['attention:不符合：考核评分方案第 2 版（2026-12-01 生效）未经第二人审批：没有对应的变更审批（记载提出人 刘清，审批人 刘清）']);
  });
});
