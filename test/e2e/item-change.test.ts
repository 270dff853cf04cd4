import { expect } from 'chai';
import type { Page } from 'playwright-core';
import {
  chooseRadio,
  fillDate,
  fillField,
  formField,
  launch,
  screenshot,
  selectOption,
  signIn,
  signOut,
  tick,
  until,
  type Browser,
} from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

/** The demo user who works each candidate group's steps. */
const USER_OF_GROUP: Record<string, string> = { legal: 'legal', leaders: 'leader', supervision: 'supervisor', vendor: 'vendor', 'unit-heads': 'head' };

/** A process whose task is overdue one second after it starts (`PT1S` is calendar time). */
const OVERDUE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_e2e" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="e2e-urgent" name="紧急核查（测试）" isExecutable="true">
    <bpmn:startEvent id="Start" name="发起"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="当日核查" camunda:candidateGroups="info-centre" camunda:dueDate="PT1S"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="结束"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Check" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="e2e-urgent">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Check_di" bpmnElement="Task_Check"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

/** A service task whose handler fails here (no accountability case is registered): an incident at once. */
const FAILING_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_fail" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="e2e-appraisal" name="考核登记（测试）" isExecutable="true">
    <bpmn:startEvent id="Start" name="发起"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Task_Enter" name="登记考核结果" camunda:type="external" camunda:topic="appraisal.enter">
      <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="End" name="结束"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Enter" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Enter" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="e2e-appraisal">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Enter_di" bpmnElement="Task_Enter"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

