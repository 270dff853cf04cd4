import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { reviewFiles } from './review-fixture.ts';

/**
 * 委托/代理 (issue 13, item 7): while 赵法 is away, his tasks also reach his substitute 王建国, who
 * acts "代 赵法 办理"; separation of duties still applies to the substitute; supervision sees every
 * substitution; refusals change nothing.
 */
describe('API: 委托/代理 (a substitute while away)', () => {
  let s: TestServer;
  let staff: Client;
  let legal: Client;
  let head: Client;
  let supervisor: Client;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, reviewFiles);
    [staff, legal, head, supervisor] = await Promise.all(['staff', 'legal', 'head', 'supervisor'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  const start = async (title: string) => (await staff.post('/api/process-definitions/api-review/start', { variables: { title, amount: 1 } })).body.id as string;
  const auditCount = async (action: string) => Number((await s.db('audit_log').where({ action }).count({ n: '*' }).first())!.n);
  const legalTask = async (id: string) => (await s.db('tasks').where({ instance_id: id, element_id: 'Task_Legal' }).first()).id as string;

  it('王建国 stands in for 赵法: gets his new tasks, completes one “代 赵法 办理”; supervision sees it', async () => {
    // Given 赵法 names 王建国 his substitute for three days
    const audits = await auditCount('substitute.set');
    const set = await legal.put('/api/me/substitute', { userId: 'head', from: '2026-12-01', to: '2026-12-03' });
    expect(set.status).to.equal(200);
    expect(set.body).to.include({ userId: 'legal', substituteId: 'head', substituteName: '王建国', active: true });
    expect(await auditCount('substitute.set')).to.equal(audits + 1);

    // When a case reaches 法律审核
    const id = await start('委托办理');
    const taskId = await legalTask(id);

    // Then 王建国 is told, lists it among the tasks he does for 赵法, and may complete it
    const told = await s.db('notifications').where({ user_id: 'head', kind: 'task.new', instance_id: id });
    expect(told.map((n: any) => n.title).join()).to.include('（代 赵法）');
    const mine = (await head.get('/api/me/substitute')).body;
    expect(mine.actingFor.map((x: any) => x.userId)).to.deep.equal(['legal']);
    const list = (await head.get('/api/tasks?actingFor=legal')).body.items;
    expect(list.map((t: any) => t.id)).to.include(taskId);
    expect((await head.get('/api/tasks')).body.items.map((t: any) => t.id)).to.not.include(taskId);
    const detail = (await head.get(`/api/tasks/${taskId}`)).body;
    expect(detail.actions.complete).to.equal(true);
    const done = await head.post(`/api/tasks/${taskId}/complete`, { variables: { decision: 'approve', comment: '代为审核同意' } });
    expect(done.status).to.equal(200);

    // And the opinion says he acted for 赵法
    const opinion = (await staff.get(`/api/process-instances/${id}`)).body.opinions[0];
    expect(opinion).to.include({ by: 'head', byName: '王建国', onBehalfOf: 'legal', onBehalfOfName: '赵法', comment: '代为审核同意' });

    // And supervision lists the substitution; nobody else may
    const all = (await supervisor.get('/api/substitutes?active=true')).body.items;
    expect(all.some((x: any) => x.userId === 'legal' && x.substituteId === 'head' && x.active)).to.equal(true);
    expect((await head.get('/api/substitutes')).status).to.equal(403);
  });

  it('after it is cancelled, the substitute may no longer list or do the tasks', async () => {
    await legal.put('/api/me/substitute', { userId: 'head', from: '2026-12-01', to: '2026-12-03' });
    const id = await start('委托取消');
    const taskId = await legalTask(id);
    expect((await legal.del('/api/me/substitute')).status).to.equal(204);
    expect(await auditCount('substitute.clear')).to.be.greaterThan(0);
    const list = await head.get('/api/tasks?actingFor=legal');
    expect([list.status, list.body.error.code]).to.deep.equal([403, 'SUBSTITUTE_NOT_ACTIVE']);
    const refused = await head.post(`/api/tasks/${taskId}/complete`, { variables: { decision: 'approve', comment: '越权' } });
    expect([refused.status, refused.body.error.code]).to.deep.equal([403, 'NOT_CANDIDATE']);
    expect((await s.db('tasks').where({ id: taskId }).first()).status).to.equal('open');
    expect((await legal.del('/api/me/substitute')).status).to.equal(404);
  });

  it('separation of duties applies to the substitute: the applicant cannot approve her own case for 赵法', async () => {
    // Given 赵法's substitute is 张明, who then applies herself
    expect((await legal.put('/api/me/substitute', { userId: 'staff', from: '2026-12-01', to: '2026-12-02' })).status).to.equal(200);
    const id = await start('自己审批自己');
    const taskId = await legalTask(id);
    const detail = (await staff.get(`/api/tasks/${taskId}`)).body;
    expect(detail.actions.complete).to.equal(false);
    expect(detail.actions.reason).to.include('申请人');
    const r = await staff.post(`/api/tasks/${taskId}/complete`, { variables: { decision: 'approve', comment: '同意' } });
    expect([r.status, r.body.error.code]).to.deep.equal([403, 'SEPARATION_OF_DUTIES']);
    expect((await s.db('tasks').where({ id: taskId }).first()).status).to.equal('open');
    await legal.del('/api/me/substitute');
  });

  it('refuses oneself, an unknown user and a bad period — nothing changed', async () => {
    const rows = Number((await s.db('substitutions').count({ n: '*' }).first())!.n);
    const audits = await auditCount('substitute.set');
    const tries: Array<[Record<string, unknown>, number, string]> = [
      [{ userId: 'legal', from: '2026-12-01', to: '2026-12-03' }, 422, 'SUBSTITUTE_SELF'],
      [{ userId: 'nobody', from: '2026-12-01', to: '2026-12-03' }, 422, 'SUBSTITUTE_UNKNOWN'],
      [{ userId: 'head', from: '2026-12-05', to: '2026-12-03' }, 422, 'SUBSTITUTE_PERIOD'],
      [{ userId: 'head', from: '2026-11-01', to: '2026-11-03' }, 422, 'SUBSTITUTE_PERIOD'],
      [{ userId: 'head', from: '2026-12-01', to: '2027-12-03' }, 422, 'SUBSTITUTE_PERIOD'],
      [{ userId: 'head', from: 'tomorrow', to: '2026-12-03' }, 422, 'VALIDATION_FAILED'],
      [{ userId: 'head' }, 400, 'BAD_REQUEST'],
    ];
    for (const [body, status, code] of tries) {
      const r = await legal.put('/api/me/substitute', body);
      expect([r.status, r.body.error?.code], JSON.stringify(body)).to.deep.equal([status, code]);
    }
    expect(Number((await s.db('substitutions').count({ n: '*' }).first())!.n)).to.equal(rows);
    expect(await auditCount('substitute.set')).to.equal(audits);
  });
});
