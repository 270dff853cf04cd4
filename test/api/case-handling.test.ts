import { expect } from 'chai';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { approvalFiles } from './fixtures.ts';

/**
 * Case handling (issue 13, items 3–6): case numbers and subjects, the applicant's name on every
 * row, search and 已办, separation of duties said before work, and process-assigned tasks that
 * cannot be put back for claiming.
 */

// A numbered process: 常民防测〔2026〕0001号, subject from a FEEL expression over the start variables.
const numberedBpmn = process(
  'api-numbered',
  `
  <bpmn:extensionElements><camunda:properties>
    <camunda:property name="caseNumberPattern" value="常民防测〔{yyyy}〕{seq:4}号" />
    <camunda:property name="subjectExpression" value="&quot;申请：&quot; + title" />
  </camunda:properties></bpmn:extensionElements>
  <bpmn:startEvent id="start" camunda:formKey="api-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Approve')}
  <bpmn:userTask id="Task_Approve" name="负责人审批" camunda:candidateGroups="unit-heads" camunda:formKey="api-approve">
    <bpmn:extensionElements><camunda:properties><camunda:property name="separationOfDuties" value="starter" /></camunda:properties></bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f2', 'Task_Approve', 'Task_Revise')}
  ${userTask('Task_Revise', '修改或撤回', 'camunda:assignee="${applicant}"')}
  ${flow('f3', 'Task_Revise', 'end')}
  <bpmn:endEvent id="end" />
`,
);

