import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { verifyAudit } from '../../src/domain/audit.ts';
import { createPowerRecord } from '../../src/domain/records.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/** 转办: the assignee hands a task to another of its candidates, over HTTP. */
describe('API: handing a task to another candidate (转办)', () => {
  let s: TestServer;
  const clock = new ManualClock(Date.parse('2026-11-30T09:00:00+08:00'));
  const clients = new Map<string, Client>();

  const as = async (user: string) => {
    let c = clients.get(user);
    if (!c) clients.set(user, (c = await s.login(user)));
    return c;
  };
  const settle = async () => {
    for (let i = 0; i < 10 && (await s.engine.jobs.runDue()) > 0; i++);
  };
  const openTask = async (instanceId: string, elementId: string) => {
    const detail = await (await as('supervisor')).get(`/api/process-instances/${instanceId}`);
    return detail.body.tasks.find((t: any) => t.elementId === elementId && t.status === 'open');
  };

  before(async () => {
    s = await startServer({ procedures: true, clock });
  });
  after(async () => {
    await s.close();
  });

  it('lets the assignee hand the repair to a colleague of the information centre, who is told', async () => {
    // Given staff reports a fault and 孙网 (itc) claims the repair.
    const started = await (await as('staff')).post('/api/process-definitions/fault-report/start', {
      businessKey: 'GZ-2026-0301',
      variables: { device: 'usb-key', occurredAt: '2026-11-30T08:30+08:00', description: 'USB Key 无法识别，无法登录' },
    });
    expect(started.status, started.text).to.equal(201);
    await settle();
    const task = await openTask(started.body.id, 'Task_Repair');
    const itc = await as('itc');
    expect((await itc.post(`/api/tasks/${task.id}/claim`)).status).to.equal(200);
    const detail = (await itc.get(`/api/tasks/${task.id}`)).body;
    expect(detail.actions.assign).to.equal(true);
    expect(detail.assignable.map((u: any) => u.id)).to.deep.equal(['itc-head']);

    // When he hands it to 马信 (itc-head) with a note.
    const res = await itc.post(`/api/tasks/${task.id}/assign`, { userId: 'itc-head', comment: '需更换 USB Key，请主任审批' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.assignee).to.equal('itc-head');

    // Then 马信 has it in his inbox and a notification; 孙网 no longer has it; history and audit tell.
    const head = await as('itc-head');
    expect((await head.get('/api/tasks?assignee=me')).body.items.map((t: any) => t.id)).to.include(task.id);
    expect((await itc.get('/api/tasks?assignee=me')).body.items.map((t: any) => t.id)).to.not.include(task.id);
    const note = (await head.get('/api/notifications')).body.items.find((n: any) => n.kind === 'task.assigned');
    expect(note).to.include({ title: '转办：信息中心受理维修（常民防修〔2026〕0001号）', body: '“故障报修：USB Key 无法识别，无法登录”：孙网将此任务转给您办理：需更换 USB Key，请主任审批。', taskId: task.id });
    const history = (await (await as('supervisor')).get(`/api/process-instances/${started.body.id}`)).body.history;
    const assigned = history.find((h: any) => h.type === 'task.assigned');
    expect(assigned).to.deep.include({ actor: 'itc', data: { to: 'itc-head', comment: '需更换 USB Key，请主任审批' } });
    const audit = (await (await as('supervisor')).get(`/api/audit?action=task.assign&instance=${started.body.id}`)).body.items;
    expect(audit).to.have.length(1);
    expect((await verifyAudit(s.db)).ok).to.equal(true);

    // And the former assignee can no longer complete it.
    const late = await itc.post(`/api/tasks/${task.id}/complete`, { variables: { repairResult: 'repaired', repairNote: '已修复' } });
    expect(late.status).to.equal(409);
  });

  it('refuses a hand-over by anyone but the assignee, to a non-candidate, to oneself or to an unknown user, changing nothing', async () => {
    const started = await (await as('staff')).post('/api/process-definitions/fault-report/start', {
      businessKey: 'GZ-2026-0302',
      variables: { device: 'computer', occurredAt: '2026-11-30T08:40+08:00', description: '显示器无信号，无法办公' },
    });
    await settle();
    const task = await openTask(started.body.id, 'Task_Repair');
    const itc = await as('itc');
    // Unclaimed: nobody owns it to hand over.
    expect((await itc.post(`/api/tasks/${task.id}/assign`, { userId: 'itc-head' })).body.error.code).to.equal('NOT_ASSIGNEE');
    await itc.post(`/api/tasks/${task.id}/claim`);
    const byOther = await (await as('itc-head')).post(`/api/tasks/${task.id}/assign`, { userId: 'itc-head' });
    expect(byOther.status).to.equal(403);
    expect(byOther.body.error.code).to.equal('NOT_ASSIGNEE');
    const cases: Array<[unknown, number, string]> = [
      [{ userId: 'legal' }, 422, '接收人不是该任务的候选人，不能接收转办'],
      [{ userId: 'itc' }, 422, '不能转办给自己'],
      [{ userId: 'nobody' }, 422, '接收人不存在或已停用'],
    ];
    for (const [body, status, message] of cases) {
      const r = await itc.post(`/api/tasks/${task.id}/assign`, body);
      expect(r.status, JSON.stringify(body)).to.equal(status);
      expect(r.body.error.details[0]).to.deep.equal({ field: 'userId', message });
    }
    expect((await itc.post(`/api/tasks/${task.id}/assign`, {})).status).to.equal(400);
    expect((await s.engine.getTask(task.id))!.assignee).to.equal('itc');
    expect((await (await as('supervisor')).get(`/api/audit?action=task.assign&instance=${started.body.id}`)).body.items).to.have.length(0);
  });

  it('does not hand a filing to the supervision officer who asked for the deletion (separation of duties); her returned form shows supervision her records', async () => {
    // 何静 (supervisor2) asks to delete a record she entered; 刘清 (supervisor) files it.
    await createPowerRecord(
      s.db,
      { itemCode: 'JC-0001', unitId: 'supervision-office', partyName: '测试单位', summary: '监察室误录入的检查记录', handledOn: '2026-11-27' },
      { by: 'supervisor2', now: clock.now() },
    );
    const asker = await as('supervisor2');
    const form = (await asker.get('/api/process-definitions/data-deletion/start-form')).body;
    const recordId = form.formData.myRecords[0].value;
    const started = await asker.post('/api/process-definitions/data-deletion/start', {
      variables: { records: [{ kind: 'power-record', recordId }], content: '误录入的检查记录', reason: '录入时选错了事项，删除后重新录入正确的记录' },
    });
    expect(started.status, started.text).to.equal(201);
    await settle();
    const head = await openTask(started.body.id, 'Task_HeadApproval');
    const sup = await as('supervisor');
    await sup.post(`/api/tasks/${head.id}/claim`);
    expect((await sup.post(`/api/tasks/${head.id}/complete`, { variables: { decision: 'approve', comment: '同意' } })).status).to.equal(200);
    await settle();
    const filing = await openTask(started.body.id, 'Task_Filing');
    await sup.post(`/api/tasks/${filing.id}/claim`);
    const r = await sup.post(`/api/tasks/${filing.id}/assign`, { userId: 'supervisor2' });
    expect(r.status).to.equal(422);
    expect(r.body.error.details[0].field).to.equal('userId');
    expect(r.body.error.details[0].message).to.contain('职责分离');
    expect((await s.engine.getTask(filing.id))!.assignee).to.equal('supervisor');

    // Returned to her, the request's revise form offers her own records — and shows them so to supervision, read-only.
    expect((await sup.post(`/api/tasks/${filing.id}/complete`, { variables: { decision: 'reject', comment: '请补充删除原因' } })).status).to.equal(200);
    await settle();
    const revise = await openTask(started.body.id, 'Task_Revise');
    const own = (await asker.get(`/api/tasks/${revise.id}`)).body;
    expect(own.actions.complete).to.equal(true);
    expect(own.formData.myRecords.map((o: any) => o.value)).to.include(recordId);
    const bySupervision = (await sup.get(`/api/tasks/${revise.id}`)).body;
    expect(bySupervision.actions.complete).to.equal(false);
    expect(bySupervision.formData).to.deep.equal(own.formData);
  });
});