describe('E2E: an item change through the browser, and the monitor', function () {
  let server: RunningServer;
  let b: Browser;
  let page: Page;
  let base: string;
  let instanceId: string;
  const NEW_NAME = '人防工程易地建设审批（2026年修订）';

  before(async () => {
    server = await startServer();
    base = server.baseUrl;
    b = await launch();
    page = b.page;
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.log().slice(-3000));
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  /** The open task of the instance, through the API (to know whom to sign in as). */
  async function openTask(): Promise<{ id: string; name: string; candidateGroups: string[]; formKey: string } | undefined> {
    const supervisor = await apiAs(base, 'supervisor');
    const inst = await supervisor.get(`/api/process-instances/${instanceId}`);
    return inst.tasks.find((t: any) => t.status === 'open');
  }

  it('staff signs in, starts an item change from its start form and sees it under 我的申请', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').waitFor();
    await screenshot(page, 'login');
    await signIn(page, base, 'staff');
    expect(await page.locator('.topbar .who-name').textContent()).to.equal('张明');
    await page.getByRole('link', { name: '发起', exact: true }).click();
    await page.locator('[data-item="XK-0001"]').waitFor();
    await screenshot(page, 'start');
    await page.locator('a[href="/start/item-change"]').click();
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
    await selectOption(page, page, '变更类型', '变更事项信息');
    await fillField(page, '事项编码', 'XK-0001');
    await selectOption(page, page, '变更依据情形', '法律、法规修改');
    await fillField(page, '依据的法律', '《中华人民共和国人民防空法》第二十二条（2026年修正）');
    await fillField(page, '变更单号', 'CZSHY-2026-000123');
    await fillDate(page, page, '变更日期', '2026-11-20');
    await fillField(page, '变更原因', '上位法修改，事项名称和承诺时限需要相应调整。');
    await fillField(page, '事项名称', NEW_NAME);
    await fillField(page, '承诺办理时限', '8');
    await screenshot(page, 'start-form');
    const started = page.waitForResponse((r) => r.url().endsWith('/api/process-definitions/item-change/start'));
    await page.getByRole('button', { name: '提交申请' }).click();
    const res = await started;
    expect(res.status()).to.equal(201);
    instanceId = (await res.json()).id;
    await page.waitForURL(/\/requests/);
    const row = page.locator(`[data-instance="${instanceId}"]`);
    await row.waitFor();
    expect(await row.locator('.tag').first().textContent()).to.equal('办理中');
    expect(await row.locator('.cell-where').textContent()).to.contain('政策法规处法律审核');
    await screenshot(page, 'requests');
    // The applicant urges the legal office from 我的申请 (催办).
    await row.getByRole('button', { name: '催办：政策法规处法律审核' }).click();
    await page.locator('dialog.dialog').getByRole('button', { name: '发送催办' }).click();
    await page.locator('.toast', { hasText: '已催办：赵法' }).waitFor();
  });

  it('a required field left empty shows the server’s error on that field and nothing is submitted', async () => {
    await signOut(page);
    await signIn(page, base, 'legal');
    await until(async () => (await page.locator('.nav .badge').textContent()) === '1', 'the pending count 1');
    const row = page.locator('.task-row', { hasText: '政策法规处法律审核' });
    await row.waitFor();
    expect(await row.locator('.warn').getAttribute('class')).to.contain('warn-green');
    expect(await row.locator('.warn-text').textContent()).to.match(/剩余 .*个工作日/);
    await screenshot(page, 'inbox');
    await row.getByRole('link', { name: '办理' }).click();
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
    await page.locator('.diagram .djs-element.hl-active').first().waitFor();
    await screenshot(page, 'task');
    await chooseRadio(page, '审核结论', '同意');
    const refused = page.waitForResponse((r) => r.url().endsWith('/complete'));
    await page.getByRole('button', { name: '提交' }).click();
    const res = await refused;
    expect(res.status()).to.equal(422);
    const { error } = await res.json();
    const serverMessage = error.details.find((d: { field: string }) => d.field === 'comment').message;
    const fieldError = formField(page, '审核意见').locator('.fjs-form-field-error');
    await until(async () => (await fieldError.count()) === 1 && (await fieldError.textContent()) === serverMessage, 'the server’s message on the field');
    expect(page.url()).to.match(/\/tasks\//);
    await screenshot(page, 'task-errors');
    const task = await openTask();
    expect(task?.name, 'the task is still open').to.equal('政策法规处法律审核');
  });

  it('legal, leader, supervisor and vendor complete their steps through the rendered forms; the monitor shows where it waits', async () => {
    const visited: string[] = [];
    let onPage = 'legal';
    for (let step = 0; step < 6; step++) {
      const task = await openTask();
      if (!task) break;
      const user = USER_OF_GROUP[task.candidateGroups[0]];
      expect(user, `a demo user for ${task.candidateGroups}`).to.be.a('string');
      visited.push(user);
      if (onPage !== user) {
        await signOut(page);
        await signIn(page, base, user);
        onPage = user;
      }
      if (user === 'supervisor') {
        // The supervision office first looks at the running instance in the monitor.
        await page.goto(`${base}/monitor/instances/${instanceId}`);
        const current = page.locator(`.diagram .djs-element.hl-active[data-element-id="${'Task_Filing'}"]`);
        await current.waitFor();
        expect(await page.locator('.diagram .djs-element.hl-completed[data-element-id="Task_LegalReview"]').count()).to.equal(1);
        expect(await page.locator('.count-badge').first().textContent()).to.equal('1');
        await page.locator('.audit-table').waitFor();
        await screenshot(page, 'monitor-instance', { fullPage: true });
      }
      await page.goto(`${base}/tasks/${task.id}`);
      await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
      if (task.formKey === 'item-change-vendor') {
        await tick(page, '已核对变更内容并完成平台调整');
        await fillField(page, '调整说明', '已在平台中更新事项名称和承诺时限。');
      } else {
        await chooseRadio(page, '审核结论', '同意');
        await fillField(page, '审核意见', `${task.name}：同意。`);
      }
      const done = page.waitForResponse((r) => r.url().endsWith(`/api/tasks/${task.id}/complete`));
      await page.getByRole('button', { name: '提交' }).click();
      expect((await done).status(), `completing ${task.name}`).to.equal(200);
      await page.waitForURL(/\/inbox/);
    }
    expect(visited).to.deep.equal(['legal', 'leader', 'supervisor', 'vendor']);
    const supervisor = await apiAs(base, 'supervisor');
    let status = '';
    for (let i = 0; i < 40 && status !== 'completed'; i++) {
      status = (await supervisor.get(`/api/process-instances/${instanceId}`)).status;
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 250));
    }
    expect(status, 'the catalog service task ran and the instance ended').to.equal('completed');
  });

  it('the catalog shows the new item version', async () => {
    await page.goto(`${base}/start`);
    const row = page.locator('[data-item="XK-0001"]');
    await row.waitFor();
    expect(await row.locator('.item-version').textContent()).to.contain('第 2 版');
    expect(await row.textContent()).to.contain(NEW_NAME);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'catalog');
  });

  it('an applicant whose request was returned withdraws it from 我的申请', async () => {
    const staffApi = await apiAs(base, 'staff');
    const second = await staffApi.post('/api/process-definitions/item-change/start', {
      variables: {
        changeType: 'change-info',
        itemCode: 'XK-0002',
        legalGround: 'power-adjusted',
        groundDocument: '常政发〔2026〕15号 第三条',
        sunshineRef: 'CZSHY-2026-000200',
        sunshineDate: '2026-11-20',
        reason: '职权调整，承诺办理时限需要缩短。',
        itemPatch: { promisedDays: 9 },
      },
    });
    // The policy & regulations office returns it (set up through the API).
    const legalApi = await apiAs(base, 'legal');
    let review: any;
    for (let i = 0; i < 40 && !review; i++) {
      review = (await legalApi.get('/api/tasks?candidate=me')).items.find((t: any) => t.instanceId === second.id);
      if (!review) await new Promise((r) => setTimeout(r, 250));
    }
    await legalApi.post(`/api/tasks/${review.id}/complete`, { variables: { decision: 'reject', comment: '依据文件不充分，请补充。' } });
    await signOut(page);
    await signIn(page, base, 'staff');
    await page.getByRole('link', { name: '我的申请' }).click();
    const row = page.locator(`[data-instance="${second.id}"]`);
    await row.getByRole('link', { name: '修改或撤回' }).click();
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
    expect(await formField(page, '退回意见').locator('textarea').inputValue()).to.equal('依据文件不充分，请补充。');
    await chooseRadio(page, '处理方式', '撤回申请');
    await fillField(page, '撤回原因', '职权调整方案已撤销，无需变更。');
    const done = page.waitForResponse((r) => r.url().endsWith('/complete'));
    await page.getByRole('button', { name: '提交' }).click();
    const res = await done;
    expect(res.status(), await res.text()).to.equal(200);
    await page.waitForURL(/\/inbox/);
    await page.getByRole('link', { name: '我的申请' }).click();
    await row.waitFor();
    expect(await row.locator('.tag').first().textContent()).to.equal('已办结');
    expect(await row.locator('.cell-where').textContent()).to.contain('申请已撤回');
    await screenshot(page, 'requests-withdrawn');
  });

  it('the monitor shows counts, the audit-chain check and an overdue task in red', async () => {
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-urgent.bpmn', content: OVERDUE_BPMN }] });
    const staff = await apiAs(base, 'staff');
    const urgent = await staff.post('/api/process-definitions/e2e-urgent/start', { businessKey: 'HC-2026-0001', variables: {} });
    // Two fault reports, so the monitor and the information centre's inbox have more than one thing.
    const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16) + '+08:00';
    for (const [user, businessKey, device, description] of [
      ['staff', 'GZ-2026-0117', 'computer', '办公电脑无法开机，电源指示灯不亮。'],
      ['staff2', 'GZ-2026-0118', 'usb-key', 'USB Key 插入后无法识别，无法登录平台。'],
    ]) {
      const reporter = await apiAs(base, user);
      await reporter.post('/api/process-definitions/fault-report/start', { businessKey, variables: { device, occurredAt: now, description } });
    }
    await new Promise((r) => setTimeout(r, 1500));
    if (!page.url().includes('/')) await page.goto(base);
    await signOut(page);
    await signIn(page, base, 'supervisor');
    await page.getByRole('link', { name: '监察' }).click();
    await page.locator('.audit-check .notice-ok').waitFor();
    expect(await page.locator('.audit-check').textContent()).to.contain('审计链完整');
    const overdue = page.locator('.overdue-red tr[data-task]', { hasText: '当日核查' });
    await overdue.waitFor();
    expect(await overdue.locator('.warn').getAttribute('class')).to.contain('warn-red');
    expect(await overdue.locator('.warn-text').textContent()).to.contain('超期');
    await until(async () => (await page.locator('.kpi-red .kpi-value').first().textContent()) === '1', 'one overdue task counted');
    await page.locator('.chart-box canvas').first().waitFor();
    await screenshot(page, 'monitor');
    // The instance list filters by the starter's unit and by the day started (Beijing time).
    const row = page.locator(`.instances-table tr[data-instance="${urgent.id}"]`);
    await row.waitFor();
    await page.getByLabel('发起单位').selectOption({ label: '工程处' });
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('发起单位').selectOption({ label: '监察大队' });
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).to.equal('监察大队');
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 32 * 3600e3).toISOString().slice(0, 10);
    await page.getByLabel('发起日期', { exact: true }).fill(tomorrow);
    await page.locator('.monitor-page .empty-state', { hasText: '没有符合条件的实例' }).waitFor();
    await page.getByLabel('发起日期', { exact: true }).fill(today);
    await page.getByLabel('发起日期（止）').fill(today);
    await row.waitFor();
    await page.getByLabel('发起单位').selectOption('');
    await page.getByLabel('发起日期', { exact: true }).fill('');
    await page.getByLabel('发起日期（止）').fill('');
    // 催办: the supervisor reminds the information centre of the overdue task, with a message.
    await overdue.getByRole('button', { name: '催办：当日核查' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.getByLabel('催办留言（可选）').fill('已超期，请今天处理');
    await dialog.getByRole('button', { name: '发送催办' }).click();
    await page.locator('.toast', { hasText: '已催办：孙网、马信' }).waitFor();
    expect(await overdue.getByRole('button', { name: '催办：当日核查' }).textContent()).to.equal('已催办');
    const itc = await apiAs(base, 'itc');
    const note = (await itc.get('/api/notifications')).items.find((n: any) => n.kind === 'task.remind' && n.instanceId === urgent.id);
    expect(note).to.include({ title: `催办：当日核查（${urgent.caseNumber}）`, body: '刘清催办此任务：已超期，请今天处理。' });
    await overdue.getByRole('link', { name: '当日核查' }).click();
    await page.waitForURL(new RegExp(`/monitor/instances/${urgent.id}`));
    // The reminder is in the instance's history, with its message.
    const reminded = page.locator('.history-sentences .tl-item', { hasText: '催办' });
    await reminded.first().waitFor();
    const sentence = await reminded.first().locator('.tl-head').textContent();
    expect(sentence).to.contain('刘清').and.contain('催办了“当日核查”：已超期，请今天处理');
    await page.locator('.diagram .djs-element.hl-overdue[data-element-id="Task_Check"]').waitFor();
    await screenshot(page, 'monitor-overdue-instance');
  });

  it('an incident appears in the monitor, and 重试 runs the failed job again', async () => {
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-appraisal.bpmn', content: FAILING_BPMN }] });
    const started = await owner.post('/api/process-definitions/e2e-appraisal/start', { businessKey: 'KH-2026-0009', variables: {} });
    const supervisor = await apiAs(base, 'supervisor');
    const openIncidents = async () => (await supervisor.get(`/api/incidents?status=open&instance=${started.id}`)).items as Array<{ id: string }>;
    await until(async () => (await openIncidents()).length === 1, 'an incident', 20_000);
    const [first] = await openIncidents();
    await page.goto(`${base}/monitor`);
    const item = page.locator('.incident-list li', { hasText: 'Task_Enter' });
    await item.waitFor();
    // appraisal.enter may only be called by accountability-review: the effect guard refuses it.
    expect(await item.locator('.error-text').textContent()).to.equal('处理程序“appraisal.enter”拒绝执行：流程“e2e-appraisal”无权调用（仅限 accountability-review）');
    const retried = page.waitForResponse((r) => r.url().endsWith(`/api/incidents/${first.id}/retry`));
    await item.getByRole('button', { name: '重试' }).click();
    expect((await retried).status()).to.equal(200);
    // The job ran again and failed again: the first incident is resolved and a new one is open.
    await until(async () => {
      const open = await openIncidents();
      return open.length === 1 && open[0].id !== first.id;
    }, 'the retried job to fail again', 20_000);
    await page.goto(`${base}/monitor/instances/${started.id}`);
    await page.locator('.diagram .djs-element.hl-incident[data-element-id="Task_Enter"]').waitFor();
    await screenshot(page, 'monitor-incident');
  });

  it('screenshots for the README: an inbox with an overdue task, and the monitor', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(`${base}/monitor`);
    await page.locator('.overdue-red tr[data-task]').first().waitFor();
    await page.locator('.chart-box canvas').first().waitFor();
    await screenshot(page, 'readme-monitor');
    await signOut(page);
    await signIn(page, base, 'itc');
    const rows = page.locator('.task-row');
    await rows.nth(2).waitFor();
    expect(await rows.first().locator('.warn').getAttribute('class'), 'due first: the overdue task').to.contain('warn-red');
    await screenshot(page, 'readme-inbox');
    await page.setViewportSize({ width: 1366, height: 768 });
  });
});
