import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { verifyAudit } from '../../src/domain/audit.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

/** 催办 (Art. 5): reminding whoever must act on an open task, over HTTP. */
describe('API: reminders (催办) of open tasks', () => {
  let s: TestServer;
  const clock = new ManualClock(Date.parse('2026-11-30T09:00:00+08:00'));
  const clients = new Map<string, Client>();
  let taskId: string;
  let instanceId: string;

  const as = async (user: string) => {
    let c = clients.get(user);
    if (!c) clients.set(user, (c = await s.login(user)));
    return c;
  };
  const reminders = async (user: string) => (await (await as(user)).get('/api/notifications')).body.items.filter((n: any) => n.kind === 'task.remind');

  before(async () => {
    s = await startServer({ procedures: true, clock });
    // Given staff (监察大队) reports a fault; the information centre's repair task waits, unclaimed.
    const started = await (await as('staff')).post('/api/process-definitions/fault-report/start', {
      businessKey: 'GZ-2026-0201',
      variables: { device: 'computer', occurredAt: '2026-11-30T08:30+08:00', description: '开机后蓝屏，无法登录内控平台' },
    });
    expect(started.status, started.text).to.equal(201);
    instanceId = started.body.id;
    for (let i = 0; i < 10 && (await s.engine.jobs.runDue()) > 0; i++);
    const detail = await (await as('supervisor')).get(`/api/process-instances/${instanceId}`);
    taskId = detail.body.tasks.find((t: any) => t.elementId === 'Task_Repair' && t.status === 'open').id;
  });
  after(async () => {
    await s.close();
  });

  it('lets the applicant remind the candidates of an unclaimed task, once an hour', async () => {
    const staff = await as('staff');
    const res = await staff.post(`/api/tasks/${taskId}/remind`, { message: '电脑仍无法使用，影响网上办理' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.recipients).to.deep.equal(['itc', 'itc-head']);
    const [note] = await reminders('itc');
    expect(note).to.include({ level: 'info', taskId, instanceId, title: '催办：信息中心受理维修（常民防修〔2026〕0001号）' });
    expect(note.body).to.equal('张明催办此任务：电脑仍无法使用，影响网上办理。');
    expect(await reminders('itc-head')).to.have.length(1);

    // Again within the hour: refused, nothing sent.
    clock.advance(25 * 60_000);
    const again = await staff.post(`/api/tasks/${taskId}/remind`, {});
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('REMIND_TOO_SOON');
    expect(await reminders('itc')).to.have.length(1);

    // An hour after the first: accepted (signed in again: sessions end after 30 idle minutes).
    clock.advance(36 * 60_000);
    clients.clear();
    expect((await (await as('staff')).post(`/api/tasks/${taskId}/remind`, {})).status).to.equal(201);
    expect((await reminders('itc')).map((n: any) => n.body)).to.include('张明催办此任务，请尽快办理。');
  });

  it('lets supervision and the heads and contacts of the units concerned remind; refuses others', async () => {
    expect((await (await as('supervisor')).post(`/api/tasks/${taskId}/remind`, {})).status).to.equal(201);
    expect((await (await as('head')).post(`/api/tasks/${taskId}/remind`, {})).status).to.equal(201); // head of the applicant's unit
    const legal = await (await as('legal')).post(`/api/tasks/${taskId}/remind`, {});
    expect(legal.status).to.equal(403);
    expect(legal.body.error.code).to.equal('NOT_ALLOWED_TO_REMIND');

    // Once claimed, only the assignee is reminded; the head of the assignee's unit may remind too.
    expect((await (await as('itc')).post(`/api/tasks/${taskId}/claim`)).status).to.equal(200);
    const byItcHead = await (await as('itc-head')).post(`/api/tasks/${taskId}/remind`, { message: '请今天修好' });
    expect(byItcHead.status, byItcHead.text).to.equal(201);
    expect(byItcHead.body.recipients).to.deep.equal(['itc']);
  });

  it('keeps each reminder in the history and the audit trail', async () => {
    const detail = await (await as('supervisor')).get(`/api/process-instances/${instanceId}`);
    const reminded = detail.body.history.filter((h: any) => h.type === 'task.reminded');
    expect(reminded.map((h: any) => h.actor)).to.deep.equal(['staff', 'staff', 'supervisor', 'head', 'itc-head']);
    expect(reminded[0].data.comment).to.equal('电脑仍无法使用，影响网上办理');
    const audit = await (await as('supervisor')).get(`/api/audit?action=task.remind&instance=${instanceId}`);
    expect(audit.body.items).to.have.length(5);
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('shows a unit head and contact person what waits on their colleagues, and lets them remind them', async () => {
    // Given the legal office asks 李娜 (staff2, 监察大队) for a check, and the information centre for a repair.
    const xml = (id: string, who: string) =>
      process(id, `<bpmn:startEvent id="S" />${flow('F1', 'S', 'T')}${userTask('T', '协助核查', `${who} camunda:dueDate="P3D"`)}${flow('F2', 'T', 'E')}<bpmn:endEvent id="E" />`);
    await s.engine.deploy([{ name: 'assist-user.bpmn', content: xml('assist-user', 'camunda:candidateUsers="staff2"') }, { name: 'assist-group.bpmn', content: xml('assist-group', 'camunda:candidateGroups="legal"') }], { by: 'owner' });
    const legal = await as('legal');
    const taskOf = async (key: string, businessKey: string) => {
      const started = await legal.post(`/api/process-definitions/${key}/start`, { businessKey, variables: {} });
      expect(started.status, started.text).to.equal(201);
      return (await (await as('supervisor')).get(`/api/process-instances/${started.body.id}`)).body.tasks[0].id as string;
    };
    const forStaff2 = await taskOf('assist-user', 'XC-1');
    const forLegal = await taskOf('assist-group', 'XC-2');

    // Then the brigade's head and contact person (staff) see 李娜's task, not the legal office's.
    for (const user of ['head', 'staff']) {
      const res = await (await as(user)).get('/api/unit-tasks');
      expect(res.status, res.text).to.equal(200);
      expect(res.body.unit).to.deep.equal({ id: 'inspection-brigade', name: '监察大队' });
      const ids = res.body.items.map((t: any) => t.id);
      expect(ids).to.include(forStaff2);
      expect(ids).to.not.include(forLegal);
      expect(res.headers.get('x-total-count')).to.equal(String(res.body.total));
    }
    // A plain member may not look; supervision may look at any unit.
    expect((await (await as('staff2')).get('/api/unit-tasks')).body.error.code).to.equal('NOT_UNIT_HEAD_OR_CONTACT');
    const legalOffice = await (await as('supervisor')).get('/api/unit-tasks?unit=legal-office');
    expect(legalOffice.body.items.map((t: any) => t.id)).to.include(forLegal);
    expect((await (await as('supervisor')).get('/api/unit-tasks?unit=nowhere')).status).to.equal(404);
    expect((await (await as('staff')).get('/api/me')).body.unit).to.include({ isContact: true, isHead: false });

    // And the brigade's head may remind 李娜 though the request is the legal office's; the head of 工程处 may not.
    const byHead = await (await as('head')).post(`/api/tasks/${forStaff2}/remind`, { message: '请今天反馈' });
    expect(byHead.status, byHead.text).to.equal(201);
    expect(byHead.body.recipients).to.deep.equal(['staff2']);
    expect((await (await as('engineer-head')).post(`/api/tasks/${forStaff2}/remind`, {})).status).to.equal(403);
  });

  it('takes one of two simultaneous reminders by the same person, and refuses the other', async () => {
    const started = await (await as('staff')).post('/api/process-definitions/fault-report/start', {
      businessKey: 'GZ-2026-0202',
      variables: { device: 'network', occurredAt: '2026-11-30T08:45+08:00', description: '网络中断，无法访问内控平台' },
    });
    for (let i = 0; i < 10 && (await s.engine.jobs.runDue()) > 0; i++);
    const detail = await (await as('supervisor')).get(`/api/process-instances/${started.body.id}`);
    const id = detail.body.tasks.find((t: any) => t.elementId === 'Task_Repair' && t.status === 'open').id;
    const sup = await as('supervisor');
    const both = await Promise.all([sup.post(`/api/tasks/${id}/remind`, {}), sup.post(`/api/tasks/${id}/remind`, {})]);
    expect(both.map((r) => r.status).sort()).to.deep.equal([201, 409]);
    const history = (await sup.get(`/api/process-instances/${started.body.id}`)).body.history;
    expect(history.filter((h: any) => h.type === 'task.reminded')).to.have.length(1);
    expect((await sup.get(`/api/audit?action=task.remind&instance=${started.body.id}`)).body.items).to.have.length(1);
  });

  it('answers bad requests clearly and changes nothing', async () => {
    const sup = await as('supervisor');
    const before = (await reminders('itc')).length;
    const long = await sup.post(`/api/tasks/${taskId}/remind`, { message: '催'.repeat(201) });
    expect(long.status).to.equal(400);
    const unknown = await sup.post('/api/tasks/00000000-0000-4000-8000-000000000000/remind', {});
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('TASK_NOT_FOUND');
    // A finished task needs no reminder.
    const done = await (await as('itc')).post(`/api/tasks/${taskId}/complete`, { variables: { repairResult: 'repaired', repairNote: '更换内存条，系统恢复正常' } });
    expect(done.status, done.text).to.equal(200);
    clock.advance(20 * 60_000);
    const late = await sup.post(`/api/tasks/${taskId}/remind`, {});
    expect(late.status).to.equal(409);
    expect(late.body.error.code).to.equal('TASK_NOT_OPEN');
    expect((await reminders('itc')).length).to.equal(before);
  });
});
