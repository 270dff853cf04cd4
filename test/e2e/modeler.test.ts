import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { launch, screenshot, signIn, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

describe('E2E: the process owner edits and deploys in the modeler', function () {
  let server: RunningServer;
  let b: Browser;
  let page: Page;
  let base: string;
  const TASK = 'Task_Repair';
  const NEW_NAME = '信息中心受理并维修';

  before(async () => {
    server = await startServer();
    base = server.baseUrl;
    b = await launch();
    page = b.page;
    await page.goto(`${base}/login`);
    await signIn(page, base, 'owner');
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.log().slice(-3000));
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  const shape = (id: string) => page.locator(`.modeler-canvas .djs-element[data-element-id="${id}"]`);

  it('opens fault-report from the list of definitions in the modeler, in Chinese', async () => {
    await page.getByRole('link', { name: '流程设计' }).click();
    const row = page.locator('tr[data-process="fault-report"]');
    await row.waitFor();
    await row.getByRole('button', { name: /查看全部版本/ }).click();
    await row.locator('.versions li').first().waitFor();
    expect(await row.locator('.versions li').count()).to.equal(1);
    expect(await row.locator('a[download]').first().getAttribute('href')).to.match(/\/api\/process-definitions\/fault-report\/xml\?version=1$/);
    await screenshot(page, 'modeler-list');
    await row.getByRole('link', { name: '编辑' }).click();
    await shape(TASK).waitFor();
    // Chinese palette and lint results; the bpmn.io watermark stays.
    expect(await page.locator('.djs-palette [data-action="create.exclusive-gateway"]').getAttribute('aria-label')).to.equal('网关');
    expect(await page.locator('.modeler-canvas .bjs-powered-by').count()).to.equal(1);
    await page.locator('.problems').filter({ hasText: '检查' }).waitFor();
  });

  it('renames a task in the properties panel, deploys, and version 2 appears', async () => {
    await shape(TASK).click();
    expect(await page.locator('.bio-properties-panel-header-type').textContent()).to.equal('用户任务');
    const general = page.locator('[data-group-id="group-general"]');
    if (!(await general.locator('#bio-properties-panel-name').isVisible())) await general.locator('.bio-properties-panel-group-header').click();
    await general.locator('#bio-properties-panel-name').fill(NEW_NAME);
    // The engine's fields are there: candidate groups, due date, form key, separation of duties.
    await page.locator('[data-group-id="group-CamundaPlatform__UserAssignment"] .bio-properties-panel-group-header').click();
    expect(await page.locator('#bio-properties-panel-candidateGroups').inputValue()).to.equal('info-centre');
    expect(await page.locator('#bio-properties-panel-dueDate').inputValue()).to.equal('P2D');
    // Candidates are picked from the organisation by Chinese name (issue 12, item 3).
    await page.locator('[data-group-id="group-orgPicker"] .bio-properties-panel-group-header').click();
    await page.locator('#orgPickerGroups-q').fill('流程管理');
    await page.locator('.org-picker-results button', { hasText: '（process-owners）' }).click();
    expect(await page.locator('#bio-properties-panel-candidateGroups').inputValue()).to.equal('info-centre,process-owners');
    await page.locator('[data-group-id="group-separationOfDuties"] .bio-properties-panel-group-header').click();
    await page.locator('#bio-properties-panel-separationOfDuties').fill('starter');
    await page.locator('.modeler-canvas').click({ position: { x: 600, y: 40 } });
    expect(await shape(TASK).textContent()).to.contain(NEW_NAME);
    await screenshot(page, 'modeler');
    const deployed = page.waitForResponse((r) => r.url().endsWith('/api/deployments'));
    await page.getByRole('button', { name: '部署' }).click();
    const res = await deployed;
    // A deploy is a proposal: the owner is told it awaits approval, and a leader approves it.
    expect(res.status()).to.equal(202);
    await page.getByText('已提交审批', { exact: false }).first().waitFor();
    const leader = await apiAs(base, 'leader');
    expect((await leader.post(`/api/deployments/${(await res.json()).id}/approve`, { comment: '同意' })).status).to.equal('active');
    await page.goto(`${base}/modeler/processes/fault-report?version=2`);
    await shape(TASK).waitFor();
    expect(await page.locator('#modeler-version option:checked').textContent()).to.match(/^第 2 版/);
    expect(await shape(TASK).textContent()).to.contain(NEW_NAME);
    // The server has version 2 with the new name and the separation-of-duties property.
    const owner = await apiAs(base, 'owner');
    const def = await owner.get('/api/process-definitions/fault-report');
    expect(def.versions.map((v: { version: number }) => v.version)).to.deep.equal([2, 1]);
    const xml = await fetch(`${base}/api/process-definitions/fault-report/xml?version=2`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } }).then((r) => r.text());
    expect(xml).to.contain(NEW_NAME);
    expect(xml).to.match(/<camunda:property name="separationOfDuties" value="starter" \/>/);
    expect(xml).to.contain('camunda:candidateGroups="info-centre,process-owners"');
  });

  it('a deploy with a script task is refused and the server’s error is shown on the diagram', async () => {
    await shape(TASK).click();
    await page.locator('.djs-context-pad [data-action="replace"]').click();
    await page.locator('.djs-popup [data-id="replace-with-script-task"]').click();
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/deployments'));
    await page.getByRole('button', { name: '部署' }).click();
    const res = await refused;
    expect(res.status()).to.equal(400);
    const { error } = await res.json();
    const problem = error.details.find((d: { element?: string }) => d.element === TASK);
    expect(problem.message).to.contain('脚本任务');
    // The lint overlay sits on the task, and the problem list names it.
    const overlay = page.locator(`.djs-overlay-container [data-container-id="${TASK}"] .bjsl-overlay .bjsl-icon-error`);
    await overlay.waitFor();
    expect(await page.locator('.problems-list').textContent()).to.contain(problem.message);
    await overlay.hover();
    await screenshot(page, 'modeler-errors');
    expect(page.url()).to.contain('version=2');
    const owner = await apiAs(base, 'owner');
    expect((await owner.get('/api/process-definitions/fault-report')).versions.length, 'no version 3').to.equal(2);
  });

  it('creates a new process from the template and deploys its first version', async () => {
    await page.goto(`${base}/modeler`);
    await page.getByRole('button', { name: '新建流程' }).click();
    await page.getByLabel('流程编号').fill('duty-report');
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByLabel('流程名称（中文）').fill('值班情况报告');
    await page.getByRole('button', { name: '创建' }).click();
    await shape('Task_Review').waitFor();
    const deployed = page.waitForResponse((r) => r.url().endsWith('/api/deployments'));
    await page.getByRole('button', { name: '部署' }).click();
    const proposed = await deployed;
    expect(proposed.status()).to.equal(202);
    const leader = await apiAs(base, 'leader');
    expect((await leader.post(`/api/deployments/${(await proposed.json()).id}/approve`, {})).status).to.equal('active');
    const owner = await apiAs(base, 'owner');
    const def = await owner.get('/api/process-definitions/duty-report');
    expect(def).to.include({ name: '值班情况报告' });
    expect(def.versions).to.have.length(1);
  });

  it('opens a form of the process in the form editor', async () => {
    await page.goto(`${base}/modeler/forms/fault-report-apply`);
    await page.locator('.bio-theme-parent .fjs-editor-container').waitFor();
    await page.locator('.fjs-editor-container .fjs-form-field').first().waitFor();
    await screenshot(page, 'form-editor');
  });
});
