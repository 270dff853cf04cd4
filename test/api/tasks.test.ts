import { expect } from 'chai';
import { deployViaApi, startServer, T0, type Client, type TestServer } from '../helpers/api.ts';
import { approvalFiles } from './fixtures.ts';

const DAY = 24 * 3600e3;

describe('API: the task inbox and who may work on what', () => {
  let s: TestServer;
  let staff: Client;
  let head: Client;
  let legal: Client;
  let staff2: Client;
  let instanceId: string;
  let approveTaskId: string;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, approvalFiles);
    [staff, head, legal, staff2] = await Promise.all(['staff', 'head', 'legal', 'staff2'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('starts an instance with the start form: 201, the approval task goes to the unit heads', async () => {
    const res = await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'REQ-1', variables: { title: '购置执法记录仪', amount: 12000 } });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ processKey: 'api-approval', businessKey: 'REQ-1', status: 'running', startedBy: 'staff' });
    expect(res.body.variables).to.include({ applicant: 'staff', title: '购置执法记录仪' });
    expect(res.body.tasks).to.deep.equal([]); // the starter is not a candidate of the approval
    instanceId = res.body.id;
  });

  it('lists the task for a candidate with its due time and warning level, and never for anyone else', async () => {
    const inbox = await head.get('/api/tasks?candidate=me&limit=50');
    expect(inbox.status).to.equal(200);
    expect(inbox.body.total).to.equal(1);
    expect(inbox.headers.get('x-total-count')).to.equal('1');
    const task = inbox.body.items[0];
    expect(task).to.include({ name: '负责人审批', processKey: 'api-approval', businessKey: 'REQ-1', assignee: null, warning: 'green', status: 'open' });
    // P3D from Tuesday 1 December: three working days, ending at 24:00 Beijing time on Friday 4 December.
    expect(task.dueAt).to.equal('2026-12-04T16:00:00.000Z');
    approveTaskId = task.id;

    // legal is also a unit head: a candidate too.
    expect((await legal.get('/api/tasks?candidate=me')).body.items.map((t: any) => t.id)).to.deep.equal([approveTaskId]);
    // staff2 and the starter are not candidates: nothing in any list.
    for (const c of [staff2, staff]) {
      for (const q of ['', '?candidate=me', '?assignee=me', '?q=REQ', `?instance=${instanceId}`]) {
        const r = await c.get(`/api/tasks${q}`);
        expect(r.status).to.equal(200);
        expect(r.body.items, `${c.username} ${q}`).to.deep.equal([]);
      }
    }
  });

  it('answers 403 NOT_CANDIDATE to a non-candidate who reads, claims or completes the task', async () => {
    for (const [method, path, body] of [
      ['GET', `/api/tasks/${approveTaskId}`, undefined],
      ['POST', `/api/tasks/${approveTaskId}/claim`, undefined],
      ['POST', `/api/tasks/${approveTaskId}/complete`, { variables: { decision: 'approve' } }],
    ] as const) {
      const r = await staff2.request(method, path, body);
      expect(r.status, path).to.equal(403);
      expect(r.body.error.code).to.equal('NOT_CANDIDATE');
    }
    const still = await s.engine.getTask(approveTaskId);
    expect(still).to.include({ status: 'open', assignee: null });
  });

  it('shows a candidate the task with its form and the variables the form names', async () => {
    const r = await head.get(`/api/tasks/${approveTaskId}`);
    expect(r.status).to.equal(200);
    expect(r.body.task.id).to.equal(approveTaskId);
    expect(r.body.form.key).to.equal('api-approve');
    expect(r.body.form.schema.components.map((c: any) => c.key).filter(Boolean)).to.deep.equal(['decision', 'comment']);
    // The form's text names `title`; `amount` and `applicant` are not in the form.
    expect(r.body.variables).to.deep.equal({ title: '购置执法记录仪' });
    expect(r.body.actions).to.deep.equal({ claim: true, unclaim: false, complete: true, assign: false, return: true, cc: true, addSigner: true, reason: null });
    // 退回 to the applicant's own step (告知申请人) is offered
    expect(r.body.returnTargets.map((t: any) => t.elementId)).to.deep.equal(['Task_Notify']);
    expect(r.body.assignable).to.deep.equal([]); // only the assignee may hand a task over
  });

  it('answers 404 for unknown tasks and routes, 405 for a wrong method, all as JSON errors', async () => {
    const unknown = await head.get('/api/tasks/00000000-0000-0000-0000-000000000000');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('TASK_NOT_FOUND');
    const claimUnknown = await head.post('/api/tasks/nope/claim');
    expect(claimUnknown.status).to.equal(404);
    const route = await head.get('/api/no-such-thing');
    expect(route.status).to.equal(404);
    expect(route.body.error.code).to.equal('ROUTE_NOT_FOUND');
    const method = await head.request('DELETE', `/api/tasks/${approveTaskId}`);
    expect(method.status).to.equal(405);
    expect(method.body.error.code).to.equal('METHOD_NOT_ALLOWED');
  });

  it('refuses bad query parameters with 400 and details per parameter', async () => {
    const r = await head.get('/api/tasks?limit=0&sort=sideways&overdue=maybe&dueBefore=someday');
    expect(r.status).to.equal(400);
    expect(r.body.error.details.map((d: any) => d.field).sort()).to.deep.equal(['dueBefore', 'limit', 'overdue', 'sort']);
    const others = await head.get('/api/tasks?assignee=legal');
    expect(others.status).to.equal(403);
  });

  it('lets a candidate claim; a second candidate then gets 409, and the task leaves their list', async () => {
    const claim = await head.post(`/api/tasks/${approveTaskId}/claim`);
    expect(claim.status).to.equal(200);
    expect(claim.body).to.include({ id: approveTaskId, assignee: 'head' });
    const again = await legal.post(`/api/tasks/${approveTaskId}/claim`);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('TASK_CLAIMED');
    const complete = await legal.post(`/api/tasks/${approveTaskId}/complete`, { variables: { decision: 'approve' } });
    expect(complete.status).to.equal(409);
    expect((await legal.get('/api/tasks?candidate=me')).body.items).to.deep.equal([]);
    // Once head took it, legal (a candidate no longer) may not read it nor its instance (issue 10, finding 8).
    const read = await legal.get(`/api/tasks/${approveTaskId}`);
    expect(read.status).to.equal(403);
    expect(read.body.error.code).to.equal('NOT_CANDIDATE');
    const instance = await legal.get(`/api/process-instances/${(await s.engine.getTask(approveTaskId))!.instanceId}`);
    expect(instance.status).to.equal(403);
    expect(instance.body.error.code).to.equal('INSTANCE_FORBIDDEN');
    expect((await head.get('/api/tasks?assignee=me')).body.items.map((t: any) => t.id)).to.deep.equal([approveTaskId]);
  });

  it('validates the form on completion: 422 with one entry per field, and nothing changes', async () => {
    const auditBefore = (await s.db('audit_log').count({ n: '*' }))[0].n;
    const bad = await head.post(`/api/tasks/${approveTaskId}/complete`, { variables: { comment: '这个说明写得实在是太长了，超过了二十个字的限制呢' } });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('VALIDATION_FAILED');
    const fields = bad.body.error.details.map((d: any) => d.field).sort();
    expect(fields).to.deep.equal(['comment', 'decision']);
    expect(bad.body.error.details.every((d: any) => /[\u4e00-\u9fa5]/.test(d.message))).to.equal(true);
    const undeclared = await head.post(`/api/tasks/${approveTaskId}/complete`, { variables: { decision: 'approve', sneaky: 1 } });
    expect(undeclared.status).to.equal(422);
    const notObject = await head.post(`/api/tasks/${approveTaskId}/complete`, { variables: 'approve' });
    expect(notObject.status).to.equal(400);
    expect((await s.engine.getTask(approveTaskId))!.status).to.equal('open');
    expect((await s.db('audit_log').count({ n: '*' }))[0].n).to.equal(auditBefore);
  });

  it('unclaims and re-claims; only the assignee may unclaim', async () => {
    expect((await legal.post(`/api/tasks/${approveTaskId}/unclaim`)).status).to.equal(403);
    const un = await head.post(`/api/tasks/${approveTaskId}/unclaim`);
    expect(un.status).to.equal(200);
    expect(un.body.assignee).to.equal(null);
    expect((await head.post(`/api/tasks/${approveTaskId}/unclaim`)).status).to.equal(409);
    expect((await head.post(`/api/tasks/${approveTaskId}/claim`)).status).to.equal(200);
  });

  it('completes the approval; the next task goes to the applicant; completing again is 409', async () => {
    const done = await head.post(`/api/tasks/${approveTaskId}/complete`, { variables: { decision: 'approve', comment: '同意' } });
    expect(done.status).to.equal(200);
    expect(done.body.task).to.include({ status: 'completed', completedBy: 'head' });
    expect(done.body.instance.status).to.equal('running');
    expect(done.body.nextTasks).to.deep.equal([]); // the next task is the applicant's, not the head's
    const again = await head.post(`/api/tasks/${approveTaskId}/complete`, { variables: { decision: 'approve' } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('TASK_NOT_OPEN');
    const mine = await staff.get('/api/tasks?assignee=me');
    expect(mine.body.items.map((t: any) => t.name)).to.deep.equal(['告知申请人']);
    const notify = await staff.post(`/api/tasks/${mine.body.items[0].id}/complete`, {});
    expect(notify.status).to.equal(200);
    expect(notify.body.instance.status).to.equal('completed');
    // The completer still sees the completed task.
    const completed = await head.get('/api/tasks?status=completed');
    expect(completed.body.items.map((t: any) => t.id)).to.include(approveTaskId);
  });

  it('does not let the starter approve their own request (separation of duties)', async () => {
    const start = await head.post('/api/process-definitions/api-approval/start', { businessKey: 'REQ-2', variables: { title: '自己的申请' } });
    expect(start.status).to.equal(201);
    // head is a unit head, so the task is in their list, but they may not claim or complete it.
    const task = (await head.get('/api/tasks?candidate=me')).body.items.find((t: any) => t.businessKey === 'REQ-2');
    const claim = await head.post(`/api/tasks/${task.id}/claim`);
    expect(claim.status).to.equal(403);
    expect(claim.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    const complete = await head.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve' } });
    expect(complete.status).to.equal(403);
    expect(complete.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    expect((await s.engine.getTask(task.id))!.status).to.equal('open');
    // Another unit head may.
    expect((await legal.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'reject' } })).status).to.equal(200);
  });

  it('turns a task yellow at 80 % of its limit and red past due; filters overdue and sorts by due time', async () => {
    const first = await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'REQ-3', variables: { title: '甲' } });
    s.clock.advance(DAY); // Wednesday: the second request is due a day later
    const second = await (await s.login('staff')).post('/api/process-definitions/api-approval/start', { businessKey: 'REQ-4', variables: { title: '乙' } });
    expect(first.status).to.equal(201);
    expect(second.status).to.equal(201);

    const at = async (iso: string) => {
      s.clock.set(Date.parse(iso));
      const c = await s.login('maint'); // a unit head who started nothing
      const r = await c.get('/api/tasks?candidate=me&sort=due');
      return { c, items: r.body.items.filter((t: any) => ['REQ-3', 'REQ-4'].includes(t.businessKey)) };
    };
    let { items } = await at('2026-12-03T12:00:00+08:00');
    expect(items.map((t: any) => [t.businessKey, t.warning])).to.deep.equal([['REQ-3', 'green'], ['REQ-4', 'green']]);
    ({ items } = await at('2026-12-04T12:00:00+08:00'));
    expect(items.map((t: any) => [t.businessKey, t.warning])).to.deep.equal([['REQ-3', 'yellow'], ['REQ-4', 'green']]);
    const late = await at('2026-12-05T10:00:00+08:00');
    expect(late.items.map((t: any) => [t.businessKey, t.warning])).to.deep.equal([['REQ-3', 'red'], ['REQ-4', 'green']]);
    const overdue = await late.c.get('/api/tasks?candidate=me&overdue=true');
    expect(overdue.body.items.map((t: any) => t.businessKey)).to.deep.equal(['REQ-3']);
    const desc = await late.c.get('/api/tasks?candidate=me&sort=-due');
    expect(desc.body.items.map((t: any) => t.businessKey).slice(0, 2)).to.deep.equal(['REQ-4', 'REQ-3']);
    const before = await late.c.get(`/api/tasks?candidate=me&dueBefore=${encodeURIComponent('2026-12-05T01:00:00+08:00')}`);
    expect(before.body.items.map((t: any) => t.businessKey)).to.deep.equal(['REQ-3']);
    expect(Date.parse('2026-12-05T10:00:00+08:00')).to.be.greaterThan(T0);
  });

  it('pages lists with limit and offset and reports the total', async () => {
    const c = await s.login('maint');
    const all = await c.get('/api/tasks?candidate=me');
    expect(all.body.total).to.equal(2);
    const p1 = await c.get('/api/tasks?candidate=me&limit=1&sort=created');
    const p2 = await c.get('/api/tasks?candidate=me&limit=1&offset=1&sort=created');
    expect(p1.body).to.include({ total: 2, limit: 1, offset: 0 });
    expect(p1.body.items).to.have.length(1);
    expect(p2.body.items).to.have.length(1);
    expect(p1.body.items[0].id).not.to.equal(p2.body.items[0].id);
  });

  it('lets supervision read every task (all=true) but not work on others\' tasks', async () => {
    const sup = await s.login('supervisor');
    const all = await sup.get('/api/tasks?all=true');
    expect(all.body.items.map((t: any) => t.businessKey)).to.include.members(['REQ-3', 'REQ-4']);
    const task = all.body.items.find((t: any) => t.businessKey === 'REQ-3');
    expect((await sup.get(`/api/tasks/${task.id}`)).status).to.equal(200);
    const claim = await sup.post(`/api/tasks/${task.id}/claim`);
    expect(claim.status).to.equal(403);
    expect(claim.body.error.code).to.equal('NOT_CANDIDATE');
    // What a given person may claim, read-only.
    const forHead = await sup.get('/api/tasks?candidate=maint');
    expect(forHead.body.total).to.equal(2);
    expect((await sup.get('/api/tasks?candidate=ghost')).status).to.equal(404);
  });
});
