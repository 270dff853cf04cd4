import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { reviewFiles } from '../api/review-fixture.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { download, pdfPages } from '../helpers/pdf.ts';

const DAY = 86_400_000;

/** A power flow (权力运行流程): 政策法规处 reviews within one working day, the leader decides. */
const powerBpmn = process(
  'api-power',
  `
  <bpmn:extensionElements><camunda:properties><camunda:property name="powerFlow" value="true" /></camunda:properties></bpmn:extensionElements>
  <bpmn:startEvent id="start" name="受理" camunda:formKey="api-apply" />
  ${flow('f1', 'start', 'Task_Legal')}
  <bpmn:userTask id="Task_Legal" name="法制审核" camunda:candidateGroups="legal" camunda:formKey="api-approve" camunda:dueDate="P1D">
    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="riskLevel" value="中" /><camunda:property name="riskDescription" value="审核把关不严" /><camunda:property name="riskMeasures" value="法制审核意见留痕" />
    </camunda:properties></bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f2', 'Task_Legal', 'Task_Leader')}
  <bpmn:userTask id="Task_Leader" name="领导决定" camunda:candidateGroups="leaders" camunda:formKey="api-approve">
    <bpmn:extensionElements><camunda:properties><camunda:property name="riskLevel" value="无" /></camunda:properties></bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f3', 'Task_Leader', 'end')}
  <bpmn:endEvent id="end" name="办结" />
`,
);

/**
 * Scored appraisal (issue 18, item 7; Art. 4): the supervision office proposes a scoring scheme,
 * a second person of the discipline committee approves it (the proposer and other officers are
 * refused, nothing changes); the month's score sheets weigh on-time handling of power cases apart
 * from internal procedures, 预警 and their 督办 cards, returns of one's work and complaints found
 * true, each point lost with its evidence; CSV and PDF carry the same.
 */
