import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { fillField, formField, launch, screenshot, signIn, signOut, until, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

/** A notice every staff member may pick up: one task with a required comment. */
const NOTICE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_notice" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="e2e-notice" name="通知阅办（测试）" isExecutable="true">
    <bpmn:startEvent id="Start" name="下发"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Read" name="阅办通知" camunda:candidateGroups="staff" camunda:formKey="e2e-notice-read" camunda:dueDate="P3D"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="办结"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Read" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Read" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="e2e-notice">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_Read_di" bpmnElement="Task_Read"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const NOTICE_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-notice-read',
  components: [
    { type: 'text', text: '### 阅办通知\n请阅读通知并填写阅办意见。' },
    { type: 'textarea', key: 'comment', label: '阅办意见', validate: { required: true, minLength: 2, maxLength: 500 } },
  ],
});

describe('E2E: the inbox — claiming, keyboard, drafts across a session timeout, phone width', function () {
  let server: RunningServer;
  let b: Browser;
  let page: Page;
  let base: string;
  const started: string[] = [];

  before(async () => {
    server = await startServer();
    base = server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-notice-read.form', content: NOTICE_FORM }, { name: 'e2e-notice.bpmn', content: NOTICE_BPMN }] });
    const head = await apiAs(base, 'head');
    for (const key of ['NOTICE-1', 'NOTICE-2', 'NOTICE-3']) started.push((await head.post('/api/process-definitions/e2e-notice/start', { businessKey: key, variables: {} })).id);
    b = await launch();
    page = b.page;
    await page.goto(`${base}/login`);
    await signIn(page, base, 'staff');
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.log().slice(-3000));
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  const rows = () => page.locator('.task-row');
  const badge = () => page.locator('.nav .badge');
  /** The inbox list has finished loading (it is aria-busy while it loads). */
  const loaded = () => until(async () => (await page.locator('.inbox-list[aria-busy]').count()) === 0, 'the inbox to load');

  it('lists my groups’ tasks with the pending count; claim and give back', async () => {
    await rows().nth(2).waitFor();
    await loaded();
    expect(await rows().count()).to.equal(3);
    await until(async () => (await badge().textContent()) === '3', 'the pending count 3');
    const first = rows().filter({ hasText: 'NOTICE-1' });
    await first.getByRole('button', { name: '认领' }).click();
    await first.locator('.tag-me').waitFor();
    await page.getByRole('tab', { name: '我已认领' }).click();
    await page.waitForURL(/tab=mine/);
    await loaded();
    expect(await rows().count()).to.equal(1);
    await rows().first().getByRole('button', { name: '放回待认领' }).click();
    await page.locator('.empty-state').waitFor();
    await page.getByRole('tab', { name: '全部待办' }).click();
    await page.waitForURL((url) => !url.search.includes('tab='));
    await loaded();
    expect(await rows().count()).to.equal(3);
    expect(await page.locator('.task-row .tag-me').count()).to.equal(0);
  });

  it('filters by text and sorts; works from the keyboard: / to the search box, ↑/↓ from there between tasks, Enter opens one', async () => {
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement.name')).to.equal('q');
    // (NOTICE-2 would also match every case number, E2E-NOTICE-2026-…: the search covers those too.)
    await page.keyboard.type('NOTICE-3');
    await page.waitForURL(/q=NOTICE-3/);
    await until(async () => (await rows().count()) === 1, 'one task row');
    await page.getByLabel('关键字').fill('');
    await until(async () => (await rows().count()) === 3, 'three task rows');
    await page.getByLabel('排序').selectOption('-created');
    await page.waitForURL(/sort=-created/);
    await loaded();
    // From the search box (as the README says): ↓ to the first task, ↑ back, ↓↓ to the second.
    await page.getByLabel('关键字').focus();
    await page.keyboard.press('ArrowDown');
    const firstId = await rows().first().getAttribute('data-task');
    expect(await page.evaluate('document.activeElement.dataset.task')).to.equal(firstId);
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate('document.activeElement.name')).to.equal('q');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const secondId = await rows().nth(1).getAttribute('data-task');
    expect(await page.evaluate('document.activeElement.dataset.task')).to.equal(secondId);
    expect(secondId).to.not.equal(firstId);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/tasks/${secondId}`));
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
  });

  it('keeps what was typed when the session expires, and offers it back after signing in again', async () => {
    const text = '已阅。本单位将于本周内组织学习并落实。';
    const taskUrl = page.url();
    await fillField(page, '阅办意见', text);
    await page.waitForTimeout(700); // the draft is saved 400 ms after the last keystroke
    // The server ends the session (as the 30-minute idle timeout does); the browser still has its cookie.
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const out = await fetch(`${base}/api/auth/logout`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(out.status).to.equal(204);
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/login\?next=.*timeout=1/);
    await page.locator('.notice-warn', { hasText: '登录已超时' }).waitFor();
    await screenshot(page, 'session-timeout');
    await signIn(page, base, 'staff');
    await page.waitForURL(taskUrl);
    const banner = page.locator('.draft-banner');
    await banner.waitFor();
    expect(await formField(page, '阅办意见').locator('textarea').inputValue(), 'not restored before asked').to.equal('');
    await screenshot(page, 'task-draft');
    await banner.getByRole('button', { name: '恢复草稿' }).click();
    const comment = formField(page, '阅办意见').locator('textarea');
    await until(async () => (await comment.inputValue()) === text, 'the draft back in the form');
    await page.evaluate('window.__noReload = true');
    const done = page.waitForResponse((r) => r.url().endsWith('/complete'));
    await page.getByRole('button', { name: '提交' }).click();
    expect((await done).status()).to.equal(200);
    await page.waitForURL(/\/inbox/);
    // The pending count follows without a page reload.
    await until(async () => (await badge().textContent()) === '2', 'the pending count to drop to 2');
    expect(await page.evaluate('window.__noReload')).to.equal(true);
    const supervisor = await apiAs(base, 'supervisor');
    const tasks = await supervisor.get(`/api/tasks?all=true&processKey=e2e-notice&status=completed`);
    expect(tasks.items).to.have.length(1);
    const inst = await supervisor.get(`/api/process-instances/${tasks.items[0].instanceId}`);
    expect(inst.variables.comment).to.equal(text);
  });

  it('fits a phone-width screen: inbox rows become cards, the task page stacks', async () => {
    await signOut(page);
    const phone = await launch({ width: 390, height: 844 });
    try {
      await phone.page.goto(`${base}/login`);
      await screenshot(phone.page, 'login-phone');
      await signIn(phone.page, base, 'staff');
      await phone.page.locator('.task-row').first().waitFor();
      const overflow = 'document.documentElement.scrollWidth - window.innerWidth';
      expect(await phone.page.evaluate(overflow), 'no horizontal scrolling').to.be.at.most(0);
      expect(await phone.page.locator('.inbox-table thead').isVisible()).to.equal(false);
      await screenshot(phone.page, 'inbox-phone');
      await phone.page.locator('.task-row').first().getByRole('link', { name: '办理' }).click();
      await phone.page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
      expect(await phone.page.evaluate(overflow), 'no horizontal scrolling').to.be.at.most(0);
      await screenshot(phone.page, 'task-phone');
      expect(phone.errors).to.deep.equal([]);
    } finally {
      await phone.close();
    }
  });
});
