import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { verifyAudit } from '../../src/domain/audit.ts';
import { auditHead } from '../../src/store/audit.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { root } from '../helpers/procedures.ts';

/**
 * Issue 10, finding 3: the subject of an accountability case cancelled it alone. Cancel now honours
 * the case's separation of duties, and an accountability or penalty case is only cancelled after a
 * leader (not the requester, not anyone the case concerns) approves in platform-cancellation.
 */
describe('security: cancelling a case needs the case’s separation of duties and a second person', () => {
  let s: TestServer;
  let sup: Client;
  let sup2: Client;
  let leader: Client;
  let leader2: Client;

  const settle = async () => {
    for (let i = 0; i < 20 && (await s.engine.jobs.runDue()) > 0; i++);
  };
  const openCase = async (by: Client, subjectUserId: string): Promise<string> => {
    const res = await by.post('/api/process-definitions/accountability-review/start', {
      variables: { category: '2', subjectKind: 'person', subjectUserId, facts: '受理的审批事项超过承诺时限未在网上办结，造成不良影响' },
    });
    expect(res.status, res.text).to.equal(201);
    await settle();
    return res.body.id;
  };
  /** What a refused cancel must leave alone: the case, the requests, the approval instances, the audit chain. */
  const snapshot = async (id: string) => ({
    instance: await s.db('process_instances').where({ id }).first('status', 'version'),
    tasks: await s.db('tasks').where({ instance_id: id }).orderBy('id').select('id', 'status', 'assignee'),
    requests: await s.db('cancellation_requests').orderBy('id').select(),
    approvals: Number((await s.db('process_instances').where({ process_key: 'platform-cancellation' }).count({ n: '*' }))[0].n),
    audit: await auditHead(s.db),
  });
  const approvalTask = async (approvalInstanceId: string) => {
    const tasks = await s.engine.tasksOfInstance(approvalInstanceId);
    return tasks.find((t) => t.elementId === 'Task_Approval' && t.status === 'open')!;
  };

  before(async () => {
    s = await startServer({ procedures: true });
    [sup, sup2, leader, leader2] = await Promise.all(['supervisor', 'supervisor2', 'leader', 'leader2'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('refuses the subject of a case (and its starter) a cancel, changing nothing', async () => {
    // Given 刘清 opened a case against 何静
    const id = await openCase(sup, 'supervisor2');
    const before = await snapshot(id);
    // When 何静, the subject, tries to cancel it
    const bySubject = await sup2.post(`/api/process-instances/${id}/cancel`, { reason: '情况已说明，撤销' });
    // Then she is refused by separation of duties, and so is the starter
    expect(bySubject.status).to.equal(403);
    expect(bySubject.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    const byStarter = await sup.post(`/api/process-instances/${id}/cancel`, { reason: '撤销' });
    expect(byStarter.status).to.equal(403);
    expect(byStarter.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    // And nothing changed: the case runs, no request or approval exists, the audit chain did not move
    expect(await snapshot(id)).to.deep.equal(before);
    expect(before.instance.status).to.equal('running');
  });

  it('turns a cancel into a request a leader approves; a second request meanwhile is 409 CANCEL_PENDING', async () => {
    // Given 何静 opened a case against 杨帆 (leader2)
    const id = await openCase(sup2, 'leader2');
    // When 刘清 asks to cancel it
    const res = await sup.post(`/api/process-instances/${id}/cancel`, { reason: '经核实系误报' });
    // Then the answer is 202 pending and the case still runs
    expect(res.status, res.text).to.equal(202);
    expect(res.body).to.include({ status: 'pending' });
    expect((await s.engine.getInstance(id))!.status).to.equal('running');
    const before = await snapshot(id);
    // And a second cancel while it is pending is refused and changes nothing
    const again = await sup.post(`/api/process-instances/${id}/cancel`, { reason: '再次申请' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('CANCEL_PENDING');
    expect(await snapshot(id)).to.deep.equal(before);
    // And the requester cannot approve (not a leader), nor can the case's subject
    const task = await approvalTask(res.body.approvalInstanceId);
    expect((await sup.post(`/api/tasks/${task.id}/claim`)).body.error.code).to.equal('NOT_CANDIDATE');
    const bySubject = await leader2.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意撤销' } });
    expect(bySubject.status).to.equal(403);
    expect(bySubject.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    expect(await snapshot(id)).to.deep.equal(before);
    // When 陈立新 approves
    const ok = await leader.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意撤销' } });
    expect(ok.status, ok.text).to.equal(200);
    await settle();
    // Then the case is cancelled for the requester, the request approved, both steps audited
    const after = (await sup.get(`/api/process-instances/${id}`)).body;
    expect(after).to.include({ status: 'cancelled', endedBy: 'supervisor' });
    expect(await s.db('cancellation_requests').where({ instance_id: id }).first()).to.include({ status: 'approved', decided_by: 'leader', requested_by: 'supervisor' });
    const actions = (await sup.get(`/api/audit?instance=${id}`)).body.items.map((a: any) => `${a.action}:${a.actor}`);
    expect(actions).to.include.members(['process.cancel-requested:supervisor', 'process.cancel-approved:leader']);
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('keeps the case running when the leader rejects the request; a new request may follow', async () => {
    const id = await openCase(sup2, 'staff3');
    const res = await sup.post(`/api/process-instances/${id}/cancel`, { reason: '当事人已调离' });
    expect(res.status).to.equal(202);
    const task = await approvalTask(res.body.approvalInstanceId);
    expect((await leader.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'reject', comment: '调离不影响追责' } })).status).to.equal(200);
    await settle();
    expect((await s.engine.getInstance(id))!.status).to.equal('running');
    expect(await s.db('cancellation_requests').where({ instance_id: id }).first()).to.include({ status: 'rejected', decided_by: 'leader' });
    expect((await sup.post(`/api/process-instances/${id}/cancel`, { reason: '补充材料后再次申请' })).status).to.equal(202);
  });

  it('asks a leader before cancelling a penalty case too', async () => {
    const staff = await s.login('staff');
    const started = await staff.post('/api/power-items/CF-0001/start', {
      variables: { caseSource: 'inspection', foundOn: '2026-11-20', partyType: 'organisation', partyName: '常州某置业有限公司', partyCreditCode: '91320400MA1P2XYW3T', partyAddress: '常州市新北区太湖东路101号', facts: '擅自拆除人防工程防护密闭门及部分口部结构' },
    });
    expect(started.status, started.text).to.equal(201);
    await settle();
    const res = await sup.post(`/api/process-instances/${started.body.id}/cancel`, { reason: '当事人已自行整改' });
    expect(res.status, res.text).to.equal(202);
    expect(res.body.status).to.equal('pending');
    expect((await s.engine.getInstance(started.body.id))!.status).to.equal('running');
  });

  it('also asks for approval for a case started on a version before the property was added', async () => {
    // Given a case running on a version of accountability-review without cancelRequiresApproval
    const file = fs.readFileSync(path.join(root, 'processes', 'accountability-review.bpmn'), 'utf8');
    const without = file.replace(/<camunda:property name="cancelRequiresApproval" value="true" \/>/, '');
    expect(without).to.not.equal(file);
    await s.engine.deploy([{ name: 'accountability-review.bpmn', content: without }], { by: 'system' });
    const id = await openCase(sup2, 'staff2');
    // And the property back in the latest version
    await s.engine.deploy([{ name: 'accountability-review.bpmn', content: file }], { by: 'system' });
    // When supervision cancels the older case, a leader must still approve
    const res = await sup.post(`/api/process-instances/${id}/cancel`, { reason: '重复立案' });
    expect(res.status, res.text).to.equal(202);
    expect((await s.engine.getInstance(id))!.status).to.equal('running');
  });

  it('lets nobody start the cancellation procedure by hand, and marks penalty cases as needing approval', async () => {
    const before = await snapshot('none');
    const res = await sup.post('/api/process-definitions/platform-cancellation/start', { variables: { requestId: 'x', targetInstanceId: 'y' } });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('NOT_STARTER');
    expect(await snapshot('none')).to.deep.equal(before);
    expect((await s.engine.definitions.latest('penalty-case')).def.model.properties).to.include({ cancelRequiresApproval: 'true' });
  });
});