describe('Scored appraisal: scheme under four eyes, score sheets with evidence', () => {
  let s: TestServer;
  let supervisor: Client;
  let supervisor2: Client;
  let discipline: Client;
  let legal: Client;
  let leader: Client;
  let staff: Client;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, [...reviewFiles, { name: 'api-power.bpmn', content: powerBpmn }]);
    [supervisor, supervisor2, discipline, legal, leader, staff] = await Promise.all(['supervisor', 'supervisor2', 'discipline', 'legal', 'leader', 'staff'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  const count = async (table: string) => Number((await s.db(table).count({ n: '*' }).first())!.n);

  it('changes the scheme only when a discipline committee member other than the proposer approves, audited', async () => {
    // Given the built-in scheme
    const initial = await supervisor.get('/api/appraisal/scheme');
    expect(initial.body).to.include({ version: 0 });
    expect(initial.body.weights).to.deep.equal({ powerOnTime: 30, internalOnTime: 10, warnings: 20, rectification: 15, logins: 10, dataQuality: 5, complaints: 10 });

    // When supervision proposes weights that do not add up to 100, or comes from outside supervision
    const bad = await supervisor.post('/api/appraisal/scheme/changes', { weights: { warnings: 30 }, reason: '加重预警' });
    const outsider = await legal.post('/api/appraisal/scheme/changes', { weights: { warnings: 25, complaints: 5 }, reason: '试试' });
    // Then both are refused and nothing is recorded
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('INVALID_SCHEME');
    expect(bad.body.error.details.weights).to.match(/之和应为 100/);
    expect(outsider.status).to.equal(403);
    expect(await count('appraisal_scheme_changes')).to.equal(0);

    // When 刘清 proposes heavier warnings and lighter complaints
    const proposed = await supervisor.post('/api/appraisal/scheme/changes', { weights: { warnings: 25, complaints: 5 }, deductions: { returned: 20 }, reason: '本年度突出预警纠错' });
    expect(proposed.status).to.equal(202);
    expect(proposed.body.summary).to.contain('电子监察预警 20→25').and.contain('每件退回扣分 10→20');
    // Then nothing changes yet; a second proposal waits its turn
    expect((await supervisor.get('/api/appraisal/scheme')).body).to.include({ version: 0 });
    expect((await supervisor.post('/api/appraisal/scheme/changes', { weights: { warnings: 20, complaints: 10 }, reason: '再改' })).body.error.code).to.equal('SCHEME_CHANGE_PENDING');

    // When the proposer and another supervision officer try to approve it
    const self = await supervisor.post(`/api/appraisal/scheme/changes/${proposed.body.changeId}/approve`, {});
    const colleague = await supervisor2.post(`/api/appraisal/scheme/changes/${proposed.body.changeId}/approve`, {});
    // Then both are refused and the scheme is unchanged
    expect(self.status).to.equal(403);
    expect(colleague.status).to.equal(403);
    expect((await supervisor.get('/api/appraisal/scheme')).body.version).to.equal(0);
    expect(await count('appraisal_schemes')).to.equal(0);

    // When 郑纪 of the discipline committee approves
    const approved = await discipline.post(`/api/appraisal/scheme/changes/${proposed.body.changeId}/approve`, { comment: '同意' });
    expect(approved.status).to.equal(200);
    expect(approved.body).to.include({ status: 'approved', decidedBy: 'discipline', requestedBy: 'supervisor' });
    // Then version 1 is in force, and the audit names who asked and who approved
    const now = (await supervisor.get('/api/appraisal/scheme')).body;
    expect(now).to.include({ version: 1, approvedBy: 'discipline' });
    expect(now.weights).to.include({ warnings: 25, complaints: 5 });
    expect(now.deductions).to.include({ returned: 20 });
    const audit = await s.db('audit_log').where({ action: 'appraisal-scheme.change-approved' });
    expect(audit).to.have.length(1);
    expect(JSON.parse(audit[0].after)).to.include({ requestedBy: 'supervisor', approvedBy: 'discipline', version: 1 });
  });

  it('scores the month per person and unit: power cases apart from internal ones, warnings, cards, returns and complaints, each with its evidence', async () => {
    const openTask = async (c: Client, id: string) => {
      const res = await c.get(`/api/tasks?instance=${id}&candidate=me`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.items[0];
    };
    // Given 赵法 reviewed two power cases, one on time and one after its one-day limit
    const onTime = await staff.post('/api/process-definitions/api-power/start', { variables: { title: '人防工程备案甲', amount: 1 } });
    expect(onTime.status, JSON.stringify(onTime.body)).to.equal(201);
    await legal.post(`/api/tasks/${(await openTask(legal, onTime.body.id)).id}/complete`, { variables: { decision: 'approve', comment: '符合' } });
    const late = await staff.post('/api/process-definitions/api-power/start', { variables: { title: '人防工程备案乙', amount: 2 } });
    s.clock.advance(4 * DAY);
    // (sessions lapse over four days: everyone signs in again)
    [supervisor, legal, leader, staff] = await Promise.all(['supervisor', 'legal', 'leader', 'staff'].map((u) => s.login(u)));
    await legal.post(`/api/tasks/${(await openTask(legal, late.body.id)).id}/complete`, { variables: { decision: 'approve', comment: '符合' } });
    // And the leader sent the late one back to 法制审核 (his work returned for rework)
    const leaderTask = await openTask(leader, late.body.id);
    const returned = await leader.post(`/api/tasks/${leaderTask.id}/return`, { targetElementId: 'Task_Legal', comment: '审核意见未写明依据' });
    expect(returned.status, JSON.stringify(returned.body)).to.equal(200);
    // And an internal request he reviewed on time
    const internal = await staff.post('/api/process-definitions/api-review/start', { variables: { title: '购置打印机', amount: 3 } });
    await legal.post(`/api/tasks/${(await openTask(legal, internal.body.id)).id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
    // And a 预警 naming him whose 督办 went unanswered to a 黄牌, and a complaint against his unit found true
    const at = s.clock.now();
    await s.db('rule_warnings').insert({ id: randomUUID(), rule_id: randomUUID(), rule_kind: 'returns', dedupe_key: `t:${randomUUID()}`, level: 'yellow', process_key: 'api-power', instance_id: late.body.id, unit_id: 'legal-office', people: JSON.stringify(['legal']), evidence: '{}', summary: '同一案件多次退回', stage: 'yellow-card', created_at: at, yellow_card_at: at + 1000 });
    await s.db('complaints').insert({ id: randomUUID(), receipt: 'TS23456789ABCDEF', subject: '推诿', content: '窗口推诿不办', unit_id: 'legal-office', source: 'public', status: 'concluded', finding: 'founded', outcome: '已责令整改', created_at: at, concluded_at: at + 2000 });

    // When supervision opens December's sheets
    const res = await supervisor.get('/api/appraisal/sheets?period=2026-12');
    expect(res.status).to.equal(200);
    expect(res.body.scheme.version).to.equal(1);
    const zhao = res.body.people.find((p: any) => p.id === 'legal');
    const ind = Object.fromEntries(zhao.indicators.map((i: any) => [i.key, i]));
    // Then power cases and internal procedures are scored apart
    expect(ind.powerOnTime).to.include({ score: 50, basis: '按时 1 / 办理 2', weight: 30, points: 15 });
    expect(ind.powerOnTime.evidence).to.have.length(1);
    expect(ind.powerOnTime.evidence[0]).to.include({ kind: 'overdue', instanceId: late.body.id, caseNumber: late.body.caseNumber ?? null });
    expect(ind.internalOnTime).to.include({ score: 100, basis: '按时 1 / 办理 1' });
    // And the warning, its 黄牌 and the returned work each cost points, with their facts
    expect(ind.warnings).to.include({ score: 90, weight: 25 });
    expect(ind.warnings.evidence[0].text).to.contain('同一案件多次退回');
    expect(ind.rectification).to.include({ score: 80 });
    expect(ind.rectification.evidence[0].kind).to.equal('yellow-card');
    expect(ind.dataQuality).to.include({ score: 80 });
    expect(ind.dataQuality.evidence[0].text).to.contain('法制审核').and.contain('审核意见未写明依据');
    // And complaints count for the unit, not the person
    expect(ind.complaints).to.include({ score: 100, basis: '按单位考核，个人不计' });
    const office = res.body.units.find((u: any) => u.id === 'legal-office');
    expect(office.indicators.find((i: any) => i.key === 'complaints')).to.include({ score: 75 });
    // And the total is the weighted sum: 15 + 10 + 22.5 + 12 + 10 + 4 + 5
    expect(zhao.total).to.equal(78.5);

    // And the CSV and the PDF carry the sheets with the evidence
    const csv = await supervisor.get('/api/appraisal/sheets.csv?period=2026-12');
    expect(csv.headers.get('content-type')).to.contain('text/csv');
    expect(csv.text).to.contain('赵法').and.contain('扣分依据').and.contain('审核意见未写明依据').and.contain('78.5');
    const pdf = await download(supervisor, '/api/appraisal/sheets.pdf?period=2026-12');
    expect(pdf.contentType).to.equal('application/pdf');
    const text = (await pdfPages(pdf.bytes)).join('\n');
    for (const t of ['2026 年 12 月绩效考核评分表', '评分方案', '权力事项按时办结率', '内部事务按时办结率', '赵法', '政策法规处', '扣分依据', '同一案件多次退回', '78.5']) expect(text, t).to.include(t);

    // And the year's sheet counts the same month
    const year = await supervisor.get('/api/appraisal/sheets?period=2026');
    expect(year.body.period).to.include({ kind: 'year', label: '2026 年度' });
    expect(year.body.people.find((p: any) => p.id === 'legal').total).to.equal(78.5);
  });

  it('shows a unit head their own unit only, and refuses others and bad periods with nothing changed', async () => {
    const own = await legal.get('/api/appraisal/sheets?period=2026-12');
    expect(own.status, JSON.stringify(own.body)).to.equal(200);
    expect(own.body.units.map((u: any) => u.id)).to.deep.equal(['legal-office']);
    expect(own.body.people.every((p: any) => p.unitId === 'legal-office')).to.equal(true);
    const staffAsk = await staff.get('/api/appraisal/sheets?period=2026-12');
    expect(staffAsk.status).to.equal(403);
    expect(staffAsk.body.error.code).to.equal('FORBIDDEN');
    const badPeriod = await supervisor.get('/api/appraisal/sheets?period=2026-13');
    expect(badPeriod.status).to.equal(400);
    expect(badPeriod.body.error.code).to.equal('BAD_PERIOD');
    const pdfRefused = await download(staff, '/api/appraisal/sheets.pdf?period=2026-12');
    expect(pdfRefused.status).to.equal(403);
  });
});