describe('API: case handling — case numbers, subjects, search, 已办, duties before work', () => {
  let s: TestServer;
  let staff: Client;
  let head: Client;
  let legal: Client;

  before(async () => {
    s = await startServer();
    await deployViaApi(s, [...approvalFiles, { name: 'api-numbered.bpmn', content: numberedBpmn }]);
    [staff, head, legal] = await Promise.all(['staff', 'head', 'legal'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  const start = (c: Client, key: string, title: string) => c.post(`/api/process-definitions/${key}/start`, { variables: { title, amount: 1 } });
  const openTask = async (c: Client, instanceId: string) => (await c.get(`/api/tasks?instance=${instanceId}&limit=50`)).body.items[0];

  describe('case numbers (item 4)', () => {
    it('numbers a case from the process pattern, with a subject from its expression and the applicant’s name', async () => {
      // Given a process declaring 常民防测〔{yyyy}〕{seq:4}号
      // When 张明 starts two cases
      const first = await start(staff, 'api-numbered', '购置执法记录仪');
      const second = await start(staff, 'api-numbered', '维修对讲机');
      // Then they are numbered in order, with subject and applicant, in the start's answer and in the instance
      expect(first.status).to.equal(201);
      expect(first.body).to.include({ caseNumber: '常民防测〔2026〕0001号', subject: '申请：购置执法记录仪', startedByName: '张明' });
      expect(second.body.caseNumber).to.equal('常民防测〔2026〕0002号');
      const shown = await staff.get(`/api/process-instances/${second.body.id}`);
      expect(shown.body).to.include({ caseNumber: '常民防测〔2026〕0002号', subject: '申请：维修对讲机', startedByName: '张明' });
      const listed = await staff.get('/api/process-instances?key=api-numbered');
      expect(listed.body.items.map((i: any) => i.caseNumber)).to.have.members(['常民防测〔2026〕0001号', '常民防测〔2026〕0002号']);
    });

    it('uses the default pattern and the start form’s first text field when the process declares neither', async () => {
      const r = await start(staff, 'api-approval', '购置打印机');
      expect(r.body).to.include({ caseNumber: 'API-APPROVAL-2026-00001', subject: '购置打印机', startedByName: '张明' });
    });

    it('gives concurrent starts distinct, consecutive numbers', async () => {
      const before = (await s.db('case_counters').where({ process_key: 'api-numbered', year: 2026 }).first()).seq;
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => start(staff, 'api-numbered', `并发 ${i}`)));
      const numbers = results.map((r) => r.body.caseNumber as string).sort();
      const expected = Array.from({ length: 8 }, (_, i) => `常民防测〔2026〕${String(before + i + 1).padStart(4, '0')}号`);
      expect(numbers).to.deep.equal(expected);
    });

    it('restarts the sequence in a new Beijing-time year', async () => {
      const saved = s.clock.now();
      // 2027-01-01 00:30 Beijing time is still 2026 in UTC.
      s.clock.set(Date.parse('2027-01-01T00:30:00+08:00'));
      try {
        const r = await start(await s.login('staff'), 'api-numbered', '新年第一件');
        expect(r.body.caseNumber).to.equal('常民防测〔2027〕0001号');
      } finally {
        s.clock.set(saved);
      }
    });

    it('shows case number, subject and applicant on every inbox row', async () => {
      const r = await head.get('/api/tasks?candidate=me&processKey=api-numbered&limit=50');
      expect(r.status).to.equal(200);
      const row = r.body.items.find((t: any) => t.subject === '申请：购置执法记录仪');
      expect(row).to.include({ caseNumber: '常民防测〔2026〕0001号', startedByName: '张明', startedBy: 'staff', assignedByProcess: false });
    });
  });

  describe('separation of duties before work (item 6)', () => {
    let ownTask: any;
    it('tells an applicant who is also a candidate that they may not act, in the list and the task', async () => {
      // Given 王建国 (a unit head) starts a case whose approval is for unit heads, starter excluded
      const own = await start(head, 'api-numbered', '大队长自己的申请');
      ownTask = await openTask(head, own.body.id);
      // Then his inbox row and the task say why, and offer neither claim nor complete
      expect(ownTask.blockedReason).to.equal('您是本事项申请人，不能审批');
      const detail = await head.get(`/api/tasks/${ownTask.id}`);
      expect(detail.body.actions).to.include({ claim: false, complete: false, reason: '您是本事项申请人，不能审批' });
      // while another unit head may
      const other = await legal.get(`/api/tasks/${ownTask.id}`);
      expect(other.body.actions).to.include({ claim: true, complete: true, reason: null });
      expect((await legal.get(`/api/tasks?instance=${own.body.instanceId ?? own.body.id}`)).body.items[0].blockedReason).to.equal(null);
    });

    it('still refuses the claim with 403 SEPARATION_OF_DUTIES, and nothing changes', async () => {
      const historyBefore = await s.db('history').where({ task_id: ownTask.id }).count({ n: '*' });
      const r = await head.post(`/api/tasks/${ownTask.id}/claim`);
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal('SEPARATION_OF_DUTIES');
      expect(await s.engine.getTask(ownTask.id)).to.include({ assignee: null, status: 'open' });
      expect(await s.db('history').where({ task_id: ownTask.id }).count({ n: '*' })).to.deep.equal(historyBefore);
    });
  });

  describe('process-assigned tasks cannot be unclaimed (item 3)', () => {
    let reviseTask: any;
    it('refuses the applicant’s 修改或撤回 task with 409 TASK_ASSIGNED_BY_PROCESS, and nothing changes', async () => {
      // Given a case approved by a unit head: the process assigns 修改或撤回 to the applicant
      const c = await start(staff, 'api-numbered', '需要修改的申请');
      const approve = await openTask(head, c.body.id);
      expect((await head.post(`/api/tasks/${approve.id}/complete`, { variables: { decision: 'approve' } })).status).to.equal(200);
      reviseTask = await openTask(staff, c.body.id);
      expect(reviseTask).to.include({ name: '修改或撤回', assignee: 'staff', assignedByProcess: true });
      expect((await staff.get(`/api/tasks/${reviseTask.id}`)).body.actions).to.include({ unclaim: false, complete: true });
      const historyBefore = await s.db('history').where({ task_id: reviseTask.id }).count({ n: '*' });
      const auditBefore = await s.db('audit_log').count({ n: '*' });
      // When the applicant tries to give it back
      const r = await staff.post(`/api/tasks/${reviseTask.id}/unclaim`);
      // Then 409, and the task stays theirs
      expect(r.status).to.equal(409);
      expect(r.body.error.code).to.equal('TASK_ASSIGNED_BY_PROCESS');
      expect(await s.engine.getTask(reviseTask.id)).to.include({ assignee: 'staff', status: 'open' });
      expect(await s.db('history').where({ task_id: reviseTask.id }).count({ n: '*' })).to.deep.equal(historyBefore);
      expect(await s.db('audit_log').count({ n: '*' })).to.deep.equal(auditBefore);
    });

    it('still lets a candidate who claimed a task put it back for claiming', async () => {
      const c = await start(staff, 'api-numbered', '认领后放回');
      const t = await openTask(head, c.body.id);
      expect((await head.post(`/api/tasks/${t.id}/claim`)).status).to.equal(200);
      expect((await head.get(`/api/tasks/${t.id}`)).body.actions.unclaim).to.equal(true);
      const r = await head.post(`/api/tasks/${t.id}/unclaim`);
      expect(r.status).to.equal(200);
      expect(await s.engine.getTask(t.id)).to.include({ assignee: null });
    });
  });

  describe('search and 已办 (item 5)', () => {
    it('finds my tasks by case number, subject and applicant name', async () => {
      const byNumber = await head.get(`/api/tasks?candidate=me&q=${encodeURIComponent('〔2026〕0002')}`);
      expect(byNumber.body.items.map((t: any) => t.caseNumber)).to.deep.equal(['常民防测〔2026〕0002号']);
      const bySubject = await head.get(`/api/tasks?candidate=me&q=${encodeURIComponent('对讲机')}`);
      expect(bySubject.body.items.map((t: any) => t.subject)).to.deep.equal(['申请：维修对讲机']);
      const byName = await legal.get(`/api/tasks?candidate=me&q=${encodeURIComponent('王建国')}`);
      expect(byName.body.items.map((t: any) => t.subject)).to.deep.equal(['申请：大队长自己的申请']);
      // The same search in the instance list
      const instances = await staff.get(`/api/process-instances?q=${encodeURIComponent('对讲机')}`);
      expect(instances.body.items.map((i: any) => i.caseNumber)).to.deep.equal(['常民防测〔2026〕0002号']);
      // Wildcards are text: nothing contains a literal %
      expect((await head.get('/api/tasks?candidate=me&q=%25')).body.total).to.equal(0);
    });

    it('lists what I handled (已办), newest first, with the case’s state now', async () => {
      s.clock.advance(60_000); // a minute later than the earlier approvals
      const c = await start(staff, 'api-numbered', '已办测试');
      const t = await openTask(head, c.body.id);
      await head.post(`/api/tasks/${t.id}/complete`, { variables: { decision: 'approve' } });
      const done = await head.get('/api/tasks?completedBy=me&limit=10');
      expect(done.status).to.equal(200);
      const first = done.body.items[0];
      expect(first).to.include({ id: t.id, status: 'completed', completedBy: 'head', subject: '申请：已办测试', startedByName: '张明' });
      expect(first.case).to.deep.equal({ status: 'running', currentSteps: ['修改或撤回'] });
      expect(done.body.items.every((x: any) => x.completedBy === 'head')).to.equal(true);
      // Searchable too
      const found = await head.get(`/api/tasks?completedBy=me&q=${encodeURIComponent('已办测试')}`);
      expect(found.body.items.map((x: any) => x.id)).to.deep.equal([t.id]);
    });

    it('refuses to list another person’s 已办 (403 FORBIDDEN) to anyone but supervision', async () => {
      const r = await staff.get('/api/tasks?completedBy=head');
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal('FORBIDDEN');
      const supervisor = await s.login('supervisor');
      expect((await supervisor.get('/api/tasks?completedBy=head')).body.total).to.be.greaterThan(0);
    });
  });

  describe('notifications', () => {
  it('names the case number in notifications that name a case (转办)', async () => {
    const c = await start(staff, 'api-numbered', '转办通知');
    const t = await openTask(head, c.body.id);
    await head.post(`/api/tasks/${t.id}/claim`);
    expect((await head.post(`/api/tasks/${t.id}/assign`, { userId: 'legal' })).status).to.equal(200);
    const notes = (await legal.get('/api/notifications')).body.items;
    expect(notes.map((n: any) => n.title)).to.include(`转办：负责人审批（${c.body.caseNumber}）`);
  });
  });
});
