import { expect } from 'chai';
import { flow, process } from '../helpers/bpmn.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { approvalFiles } from './fixtures.ts';

const DAY = 24 * 3600e3;

/** A service task whose handler fails until `healthy` is set: one attempt, then an incident. */
const flakyBpmn = process(
  'api-flaky',
  `
  <bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'call')}
  <bpmn:serviceTask id="call" name="调用接口" camunda:type="external" camunda:topic="api.flaky">
    <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT10S</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
  </bpmn:serviceTask>
  ${flow('f2', 'call', 'end')}
  <bpmn:endEvent id="end" />
`,
);

describe('API: process instances, messages, cancelling and the monitor', () => {
  let s: TestServer;
  let staff: Client;
  let staff2: Client;
  let head: Client;
  let sup: Client;
  let healthy = false;
  let approvalId: string;
  let waitId: string;

  before(async () => {
    s = await startServer({
      handlers: {
        'api.flaky': () => {
          if (!healthy) throw new Error('接口暂不可用');
          return { called: true };
        },
      },
    });
    await deployViaApi(s, [...approvalFiles, { name: 'api-flaky.bpmn', content: flakyBpmn }]);
    [staff, staff2, head, sup] = await Promise.all(['staff', 'staff2', 'head', 'supervisor'].map((u) => s.login(u)));
    approvalId = (await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'INS-1', variables: { title: '实例一' } })).body.id;
    waitId = (await staff.post('/api/process-definitions/api-wait/start', { businessKey: 'W-1' })).body.id;
  });
  after(async () => {
    await s.close();
  });

  it('lists the instances a person started or took part in; supervision sees all', async () => {
    const own = await staff.get('/api/process-instances');
    expect(own.status).to.equal(200);
    expect(own.body.items.map((i: any) => i.businessKey).sort()).to.deep.equal(['INS-1', 'W-1']);
    // head is a candidate of the approval: they take part in it, not in the other one.
    expect((await head.get('/api/process-instances')).body.items.map((i: any) => i.id)).to.deep.equal([approvalId]);
    expect((await staff2.get('/api/process-instances')).body.items).to.deep.equal([]);
    const all = await sup.get('/api/process-instances?status=running');
    expect(all.body.total).to.equal(2);
    expect((await sup.get('/api/process-instances?key=api-wait')).body.items.map((i: any) => i.id)).to.deep.equal([waitId]);
    expect((await sup.get('/api/process-instances?businessKey=INS-1&startedBy=staff')).body.total).to.equal(1);
    expect((await sup.get('/api/process-instances?startedBy=head')).body.total).to.equal(0);
    const bad = await sup.get('/api/process-instances?status=sleeping');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('status');
  });

  it('filters by the starter’s unit and start time, says where each instance waits, and keeps a missing business key null', async () => {
    const byUnit = await sup.get('/api/process-instances?unit=inspection-brigade');
    expect(byUnit.body.total).to.equal(2);
    expect((await sup.get('/api/process-instances?unit=legal-office')).body.total).to.equal(0);
    expect((await sup.get('/api/process-instances?unit=inspection-brigade&startedFrom=2026-12-01T00:00:00%2B08:00&startedTo=2026-12-02T00:00:00%2B08:00')).body.total).to.equal(2);
    expect((await sup.get('/api/process-instances?startedFrom=2026-12-02T00:00:00%2B08:00')).body.total).to.equal(0);
    expect((await sup.get('/api/process-instances?startedFrom=tomorrow')).status).to.equal(400);
    // Shapes Date.parse would take but no one means: a year -1, a weekday, a 19-digit number.
    for (const v of ['-1', 'Tuesday', '9999999999999999999']) expect((await sup.get(`/api/process-instances?startedTo=${v}`)).body.error.details[0].field).to.equal('startedTo');
    expect((await sup.get(`/api/process-instances?unit=inspection-brigade&startedTo=${Date.parse('2026-12-02T00:00:00+08:00')}`)).body.total).to.equal(2);
    // Started Tuesday 12-01 09:00 with P3D: due at the end of Friday 12-04 — the rest of Tuesday and three days.
    const [approvalTask] = (await head.get('/api/tasks?candidate=me')).body.items;
    expect(approvalTask.workdaysLeft).to.equal(3.6);
    const approval = (await sup.get(`/api/process-instances?businessKey=INS-1`)).body.items[0];
    expect(approval.openTasks).to.have.length(1);
    expect(approval.openTasks[0]).to.include.keys('id', 'elementId', 'name', 'assignee', 'dueAt');
    const noKey = await staff.post('/api/process-definitions/api-wait/start', {});
    expect(noKey.status).to.equal(201);
    expect(noKey.body.businessKey).to.equal(null);
    const listed = (await sup.get('/api/process-instances?key=api-wait')).body.items.find((i: any) => i.id === noKey.body.id);
    expect(listed.businessKey).to.equal(null);
    await sup.post(`/api/process-instances/${noKey.body.id}/cancel`, { reason: '测试用，撤销' });
  });

  it('shows one instance in full to those who may see it: activities with times, tasks, variables, history', async () => {
    const res = await staff.get(`/api/process-instances/${approvalId}`);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ id: approvalId, status: 'running', processKey: 'api-approval' });
    expect(res.body.variables).to.include({ title: '实例一', applicant: 'staff' });
    expect(res.body.activities.active.map((a: any) => a.elementId)).to.deep.equal(['Task_Approve']);
    expect(res.body.activities.completed.map((a: any) => a.elementId)).to.include('start');
    expect(res.body.activities.completed[0].endedAt).to.be.a('string');
    expect(res.body.tasks.map((t: any) => [t.name, t.status, t.warning])).to.deep.equal([['负责人审批', 'open', 'green']]);
    expect(res.body.history.map((h: any) => h.type)).to.include.members(['process.start', 'task.created']);
    expect(res.body.incidents).to.deep.equal([]);

    const denied = await staff2.get(`/api/process-instances/${approvalId}`);
    expect(denied.status).to.equal(403);
    expect(denied.body.error.code).to.equal('INSTANCE_FORBIDDEN');
    expect((await sup.get(`/api/process-instances/${approvalId}`)).status).to.equal(200);
    const unknown = await staff.get('/api/process-instances/00000000-0000-0000-0000-000000000000');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('INSTANCE_NOT_FOUND');
  });

  it('correlates a message to the waiting instance for a participant; others get 403, unknown names 404', async () => {
    const refused = await staff2.post('/api/process-instances/messages/api-documents', { businessKey: 'W-1' });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('MESSAGE_FORBIDDEN');
    const unknown = await staff.post('/api/process-instances/messages/no-such-message', { businessKey: 'W-1' });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('MESSAGE_NOT_CORRELATED');
    const bad = await staff.post('/api/process-instances/messages/api-documents', { businessKey: ['W-1'] });
    expect(bad.status).to.equal(400);

    const ok = await staff.post('/api/process-instances/messages/api-documents', { businessKey: 'W-1', variables: { pages: 12 } });
    expect(ok.status).to.equal(200);
    expect(ok.body.started).to.equal(false);
    expect(ok.body.instance.id).to.equal(waitId);
    const legal = await s.login('legal');
    const inbox = await legal.get('/api/tasks?candidate=me&processKey=api-wait');
    expect(inbox.body.items.map((t: any) => [t.name, t.instanceId])).to.deep.equal([['审查材料', waitId]]);
    // Nobody waits any more: the same message now finds nothing.
    expect((await staff.post('/api/process-instances/messages/api-documents', { businessKey: 'W-1' })).status).to.equal(404);
  });

  it('lets only supervision cancel, with a reason; a cancelled instance answers 409 afterwards', async () => {
    const notAllowed = await staff.post(`/api/process-instances/${approvalId}/cancel`, { reason: '撤回' });
    expect(notAllowed.status).to.equal(403);
    const noReason = await sup.post(`/api/process-instances/${approvalId}/cancel`, {});
    expect(noReason.status).to.equal(400);
    expect(noReason.body.error.details).to.deep.equal([{ field: 'reason', message: '必填' }]);
    expect((await s.engine.getInstance(approvalId))!.status).to.equal('running');

    const res = await sup.post(`/api/process-instances/${approvalId}/cancel`, { reason: '申请人已调离' });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ status: 'cancelled', endedBy: 'supervisor', endReason: '申请人已调离' });
    const tasks = await s.engine.tasksOfInstance(approvalId);
    expect(tasks.map((t) => t.status)).to.deep.equal(['cancelled']);
    const again = await sup.post(`/api/process-instances/${approvalId}/cancel`, { reason: '再次' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('INSTANCE_ENDED');
    expect((await sup.post('/api/process-instances/00000000-0000-0000-0000-000000000000/cancel', { reason: 'x' })).status).to.equal(404);
    const claim = await head.post(`/api/tasks/${tasks[0].id}/claim`);
    expect(claim.status).to.equal(409);
    const audit = (await sup.get(`/api/audit?instance=${approvalId}&action=process.cancel`)).body.items[0];
    expect(audit.before).to.deep.equal({ status: 'running' });
    expect(audit.after).to.deep.equal({ status: 'cancelled', reason: '申请人已调离' });
  });

  it('summarises running work for supervision: per process, per activity, per warning level, incidents, per unit', async () => {
    await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'INS-2', variables: { title: '二' } });
    await head.post('/api/process-definitions/api-approval/start', { businessKey: 'INS-3', variables: { title: '三' } });
    await staff.post('/api/process-definitions/api-flaky/start', {});
    await s.engine.jobs.runDue(); // the handler fails: one attempt only, so an incident opens
    s.clock.advance(4 * DAY); // Saturday 5 December: the approvals (due Friday) are overdue
    const supNow = await s.login('supervisor');
    const res = await supNow.get('/api/monitor/summary');
    expect(res.status).to.equal(200);
    const m = res.body;
    const running = Object.fromEntries(m.processes.map((p: any) => [p.processKey, p.running]));
    expect(running).to.deep.equal({ 'api-approval': 2, 'api-wait': 1, 'api-flaky': 1 });
    const approve = m.activities.find((a: any) => a.elementId === 'Task_Approve');
    expect(approve).to.include({ processKey: 'api-approval', kind: 'userTask', count: 2, name: '负责人审批' });
    expect(m.activities.find((a: any) => a.elementId === 'check')).to.include({ count: 1 });
    expect(m.tasks).to.deep.equal({ green: 0, yellow: 0, red: 2, none: 1, open: 3 });
    expect(m.incidents.open).to.equal(1);
    expect(m.incidents.perProcess).to.deep.equal([{ processKey: 'api-flaky', open: 1 }]);
    const brigade = m.units.find((u: any) => u.unitId === 'inspection-brigade');
    expect(brigade).to.include({ unitName: '监察大队', running: 4, openTasks: 3, incidents: 1 });
    expect(brigade.tasks).to.deep.equal({ green: 0, yellow: 0, red: 2, none: 1 });
    const forStaff = await (await s.login('staff')).get('/api/monitor/summary');
    expect(forStaff.status).to.equal(403);

    const overdue = await supNow.get('/api/process-instances?overdue=true');
    expect(overdue.body.items.map((i: any) => i.businessKey).sort()).to.deep.equal(['INS-2', 'INS-3']);
  });

  it('lists incidents and retries one (supervision or process owners); a resolved one answers 409', async () => {
    const supNow = await s.login('supervisor');
    const list = await supNow.get('/api/incidents?status=open');
    expect(list.body.total).to.equal(1);
    const incident = list.body.items[0];
    expect(incident.message).to.contain('接口暂不可用');
    expect((await (await s.login('staff')).post(`/api/incidents/${incident.id}/retry`)).status).to.equal(403);
    healthy = true;
    const retry = await (await s.login('owner')).post(`/api/incidents/${incident.id}/retry`);
    expect(retry.status).to.equal(200);
    expect(retry.body).to.include({ status: 'resolved', resolvedBy: 'owner' });
    await s.engine.jobs.runDue();
    expect((await s.engine.getInstance(incident.instanceId))!.status).to.equal('completed');
    const again = await supNow.post(`/api/incidents/${incident.id}/retry`);
    expect(again.status).to.equal(409);
    expect((await supNow.post('/api/incidents/nope/retry')).status).to.equal(404);
  });
});
