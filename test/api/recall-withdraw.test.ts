import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { reviewFiles } from './review-fixture.ts';

/**
 * 收回 and 申请撤回 (issue 13, item 7): the previous handler takes a case back before the next one
 * acts; once someone has acted the applicant asks to withdraw and the current handler decides.
 * Audited, in history, notified; refusals change nothing.
 */
describe('API: 收回 and 申请撤回', () => {
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

  const start = async (title: string) => (await staff.post('/api/process-definitions/api-review/start', { variables: { title, amount: 1 } })).body.id as string;
  const openTasks = async (id: string) => (await s.db('tasks').where({ instance_id: id, status: 'open' })).map((t: any) => `${t.element_id}:${t.assignee ?? '-'}`);
  const auditCount = async (action: string) => Number((await s.db('audit_log').where({ action }).count({ n: '*' }).first())!.n);
  const notes = async (user: string, kind: string, instanceId: string) => s.db('notifications').where({ user_id: user, kind, instance_id: instanceId });
  const legalDone = async (title: string) => {
    const id = await start(title);
    const lt = (await s.db('tasks').where({ instance_id: id, element_id: 'Task_Legal' }).first()).id as string;
    expect((await legal.post(`/api/tasks/${lt}/complete`, { variables: { decision: 'approve', comment: '同意' } })).status).to.equal(200);
    return { id, lt };
  };

  describe('收回', () => {
    it('legal takes the case back from the untouched leader step and has his step again', async () => {
      const { id, lt } = await legalDone('收回测试');
      const audits = await auditCount('task.recall');
      const r = await legal.post(`/api/tasks/${lt}/recall`);
      expect(r.status).to.equal(200);
      expect(await openTasks(id)).to.deep.equal(['Task_Legal:legal']);
      expect(r.body.nextTasks.map((t: any) => t.elementId)).to.deep.equal(['Task_Legal']);
      expect(await auditCount('task.recall')).to.equal(audits + 1);
      expect((await notes('leader', 'case.recalled', id)).length).to.equal(1);
      const history = (await staff.get(`/api/process-instances/${id}`)).body.history;
      expect(history.some((h: any) => h.type === 'task.recalled' && h.data.to === 'Task_Legal')).to.equal(true);
    });

    it('refuses someone else and a recall once the leader has claimed — nothing changed', async () => {
      const { id, lt } = await legalDone('收回太晚');
      const audits = await auditCount('task.recall');
      const other = await leader.post(`/api/tasks/${lt}/recall`);
      expect([other.status, other.body.error.code]).to.deep.equal([403, 'NOT_COMPLETER']);
      const next = (await s.db('tasks').where({ instance_id: id, status: 'open' }).first()).id;
      await leader.post(`/api/tasks/${next}/claim`);
      const late = await legal.post(`/api/tasks/${lt}/recall`);
      expect([late.status, late.body.error.code]).to.deep.equal([409, 'RECALL_TOO_LATE']);
      expect(await openTasks(id)).to.deep.equal(['Task_Leader:leader']);
      expect(await auditCount('task.recall')).to.equal(audits);
    });
  });

  describe('申请撤回', () => {
    it('the applicant asks; the leader rejects (the case goes on), then approves a second request (withdrawn)', async () => {
      const { id } = await legalDone('申请撤回');
      const ask = await staff.post(`/api/process-instances/${id}/withdraw-request`, { reason: '情况有变' });
      expect(ask.status).to.equal(201);
      expect(ask.body.status).to.equal('pending');
      expect((await notes('leader', 'case.withdraw-requested', id)).length).to.equal(1);
      const listed = (await leader.get(`/api/process-instances/${id}/withdraw-requests`)).body.items;
      expect(listed[0]).to.include({ id: ask.body.id, status: 'pending', reason: '情况有变' });

      // The leader rejects: the case goes on and the applicant is told
      const no = await leader.post(`/api/withdraw-requests/${ask.body.id}/decide`, { approve: false, comment: '请继续办理' });
      expect(no.status).to.equal(200);
      expect(no.body.status).to.equal('rejected');
      expect((await staff.get(`/api/process-instances/${id}`)).body.status).to.equal('running');
      expect((await notes('staff', 'case.withdraw-rejected', id)).length).to.equal(1);
      const twice = await leader.post(`/api/withdraw-requests/${ask.body.id}/decide`, { approve: true });
      expect([twice.status, twice.body.error.code]).to.deep.equal([409, 'WITHDRAW_REQUEST_DECIDED']);

      // A second request, approved: the case is withdrawn
      const again = await staff.post(`/api/process-instances/${id}/withdraw-request`, { reason: '确需撤回' });
      const audits = await auditCount('process.withdraw-decide');
      const yes = await leader.post(`/api/withdraw-requests/${again.body.id}/decide`, { approve: true, comment: '同意撤回' });
      expect(yes.status).to.equal(200);
      expect((await staff.get(`/api/process-instances/${id}`)).body.status).to.equal('cancelled');
      expect(await openTasks(id)).to.deep.equal([]);
      expect(await auditCount('process.withdraw-decide')).to.equal(audits + 1);
      const history = (await staff.get(`/api/process-instances/${id}`)).body.history;
      expect(history.some((h: any) => h.type === 'case.withdrawn' && h.data.requestId === again.body.id)).to.equal(true);
    });

    it('refuses a request nobody needs, by someone else, a second pending one, and a decision by a non-handler — nothing changed', async () => {
      const fresh = await start('尚无人办理');
      const early = await staff.post(`/api/process-instances/${fresh}/withdraw-request`, { reason: '不办了' });
      expect([early.status, early.body.error.code]).to.deep.equal([409, 'WITHDRAW_NOT_NEEDED']);
      const { id } = await legalDone('撤回申请拒绝');
      const other = await legal.post(`/api/process-instances/${id}/withdraw-request`, { reason: '代申请' });
      expect([other.status, other.body.error.code]).to.deep.equal([403, 'NOT_APPLICANT']);
      const empty = await staff.post(`/api/process-instances/${id}/withdraw-request`, { reason: ' ' });
      expect(empty.status).to.equal(422);
      const ask = await staff.post(`/api/process-instances/${id}/withdraw-request`, { reason: '情况有变' });
      const second = await staff.post(`/api/process-instances/${id}/withdraw-request`, { reason: '再申请' });
      expect([second.status, second.body.error.code]).to.deep.equal([409, 'WITHDRAW_REQUEST_PENDING']);
      const notHandler = await legal.post(`/api/withdraw-requests/${ask.body.id}/decide`, { approve: true });
      expect([notHandler.status, notHandler.body.error.code]).to.deep.equal([403, 'NOT_HANDLER']);
      const applicant = await staff.post(`/api/withdraw-requests/${ask.body.id}/decide`, { approve: true });
      expect(applicant.status).to.equal(403);
      expect((await s.db('withdraw_requests').where({ instance_id: id })).map((r: any) => r.status)).to.deep.equal(['pending']);
      expect((await s.db('withdraw_requests').where({ instance_id: fresh })).length).to.equal(0);
      expect(await openTasks(id)).to.deep.equal(['Task_Leader:-']);
    });
  });
});
