import { expect } from 'chai';
import { appendAudit } from '../../src/domain/audit.ts';
import { actorOf } from '../../src/domain/org.ts';
import { closeCase } from '../../src/store/accountability.ts';
import { auditHead } from '../../src/store/audit.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Oversight of the overseers (issue 18, item 4): a lone supervision officer can neither cancel a
 * power case nor dismiss an accountability case, automatic ones included; a second person outside
 * the acting officer decides (a leader for a cancel, the discipline committee for a dismissal).
 */
describe('oversight of the overseers: supervision’s own acts need a second person (issue 18, item 4)', () => {
  let s: TestServer;
  let sup: Client;
  let sup2: Client;
  let discipline: Client;

  const settle = async () => {
    for (let i = 0; i < 20 && (await s.engine.jobs.runDue()) > 0; i++);
  };
  const snapshot = async (id: string) => ({
    instance: await s.db('process_instances').where({ id }).first('status', 'version'),
    tasks: await s.db('tasks').where({ instance_id: id }).orderBy('id').select('id', 'status', 'assignee'),
    cases: await s.db('accountability_cases').orderBy('id').select('id', 'status'),
    audit: await auditHead(s.db),
  });

  before(async () => {
    s = await startServer({ procedures: true });
    [sup, sup2, discipline] = await Promise.all(['supervisor', 'supervisor2', 'discipline'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('Given a running power case (power-case, a power flow), a supervision officer’s cancel is only a request: the case keeps running', async () => {
    const clerk = await s.login('engineer');
    const started = await clerk.post('/api/power-items/XK-0001/start', {
      variables: { partyType: 'organisation', partyName: '常州新城房地产开发有限公司', partyCreditCode: '91320400MA1P2XYW3T', partyAddress: '常州市天宁区青龙东路8号', contactPhone: '13912345678', projectName: '青龙地块住宅项目', applicationSummary: '项目地块地质条件复杂，申请易地建设防空地下室', materialsComplete: true },
    });
    expect(started.status, started.text).to.equal(201);
    await settle();
    const res = await sup.post(`/api/process-instances/${started.body.id}/cancel`, { reason: '撤销' });
    expect(res.status, res.text).to.equal(202);
    expect(res.body.status).to.equal('pending');
    expect((await s.engine.getInstance(started.body.id))!.status).to.equal('running');
    expect(await s.db('cancellation_requests').where({ instance_id: started.body.id }).first()).to.include({ status: 'pending', requested_by: 'supervisor' });
  });

  it('Given an automatic accountability case, a lone officer who drafts a dismissal cannot close it: the review is the discipline committee’s (403/409, nothing changed)', async () => {
    const opened = await s.engine.correlateMessage('accountability-open', {
      businessKey: 'OVERDUE-OVERSIGHT-1',
      variables: { category: 2, subjectKind: 'unit', subjectUnitId: 'maintenance-office', facts: '人防工程维护检查事项超过承诺时限', source: 'overdue-check' },
    });
    await settle();
    const id = opened.instance.id;
    const draft = (await sup.get(`/api/tasks?instance=${id}`)).body.items.find((t: any) => t.elementId === 'Task_Draft');
    expect((await sup.post(`/api/tasks/${draft.id}/complete`, { variables: { draftAction: 'dismiss', dismissReason: '经核查，超时系信息中心网络故障所致，属误报' } })).status).to.equal(200);
    await settle();
    const review = (await discipline.get(`/api/tasks?instance=${id}`)).body.items.find((t: any) => t.elementId === 'Task_DismissReview');
    expect(review, 'dismissal review task').to.not.equal(undefined);
    const was = await snapshot(id);
    // When the drafting officer, or a second supervision officer, tries to decide the review
    for (const lone of [sup, sup2]) {
      const res = await lone.post(`/api/tasks/${review.id}/complete`, { variables: { dismissDecision: 'agree', dismissComment: '同意' } });
      expect(res.status).to.equal(403);
      expect(res.body.error.code).to.equal('NOT_CANDIDATE');
    }
    // Then the case is still open, and nothing changed
    expect(await snapshot(id)).to.deep.equal(was);
    expect(await s.db('accountability_cases').where({ instance_id: id }).first()).to.include({ status: 'open' });
    // When the discipline committee agrees, the dismissal is recorded
    expect((await discipline.post(`/api/tasks/${review.id}/complete`, { variables: { dismissDecision: 'agree', dismissComment: '同意不予追责' } })).status).to.equal(200);
    await settle();
    expect(await s.db('accountability_cases').where({ instance_id: id }).first()).to.include({ status: 'dismissed' });
  });

  it('refuses a lone supervision officer’s cancel of a complaint case too (supervision’s own procedure): a request, not a cancel', async () => {
    const { receipt } = (await s.anonymous().post('/api/complaints', { subject: '执法不公', content: '同类违法行为处罚金额差别很大，请核查。' })).body;
    const row = await s.db('complaints').where({ receipt }).first();
    const res = await sup.post(`/api/process-instances/${row.instance_id}/cancel`, { reason: '撤销' });
    expect(res.status, res.text).to.equal(202);
    expect((await s.engine.getInstance(row.instance_id))!.status).to.equal('running');
  });

  const art13 = async () => {
    const report = await sup.get('/api/compliance/report?from=2026-12-01&to=2026-12-31');
    expect(report.status).to.equal(200);
    return report.body.articles.find((a: any) => a.article === 13);
  };

  it('shows the month as 符合 for oversight while every cancel went through a request and every dismissal through the committee', async () => {
    const a = await art13();
    const texts = a.findings.map((f: any) => `${f.status}:${f.text}`);
    expect(texts.some((t: string) => /^ok:撤销案件：申请 2 件/.test(t)), texts.join('\n')).to.equal(true);
    expect(texts.some((t: string) => /^ok:不予追责 1 起，均经局纪委审核同意（discipline）/.test(t)), texts.join('\n')).to.equal(true);
  });

  it('Given a power case cancelled by one officer around the procedure and a case dismissed without review, the report shows 不符合 with the evidence', async () => {
    // A bypass constructed below the API (as a console or an old version would do it)
    const clerk = await s.login('engineer');
    const started = await clerk.post('/api/power-items/XK-0001/start', {
      variables: { partyType: 'organisation', partyName: '常州某公司', partyCreditCode: '91320400MA1P2XYW3T', partyAddress: '常州市钟楼区', contactPhone: '13912345679', projectName: '某住宅项目', applicationSummary: '项目地块地质条件复杂，申请易地建设防空地下室', materialsComplete: true },
    });
    const id = started.body.id;
    const officer = (await actorOf(s.db, 'supervisor'))!;
    await s.engine.cancel(id, { by: officer, reason: '撤销', hook: (trx, res) => appendAudit(trx, { actor: 'supervisor', action: 'process.cancel', objectType: 'process-instance', objectId: id, instanceId: res.instance.id, after: { reason: '撤销' } }, s.clock.now()).then(() => undefined) });
    const opened = await s.engine.correlateMessage('accountability-open', { businessKey: 'OVERDUE-OVERSIGHT-2', variables: { category: 2, subjectKind: 'unit', subjectUnitId: 'maintenance-office', facts: '检查事项超过承诺时限未办结', source: 'overdue-check' } });
    await settle();
    await s.db.transaction((trx) => closeCase(trx, opened.instance.id, { status: 'dismissed', opinion: '误报', outcome: null, serious: false, closedAt: s.clock.now() }));
    // When supervision reads the month's compliance report
    const a = await art13();
    // Then Art. 13 is attention, naming the officer, the case and the reason, and the unreviewed dismissal
    expect(a.status).to.equal('attention');
    const bad = a.findings.filter((f: any) => f.status === 'attention').map((f: any) => f.text);
    expect(bad).to.have.length(2);
    expect(bad[0]).to.match(/^不符合：1 件须经第二人审批的案件由一人直接撤销：supervisor 于 2026-12-01 撤销 power-case .*理由：撤销/);
    expect(bad[1]).to.contain(`不符合：1 起追责案件未经局纪委审核即不予追责：实例 ${opened.instance.id}`);
  });
});
