import { expect } from 'chai';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { reviewFiles } from './review-fixture.ts';

/**
 * 加签 (issue 13, item 7): the handler of a step asks another person into it — before (the other
 * signs first, then it comes back), after (the other signs after the handler, before the case moves
 * on), parallel (both sign). Durable across a restart, audited, in history, notified; refusals
 * change nothing.
 */
describe('API: 加签 (add a signer to a step)', () => {
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
  const openTask = async (c: Client, id: string) => (await c.get(`/api/tasks?instance=${id}`)).body.items[0];
  const openTasks = async (id: string) => (await s.db('tasks').where({ instance_id: id, status: 'open' }).orderBy('created_at')).map((t: any) => `${t.element_id}:${t.assignee ?? '-'}`);
  const auditCount = async (action: string) => Number((await s.db('audit_log').where({ action }).count({ n: '*' }).first())!.n);
  const notes = async (user: string, kind: string, instanceId: string) => s.db('notifications').where({ user_id: user, kind, instance_id: instanceId });
  const approve = (comment: string) => ({ variables: { decision: 'approve', comment } });

  it('before: 王建国 signs first, the task comes back to 赵法, who completes it — across a restart', async () => {
    // Given legal holds the first step
    const id = await start('前加签');
    const lt = await openTask(legal, id);
    const audits = await auditCount('task.add-signer');

    // When legal asks 王建国 to sign before him
    const r = await legal.post(`/api/tasks/${lt.id}/add-signer`, { userId: 'head', mode: 'before', comment: '请先会签' });

    // Then 王建国 has a task of the same step, legal cannot complete yet, and it is audited, in history, notified
    expect(r.status).to.equal(201);
    expect(r.body.signerTask).to.include({ assignee: 'head', status: 'open', name: '法律审核（加签）' });
    expect(await openTasks(id)).to.deep.equal(['Task_Legal:legal', 'Task_Legal:head']);
    expect(await auditCount('task.add-signer')).to.equal(audits + 1);
    expect((await notes('head', 'task.new', id)).length).to.equal(1);
    expect((await notes('staff', 'case.add-signer', id))[0].title).to.include('赵法请王建国签署');
    const detail = (await legal.get(`/api/tasks/${lt.id}`)).body;
    expect(detail.actions).to.include({ complete: false, addSigner: true });
    expect(detail.actions.reason).to.include('等待加签人签署');
    expect(detail.signers[0]).to.include({ userId: 'head', userName: '王建国', mode: 'before', status: 'active' });
    const early = await legal.post(`/api/tasks/${lt.id}/complete`, approve('先办'));
    expect(early.status).to.equal(409);
    expect(early.body.error.code).to.equal('ADD_SIGNER_PENDING');

    // When the server restarts and 王建国 signs
    await s.restart();
    const mine = await openTask(head, id);
    expect(mine).to.include({ signParentId: lt.id, signMode: 'before' });
    expect((await head.post(`/api/tasks/${mine.id}/complete`, approve('同意，建议加快'))).status).to.equal(200);

    // Then the step is still legal's, who is told and completes it; the case moves on
    expect(await openTasks(id)).to.deep.equal(['Task_Legal:legal']);
    expect((await notes('legal', 'case.decision', id)).length).to.equal(1);
    expect((await legal.post(`/api/tasks/${lt.id}/complete`, approve('同意'))).status).to.equal(200);
    expect(await openTasks(id)).to.deep.equal(['Task_Leader:-']);
    const inst = (await staff.get(`/api/process-instances/${id}`)).body;
    expect(inst.opinions.map((o: any) => `${o.byName}:${o.comment}`)).to.have.members(['王建国:同意，建议加快', '赵法:同意']);
    expect(inst.history.some((h: any) => h.type === 'task.signer-added' && h.data.userId === 'head' && h.data.mode === 'before')).to.equal(true);
  });

  it('after: legal signs, the case waits for 王建国 (restart in between), then moves on with legal’s decision', async () => {
    const id = await start('后加签');
    const lt = await openTask(legal, id);
    const r = await legal.post(`/api/tasks/${lt.id}/add-signer`, { userId: 'head', mode: 'after', comment: '办后请复核' });
    expect(r.status).to.equal(201);
    expect(r.body.signerTask).to.equal(null);
    expect((await notes('head', 'case.add-signer', id)).length).to.equal(1);
    expect(await openTasks(id)).to.deep.equal(['Task_Legal:legal']);

    // When legal completes: his opinion is kept, 王建国 now has the step's task, the case has not moved on
    const done = await legal.post(`/api/tasks/${lt.id}/complete`, approve('同意'));
    expect(done.status).to.equal(200);
    expect(done.body.instance.status).to.equal('running');
    expect((await s.db('tasks').where({ id: lt.id }).first()).status).to.equal('completed');
    expect(await openTasks(id)).to.deep.equal(['Task_Legal:head']);
    expect((await notes('head', 'task.new', id)).length).to.equal(1);

    // When the server restarts and 王建国 signs
    await s.restart();
    const mine = await openTask(head, id);
    expect((await head.post(`/api/tasks/${mine.id}/complete`, { variables: { decision: 'approve', comment: '复核无误' } })).status).to.equal(200);

    // Then the step completes in the engine with legal's values: 分管局领导审批 is next
    expect(await openTasks(id)).to.deep.equal(['Task_Leader:-']);
    const inst = (await staff.get(`/api/process-instances/${id}`)).body;
    expect(inst.history.some((h: any) => h.type === 'task.signers-done')).to.equal(true);
    expect(inst.opinions.map((o: any) => o.byName)).to.have.members(['赵法', '王建国']);
  });

  it('parallel: both must sign, in any order', async () => {
    const id = await start('并行会签');
    const lt = await openTask(legal, id);
    expect((await legal.post(`/api/tasks/${lt.id}/add-signer`, { userId: 'head', mode: 'parallel' })).status).to.equal(201);
    const mine = await openTask(head, id);
    expect((await head.post(`/api/tasks/${mine.id}/complete`, approve('同意'))).status).to.equal(200);
    expect(await openTasks(id)).to.deep.equal(['Task_Legal:legal']);
    expect((await legal.post(`/api/tasks/${lt.id}/complete`, approve('同意'))).status).to.equal(200);
    expect(await openTasks(id)).to.deep.equal(['Task_Leader:-']);
  });

  it('a signer’s task goes with the step when the case is returned', async () => {
    const id = await start('加签后退回');
    const lt = await openTask(legal, id);
    await legal.post(`/api/tasks/${lt.id}/add-signer`, { userId: 'head', mode: 'before' });
    const back = await legal.post(`/api/tasks/${lt.id}/return`, { targetElementId: 'Task_Notify', comment: '材料不全' });
    expect(back.status).to.equal(200);
    expect(await openTasks(id)).to.deep.equal(['Task_Notify:staff']);
    expect((await s.db('task_signers').where({ instance_id: id }).first()).status).to.equal('cancelled');
  });

  it('refuses oneself, an unknown user, the applicant, a bad mode, a stranger to the task and a second ask — nothing changed', async () => {
    // Given legal holds a step with one signer asked
    const id = await start('加签拒绝');
    const lt = await openTask(legal, id);
    expect((await legal.post(`/api/tasks/${lt.id}/add-signer`, { userId: 'head', mode: 'parallel' })).status).to.equal(201);
    const tasksBefore = await openTasks(id);
    const signersBefore = await s.db('task_signers').where({ instance_id: id });
    const audits = await auditCount('task.add-signer');
    const version = (await s.db('process_instances').where({ id }).first()).version;

    const tries: Array<[Client, Record<string, unknown>, number, string]> = [
      [legal, { userId: 'legal', mode: 'before' }, 422, 'ADD_SIGNER_SELF'],
      [legal, { userId: 'nobody', mode: 'before' }, 422, 'ADD_SIGNER_UNKNOWN'],
      [legal, { userId: 'staff', mode: 'after' }, 422, 'ADD_SIGNER_NOT_ALLOWED'],
      [legal, { userId: 'leader', mode: 'sideways' }, 422, 'VALIDATION_FAILED'],
      [leader, { userId: 'head', mode: 'before' }, 403, 'NOT_CANDIDATE'],
      [legal, { userId: 'head', mode: 'before' }, 409, 'ADD_SIGNER_DUPLICATE'],
    ];
    for (const [client, body, status, code] of tries) {
      const r = await client.post(`/api/tasks/${lt.id}/add-signer`, body);
      expect([r.status, r.body.error?.code], JSON.stringify(body)).to.deep.equal([status, code]);
    }
    // A signer may not ask someone else in turn
    const mine = await openTask(head, id);
    const nested = await head.post(`/api/tasks/${mine.id}/add-signer`, { userId: 'leader', mode: 'before' });
    expect([nested.status, nested.body.error.code]).to.deep.equal([409, 'ADD_SIGNER_NESTED']);

    expect(await openTasks(id)).to.deep.equal(tasksBefore);
    expect(await s.db('task_signers').where({ instance_id: id })).to.deep.equal(signersBefore);
    expect(await auditCount('task.add-signer')).to.equal(audits);
    expect((await s.db('process_instances').where({ id }).first()).version).to.equal(version);
  });
});
