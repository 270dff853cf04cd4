import { expect } from 'chai';
import { screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/** A task for staff with a limit of 260 working days: started in 2026, it runs through 2027. */
const LONG_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_long" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="e2e-yearly" name="年度整改（测试）" isExecutable="true">
    <bpmn:startEvent id="Start" name="下达"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Fix" name="落实整改" camunda:candidateGroups="staff" camunda:dueDate="P260D"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="办结"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Fix" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Fix" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="e2e-yearly">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Fix_di" bpmnElement="Task_Fix"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

/** The 2027 New Year line as the State Council's notice words it. */
const NOTICE = '一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。';

/** The Beijing day after `date` (YYYY-MM-DD) that is Monday to Friday. */
function nextWeekday(date: string): string {
  let t = Date.parse(date + 'T00:00:00Z');
  do t += 86_400_000;
  while ([0, 6].includes(new Date(t).getUTCDay()));
  return new Date(t).toISOString().slice(0, 10);
}
const beijingDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600e3 - 1).toISOString().slice(0, 10);

describe('E2E: the working calendar — a 2027 holiday entered on the page moves a due date across it', function () {
  const s = serverAndBrowser();
  let taskId: string;
  let dueBefore: string;

  before(async () => {
    const base = s.server.baseUrl;
    await (await apiAs(base, 'owner')).deploy({ files: [{ name: 'e2e-yearly.bpmn', content: LONG_BPMN }] });
    await (await apiAs(base, 'head')).post('/api/process-definitions/e2e-yearly/start', { businessKey: 'ZG-2026-01', variables: {} });
    const staff = await apiAs(base, 'staff');
    const task = (await staff.get('/api/tasks?candidate=me')).items.find((t: any) => t.businessKey === 'ZG-2026-01');
    taskId = task.id;
    dueBefore = task.dueAt;
  });

  it('shows supervision that the calendar does not cover the next 90 days', async () => {
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'supervisor');
    await page.goto(`${s.server.baseUrl}/monitor`);
    const warning = page.locator('.calendar-coverage [role="alert"]');
    await warning.waitFor();
    expect(await warning.innerText()).to.contain('工作日历缺少 2027 年的节假日安排');
    await screenshot(page, 'calendar-monitor-warning');
    await signOut(page);
  });

  it('lets a process owner paste the notice, review the days and save 2027; the open task is due one working day later', async () => {
    const { page } = s.b;
    // Given the owner opens 工作日历 for 2027, not yet entered
    await signIn(page, s.server.baseUrl, 'owner');
    await page.getByRole('link', { name: '工作日历' }).click();
    await page.getByLabel('年份', { exact: true }).fill('2027');
    await page.getByLabel('年份', { exact: true }).press('Enter');
    await page.getByText('2027 年尚未录入节假日安排').waitFor();

    // When the notice's New Year line is pasted and read into the table
    await page.getByLabel('通知正文（各节日的放假和上班安排）').fill(NOTICE);
    await page.getByRole('button', { name: '解析到表格' }).click();
    await page.getByText('已从通知读取 4 天').waitFor();
    const rows = page.locator('.calendar-table tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-date')} ${tr.getAttribute('data-kind')}`))).to.deep.equal([
      '2027-01-01 holiday',
      '2027-01-02 holiday',
      '2027-01-03 holiday',
      '2027-01-04 workday',
    ]);
    await screenshot(page, 'calendar-review');

    // And saved
    await page.getByRole('button', { name: '保存本年日历' }).click();
    await page.getByText('已保存 2027 年工作日历，1 个在办任务的期限已重新计算').waitFor();
    await page.getByText(/2027 年日历由 .* 录入/).waitFor();

    // Then Friday 1 January no longer counts: the task is due one working day later
    const staff = await apiAs(s.server.baseUrl, 'staff');
    let dueAfter = dueBefore;
    await until(async () => (dueAfter = (await staff.get(`/api/tasks/${taskId}`)).task.dueAt) !== dueBefore, 'the due date to move');
    expect(beijingDay(dueAfter)).to.equal(nextWeekday(beijingDay(dueBefore)));
    // And the recount is in the case's audit rows
    const audit = await (await apiAs(s.server.baseUrl, 'supervisor')).get(`/api/audit?action=task.due-recomputed`);
    expect(audit.items.map((a: any) => a.objectId)).to.deep.equal([taskId]);
    await screenshot(page, 'calendar-saved');
    await signOut(page);
  });

  it('no longer warns in the monitor once 2027 is entered', async () => {
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'supervisor');
    await page.goto(`${s.server.baseUrl}/monitor`);
    await page.locator('.kpis .kpi').first().waitFor();
    expect(await page.locator('.calendar-coverage [role="alert"]').count()).to.equal(0);
  });
});
