import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../src/db/knex.ts';
import { chooseRadio, fillField, screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/** A check the brigade's staff pick up; the rule below watches how fast it is done. */
const PROBE = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_e2e_rule_probe" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="e2e-rule-probe" name="现场核查（测试）" isExecutable="true">
    <bpmn:startEvent id="Start" name="发起"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="现场核查" camunda:candidateGroups="staff" camunda:dueDate="P3D"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="结束"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="e2e-rule-probe">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Check_di" bpmnElement="Task_Check"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

/**
 * Browser story (issue 18, item 3): a monitoring rule the discipline committee approved finds a
 * check done in seconds; the 预警 becomes a 督办 case; the brigade does not answer, so it escalates
 * to 黄牌 and then 红牌 — time is driven by bringing the case's timer jobs due in the platform's
 * jobs table (the server runs on the wall clock), never by sleeping; the brigade's head then answers
 * with the measures taken, and supervision closes it as 已整改 on the monitor.
 */
describe('E2E: a rule warning escalates to 红牌 and is closed as 已整改', function () {
  const s = serverAndBrowser({ SUPERVISION_TICK_MS: '500' });
  let db: Knex;
  let warningId = '';
  let caseId = '';

  before(async () => {
    db = await openDatabase(s.server.dbPath, { migrate: false });
    await (await apiAs(s.server.baseUrl, 'owner')).deploy({ files: [{ name: 'e2e-rule-probe.bpmn', content: PROBE }] });
  });
  after(async () => {
    await db?.destroy();
  });

  const sup = () => apiAs(s.server.baseUrl, 'supervisor');
  const warning = async () => (await (await sup()).get('/api/rule-warnings')).items.find((w: any) => w.id === warningId);
  async function bringDue(timer: string) {
    await db('jobs').where({ instance_id: caseId, element_id: timer }).update({ due_at: Date.now() - 1000 });
  }
  async function openTask(page: Page, who: string, elementId: string) {
    const api = await apiAs(s.server.baseUrl, who);
    let task: any;
    await until(async () => {
      task = (await api.get(`/api/tasks?instance=${caseId}&candidate=me`)).items.find((t: any) => t.elementId === elementId);
      return Boolean(task);
    }, `${who}'s ${elementId}`);
    await signIn(page, s.server.baseUrl, who);
    await page.goto(`${s.server.baseUrl}/tasks/${task.id}`);
    await page.locator('.fjs-form').last().waitFor();
  }

  it('supervision proposes a rule on the 监察规则 page; the discipline committee approves it; it is in force', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await signIn(page, base, 'supervisor');
    await page.goto(`${base}/monitor/rules`);
    await page.locator('#rule-kind').selectOption('too-fast');
    await page.locator('#rule-name').fill('现场核查用时过短');
    await page.locator('#rule-process').selectOption('e2e-rule-probe');
    await page.locator('#rule-element').fill('Task_Check');
    await page.locator('#rule-param-minSeconds').fill('600');
    await page.locator('#rule-reason').fill('现场核查不可能在十分钟内完成');
    await page.getByRole('button', { name: '提交审批' }).click();
    await page.locator('[data-change]', { hasText: '现场核查用时过短' }).getByText('等待局纪委（提出人以外）审批').waitFor();
    await signOut(page);
    const change = (await (await sup()).get('/api/monitoring-rule-changes?status=pending')).items[0];
    const approved = await (await apiAs(base, 'discipline')).post(`/api/monitoring-rule-changes/${change.id}/approve`, { comment: '同意' });
    expect(approved.status).to.equal('approved');
    await signIn(page, base, 'supervisor');
    await page.goto(`${base}/monitor/rules`);
    await page.locator('tr[data-rule]', { hasText: '现场核查用时过短' }).getByText('生效中').waitFor();
    await signOut(page);
  });

  it('a check done in seconds raises a 预警 that becomes a 督办 case, shown on 预警与追责 with counts per unit and rule', async () => {
    const base = s.server.baseUrl;
    const staff = await apiAs(base, 'staff');
    const started = await staff.post('/api/process-definitions/e2e-rule-probe/start', { businessKey: 'HC-2026-0901', variables: {} });
    const task = (await staff.get(`/api/tasks?instance=${started.id}`)).items[0];
    await staff.post(`/api/tasks/${task.id}/claim`);
    await staff.post(`/api/tasks/${task.id}/complete`, { variables: {} });
    await until(async () => {
      const w = (await (await sup()).get(`/api/rule-warnings?instanceId=${started.id}`)).items[0];
      if (!w?.caseInstanceId) return false;
      [warningId, caseId] = [w.id, w.caseInstanceId];
      return true;
    }, 'the warning and its 督办 case', 30_000);
    const { page } = s.b;
    await signIn(page, base, 'supervisor');
    await page.goto(`${base}/monitor/warnings`);
    const item = page.locator(`[data-warning="${warningId}"]`);
    await item.getByText('督办中').waitFor();
    expect(await item.textContent()).to.include('现场核查用时过短').and.include('监察大队');
    expect(await page.locator('.rule-warning-figures table.by-unit tr[data-key="inspection-brigade"]').textContent()).to.include('监察大队');
    await signOut(page);
  });

  it('unanswered, the case goes to 黄牌 and then 红牌, with an accountability suggestion', async () => {
    await bringDue('Timer_YellowCard');
    await until(async () => (await warning())?.stage === 'yellow-card', '黄牌', 30_000);
    await bringDue('Timer_RedCard');
    await until(async () => (await warning())?.stage === 'red-card', '红牌', 30_000);
    const { page } = s.b;
    const base = s.server.baseUrl;
    await signIn(page, base, 'supervisor');
    await page.goto(`${base}/monitor/warnings`);
    await page.locator(`[data-warning="${warningId}"]`).getByText('红牌', { exact: true }).waitFor();
    await page.locator('.suggestion', { hasText: '督办红牌：逾期未答复' }).first().waitFor();
    await screenshot(page, 'rule-warning-red-card', { fullPage: true });
    await signOut(page);
  });

  it('the brigade’s head answers with the measures taken, and supervision closes it as 已整改', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await openTask(page, 'head', 'Task_Answer');
    await fillField(page, '情况说明', '核查人员未到现场即办结，已责令重新核查');
    await fillField(page, '整改措施', '重新组织现场核查，对相关人员批评教育，核查须上传现场照片');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);
    await signOut(page);
    await until(async () => (await warning())?.stage === 'answered', 'the answer recorded');
    await openTask(page, 'supervisor', 'Task_Close');
    await chooseRadio(page, '结案结论', '已整改');
    await fillField(page, '审核意见', '已重新核查，整改到位');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);
    await until(async () => (await warning())?.outcome === 'rectified', 'closed as 已整改');
    await page.goto(`${base}/monitor/warnings`);
    await page.locator(`[data-warning="${warningId}"]`).getByText('已结案：已整改').waitFor();
    const row = await page.locator('.rule-warning-figures table.by-rule tr', { hasText: '现场核查用时过短' }).locator('td').allTextContents();
    // 规则, 预警, 督办中, 黄牌, 红牌, 已整改, 误报, 立案
    expect(row).to.deep.equal(['现场核查用时过短', '1', '0', '0', '0', '1', '0', '0']);
    await screenshot(page, 'rule-warning-rectified', { fullPage: true });
  });
});
