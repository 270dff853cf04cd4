import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { reviewFiles } from './review-fixture.ts';

/**
 * Routing actions (issue 13, item 7): 退回 to an earlier step or the applicant, 撤回 by the
 * applicant before anyone acted, 抄送 and 抄送我的, 批量审批. Each audited, in history, notified;
 * each refusal a clear 4xx that changes nothing.
 */
describe('API: routing actions — 退回, 撤回, 抄送, 批量审批', () => {
  let s: TestServer;
  let staff: Client;
  let legal: Client;
  let leader: Client;
  let head: Client;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, reviewFiles);
    [staff, legal, leader, head] = await Promise.all(['staff', 'legal', 'leader', 'head'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  const start = async (title: string) => (await staff.post('/api/process-definitions/api-review/start', { variables: { title, amount: 1 } })).body.id as string;
  const openTask = async (c: Client, id: string) => (await c.get(`/api/tasks?instance=${id}&candidate=me`)).body.items[0];
  const openTasks = async (id: string) => (await s.db('tasks').where({ instance_id: id, status: 'open' })).map((t: any) => t.element_id);
  const auditCount = async (action: string) => Number((await s.db('audit_log').where({ action }).count({ n: '*' }).first())!.n);
  const notes = async (user: string, kind: string) => s.db('notifications').where({ user_id: user, kind });

  it('tells whoever may do the first task of a new case, naming the number the case got in the same step', async () => {
    // Given a request just started
    const id = await start('新待办编号');
    const { caseNumber } = (await staff.get(`/api/process-instances/${id}`)).body;
    expect(caseNumber).to.be.a('string').and.not.equal('');

    // Then legal's 新待办 names that number (it is taken before the step's notifications are written)
    const told = (await notes('legal', 'task.new')).filter((n: { instance_id: string }) => n.instance_id === id);
    expect(told).to.have.length(1);
    expect(told[0].title).to.include(caseNumber);
  });

  describe('退回', () => {
    it('sends the case from the leader back to legal, who gets it again; applicant and legal are told', async () => {
      // Given legal approved and the leader holds the case
      const id = await start('退回测试');
      const lt = await openTask(legal, id);
      await legal.post(`/api/tasks/${lt.id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
      const task = await openTask(leader, id);
      const detail = await leader.get(`/api/tasks/${task.id}`);
      expect(detail.body.actions.return).to.equal(true);
      expect(detail.body.returnTargets.map((t: any) => t.elementId)).to.have.members(['Task_Legal', 'Task_Notify']);
      expect(detail.body.returnTargets.find((t: any) => t.elementId === 'Task_Notify').applicant).to.equal(true);
      const audits = await auditCount('task.return');

      // When he returns it to 法律审核 with a reason
      const r = await leader.post(`/api/tasks/${task.id}/return`, { targetElementId: 'Task_Legal', comment: '请补充法律依据' });

      // Then his task is cancelled, 法律审核 is open again, audited, in history, and both are told
      expect(r.status).to.equal(200);
      expect(r.body.tasks.map((t: any) => t.elementId)).to.deep.equal(['Task_Legal']);
      expect(await openTasks(id)).to.deep.equal(['Task_Legal']);
      expect((await s.db('tasks').where({ id: task.id }).first()).status).to.equal('cancelled');
      expect(await auditCount('task.return')).to.equal(audits + 1);
      const history = (await staff.get(`/api/process-instances/${id}`)).body.history;
      expect(history.some((h: any) => h.type === 'task.returned' && h.data.to === 'Task_Legal' && h.data.comment === '请补充法律依据')).to.equal(true);
      expect((await notes('staff', 'case.returned')).map((n: any) => n.title)[0]).to.include('已退回至“法律审核”');
      expect(await notes('legal', 'case.returned')).to.have.length(1);
      expect((await notes('legal', 'task.new')).some((n: any) => n.instance_id === id)).to.equal(true);

      // And the case goes on from there as before
      const again = await openTask(legal, id);
      expect((await legal.post(`/api/tasks/${again.id}/complete`, { variables: { decision: 'approve', comment: '已补充' } })).status).to.equal(200);
      expect(await openTasks(id)).to.deep.equal(['Task_Leader']);
    });

    it('returns to the applicant’s own step', async () => {
      const id = await start('退回申请人');
      const lt = await openTask(legal, id);
      const r = await legal.post(`/api/tasks/${lt.id}/return`, { targetElementId: 'Task_Notify', comment: '材料不全' });
      expect(r.status).to.equal(200);
      const mine = (await staff.get(`/api/tasks?instance=${id}&assignee=me`)).body.items;
      expect(mine.map((t: any) => t.elementId)).to.deep.equal(['Task_Notify']);
    });

    it('refuses a step that is not a return target, someone who may not act, and an empty reason — nothing changed', async () => {
      const id = await start('退回拒绝');
      const lt = await openTask(legal, id);
      const audits = await auditCount('task.return');
      const wrong = await legal.post(`/api/tasks/${lt.id}/return`, { targetElementId: 'Task_Leader', comment: '试试' });
      expect(wrong.status).to.equal(422);
      expect(wrong.body.error.code).to.equal('RETURN_TARGET_INVALID');
      const stranger = await leader.post(`/api/tasks/${lt.id}/return`, { targetElementId: 'Task_Notify', comment: '越权' });
      expect(stranger.status).to.equal(403);
      expect(stranger.body.error.code).to.equal('NOT_CANDIDATE');
      const applicant = await staff.post(`/api/tasks/${lt.id}/return`, { targetElementId: 'Task_Notify', comment: '自己退回' });
      expect(applicant.status).to.equal(403);
      const empty = await legal.post(`/api/tasks/${lt.id}/return`, { targetElementId: 'Task_Notify', comment: '  ' });
      expect(empty.status).to.equal(422);
      expect(await openTasks(id)).to.deep.equal(['Task_Legal']);
      expect((await s.db('tasks').where({ id: lt.id }).first()).status).to.equal('open');
      expect(await auditCount('task.return')).to.equal(audits);
    });
  });

  describe('撤回', () => {
    it('lets the applicant withdraw before anyone acted; legal is told', async () => {
      const id = await start('撤回测试');
      const audits = await auditCount('process.withdraw');
      const r = await staff.post(`/api/process-instances/${id}/withdraw`, { reason: '填错了' });
      expect(r.status).to.equal(200);
      expect(r.body.status).to.equal('cancelled');
      expect(await openTasks(id)).to.deep.equal([]);
      expect(await auditCount('process.withdraw')).to.equal(audits + 1);
      expect((await notes('legal', 'case.withdrawn')).some((n: any) => n.instance_id === id)).to.equal(true);
      const history = (await staff.get(`/api/process-instances/${id}`)).body.history;
      expect(history.some((h: any) => h.type === 'case.withdrawn' && h.data.reason === '填错了')).to.equal(true);
    });

    it('refuses someone else, a withdrawal after a claim, and after a completed step — nothing changed', async () => {
      const id = await start('撤回太晚');
      const audits = await auditCount('process.withdraw');
      const other = await legal.post(`/api/process-instances/${id}/withdraw`, { reason: '代撤' });
      expect(other.status).to.equal(403);
      expect(other.body.error.code).to.equal('NOT_APPLICANT');
      const lt = await openTask(legal, id);
      await legal.post(`/api/tasks/${lt.id}/claim`);
      const claimed = await staff.post(`/api/process-instances/${id}/withdraw`, { reason: '不办了' });
      expect(claimed.status).to.equal(409);
      expect(claimed.body.error.code).to.equal('WITHDRAW_TOO_LATE');
      await legal.post(`/api/tasks/${lt.id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
      const late = await staff.post(`/api/process-instances/${id}/withdraw`, { reason: '不办了' });
      expect(late.status).to.equal(409);
      expect(late.body.error.code).to.equal('WITHDRAW_TOO_LATE');
      expect((await staff.get(`/api/process-instances/${id}`)).body.status).to.equal('running');
      expect(await openTasks(id)).to.deep.equal(['Task_Leader']);
      expect(await auditCount('process.withdraw')).to.equal(audits);
    });
  });

  describe('抄送', () => {
    it('copies the case to the supervisor and 王建国, who reads it in 抄送我的 and may open it', async () => {
      const id = await start('抄送测试');
      const lt = await openTask(legal, id);
      const r = await legal.post(`/api/tasks/${lt.id}/cc`, { userIds: ['supervisor', 'head'], comment: '请知悉' });
      expect(r.status).to.equal(201);
      expect(r.body.copied).to.have.members(['supervisor', 'head']);
      const mine = await head.get('/api/cc');
      expect(mine.body.items[0]).to.include({ instanceId: id, byName: '赵法', comment: '请知悉', subject: '抄送测试' });
      expect((await head.get(`/api/process-instances/${id}`)).status).to.equal(200);
      expect((await notes('head', 'case.cc')).some((n: any) => n.instance_id === id)).to.equal(true);
      // A repeated copy is not sent twice
      const again = await legal.post(`/api/tasks/${lt.id}/cc`, { userIds: ['head'] });
      expect(again.body.copied).to.deep.equal([]);
    });

    it('refuses a stranger to the task, an unknown user and oneself — nothing copied', async () => {
      const id = await start('抄送拒绝');
      const lt = await openTask(legal, id);
      const before = Number((await s.db('case_cc').count({ n: '*' }).first())!.n);
      const stranger = await leader.post(`/api/tasks/${lt.id}/cc`, { userIds: ['head'] });
      expect(stranger.status).to.equal(403);
      expect(stranger.body.error.code).to.equal('NOT_CANDIDATE');
      const unknown = await legal.post(`/api/tasks/${lt.id}/cc`, { userIds: ['head', 'nobody'] });
      expect(unknown.status).to.equal(422);
      const self = await legal.post(`/api/tasks/${lt.id}/cc`, { userIds: ['legal'] });
      expect(self.status).to.equal(422);
      expect(Number((await s.db('case_cc').count({ n: '*' }).first())!.n)).to.equal(before);
      expect((await leader.get(`/api/process-instances/${id}`)).status).to.equal(403);
    });
  });

  describe('批量审批', () => {
    it('marks in the inbox which tasks may go in a batch and the decisions they offer; the applicant’s own step and a form with more fields may not', async () => {
      // Given a case at 法律审核 (decision and comment only) and one waiting at 告知申请人 (no form)
      const id = await start('可批量');
      const lt = await openTask(legal, id);
      // When legal lists the inbox, Then the review row is batchable, with the form's decisions
      const row = (await legal.get(`/api/tasks?instance=${id}`)).body.items[0];
      expect(row).to.include({ id: lt.id, batchable: true });
      const decisions = row.batchDecisions as Array<{ value: string; label: string }>;
      expect(decisions.find((d) => d.value === 'approve')?.label).to.equal('同意');
      // And supervision, who may not act on it, sees it as not batchable
      const supervisor = await s.login('supervisor');
      const seen = (await supervisor.get(`/api/tasks?instance=${id}&all=true`)).body.items[0];
      expect(seen).to.include({ batchable: false });
      // And a task without a form is never batchable
      const ids = [await start('告知')];
      await legal.post(`/api/tasks/${(await openTask(legal, ids[0])).id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
      await leader.post(`/api/tasks/${(await openTask(leader, ids[0])).id}/complete`, { variables: { decision: 'approve', comment: '同意' } });
      const notify = (await staff.get(`/api/tasks?instance=${ids[0]}`)).body.items[0];
      expect(notify).to.include({ elementId: 'Task_Notify', batchable: false });
      expect(notify.batchDecisions).to.deep.equal([]);
    });

    it('approves several decision-and-comment tasks in one go, each its own step and audit row', async () => {
      const ids = [await start('批量一'), await start('批量二')];
      const tasks = await Promise.all(ids.map((id) => openTask(legal, id)));
      const audits = await auditCount('task.complete');
      const r = await legal.post('/api/tasks/batch-complete', { taskIds: tasks.map((t) => t.id), decision: 'approve', comment: '同意' });
      expect(r.status).to.equal(200);
      expect(r.body).to.include({ completed: 2, refused: 0 });
      expect(await auditCount('task.complete')).to.equal(audits + 2);
      for (const id of ids) expect(await openTasks(id)).to.deep.equal(['Task_Leader']);
      const opinions = (await staff.get(`/api/process-instances/${ids[0]}`)).body.opinions;
      expect(opinions[0]).to.include({ decisionLabel: '同意', comment: '同意', byName: '赵法' });
    });

    it('refuses, per task, one the caller may not do and a decision the form does not offer — those unchanged', async () => {
      const id = await start('批量拒绝');
      const lt = await openTask(legal, id);
      const r = await leader.post('/api/tasks/batch-complete', { taskIds: [lt.id], decision: 'approve', comment: '同意' });
      expect(r.body).to.include({ completed: 0, refused: 1 });
      expect(r.body.results[0].error.code).to.equal('NOT_CANDIDATE');
      const bad = await legal.post('/api/tasks/batch-complete', { taskIds: [lt.id], decision: 'maybe' });
      expect(bad.body.results[0].error.code).to.equal('BATCH_NOT_SIMPLE');
      expect(await openTasks(id)).to.deep.equal(['Task_Legal']);
      const empty = await legal.post('/api/tasks/batch-complete', { taskIds: [], decision: 'approve' });
      expect(empty.status).to.equal(422);
    });
  });
});
