import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { reviewFiles } from './review-fixture.ts';

/**
 * Opinions belong to steps (issue 13, items 1 and 2): every reviewer's form starts empty of the
 * previous reviewer's opinion, shows the case's content read-only, and the case keeps one 审批意见
 * per step; the applicant sees their content and each opinion.
 */
describe('API: opinions per step and the case content', () => {
  let s: TestServer;
  let staff: Client;
  let legal: Client;
  let leader: Client;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, reviewFiles);
    [staff, legal, leader] = await Promise.all(['staff', 'legal', 'leader'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  const openTask = async (c: Client, instanceId: string) => (await c.get(`/api/tasks?instance=${instanceId}&candidate=me`)).body.items[0];

  it('gives the leader an empty form beside the case content, and keeps both opinions apart', async () => {
    // Given 张明's request, reviewed by 赵法 with 同意 and his own words
    const started = await staff.post('/api/process-definitions/api-review/start', { variables: { title: '购置执法记录仪', amount: 12000 } });
    expect(started.status).to.equal(201);
    const id = started.body.id;
    const legalTask = await openTask(legal, id);
    const legalView = await legal.get(`/api/tasks/${legalTask.id}`);
    expect(legalView.body.variables).to.not.have.any.keys('decision', 'comment');
    expect(legalView.body.content.formKey).to.equal('api-apply');
    expect(legalView.body.content.values).to.deep.equal({ title: '购置执法记录仪', amount: 12000 });
    s.clock.advance(60_000);
    const done = await legal.post(`/api/tasks/${legalTask.id}/complete`, { variables: { decision: 'approve', comment: '符合规定' } });
    expect(done.status).to.equal(200);

    // When the leader opens 分管局领导审批
    const leaderTask = await openTask(leader, id);
    const view = await leader.get(`/api/tasks/${leaderTask.id}`);

    // Then the form holds none of legal's opinion, the content is there read-only, the title still renders
    expect(view.status).to.equal(200);
    expect(view.body.variables).to.deep.equal({ title: '购置执法记录仪' });
    expect(view.body.content.values).to.include({ title: '购置执法记录仪', amount: 12000 });
    expect(view.body.content.schema.components.map((c: any) => c.key)).to.deep.equal(['title', 'amount']);

    s.clock.advance(60_000);
    // And when the leader rejects with his own words, each step keeps its own opinion
    await leader.post(`/api/tasks/${leaderTask.id}/complete`, { variables: { decision: 'reject', comment: '预算不足' } });
    const instance = await staff.get(`/api/process-instances/${id}`);
    expect(instance.body.status).to.equal('completed');
    const opinions = instance.body.opinions.map((o: any) => ({ el: o.elementId, by: o.byName, unit: o.unitName, d: o.decisionLabel, c: o.comment }));
    expect(opinions).to.deep.equal([
      { el: 'Task_Legal', by: '赵法', unit: '政策法规处', d: '同意', c: '符合规定' },
      { el: 'Task_Leader', by: '陈立新', unit: '局领导', d: '不同意', c: '预算不足' },
    ]);
    expect(instance.body.opinions[0].at).to.match(/^\d{4}-/);
    // And the applicant sees the content they submitted
    expect(instance.body.content.values).to.deep.equal({ title: '购置执法记录仪', amount: 12000 });

    // And legal's completed task still shows legal's values, not the leader's (the last decision)
    const legalAfter = await legal.get(`/api/tasks/${legalTask.id}`);
    expect(legalAfter.body.variables).to.include({ decision: 'approve', comment: '符合规定' });
  });

  it('keeps the last decision for the gateway while no form is filled with it', async () => {
    const started = await staff.post('/api/process-definitions/api-review/start', { variables: { title: '维修对讲机', amount: 300 } });
    const id = started.body.id;
    await legal.post(`/api/tasks/${(await openTask(legal, id)).id}/complete`, { variables: { decision: 'approve', comment: '同意维修' } });
    s.clock.advance(60_000);
    await leader.post(`/api/tasks/${(await openTask(leader, id)).id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
    // The gateway read the leader's decision: the applicant is told
    const notify = (await staff.get(`/api/tasks?instance=${id}&assignee=me`)).body.items[0];
    expect(notify.elementId).to.equal('Task_Notify');
    const instance = await staff.get(`/api/process-instances/${id}`);
    expect(instance.body.variables.decision).to.equal('approve');
    expect(instance.body.opinions.map((o: any) => o.comment)).to.deep.equal(['同意维修', '同意']);
  });

  it('gives the 审批单 a verification code supervision can recompute from the audit rows, and only to those who may read the case', async () => {
    const started = await staff.post('/api/process-definitions/api-review/start', { variables: { title: '审批单核验', amount: 1 } });
    const id = started.body.id;
    const sheet = await staff.get(`/api/process-instances/${id}/approval-sheet`);
    expect(sheet.status).to.equal(200);
    const rows = await s.db('audit_log').where({ instance_id: id }).orderBy('seq');
    const hash = createHash('sha256');
    for (const r of rows) hash.update(`${r.seq}:${r.hash}\n`);
    expect(sheet.body).to.include({ verificationCode: hash.digest('hex'), auditRows: rows.length });
    expect(rows.length).to.be.greaterThan(0);
    const stranger = await leader.get(`/api/process-instances/${id}/approval-sheet`);
    expect(stranger.status).to.equal(403);
    expect(stranger.body.error.code).to.equal('INSTANCE_FORBIDDEN');
  });
});
