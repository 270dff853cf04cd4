import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { launch, screenshot, signIn, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

/**
 * Four eyes on deployments, in the browser: the process owner changes fault-report in the modeler
 * and deploys — 已提交审批, nothing changes yet; a leader opens 部署审批, sees the old and new
 * diagram side by side with the renamed task marked, approves with a comment, and version 2 starts.
 */
describe('E2E: a deploy from the modeler waits for a leader’s approval (部署审批)', function () {
  let server: RunningServer;
  let owner: Browser;
  let leader: Browser;
  let base: string;
  const TASK = 'Task_Repair';
  const NEW_NAME = '信息中心受理并维修（审批）';

  before(async () => {
    server = await startServer();
    base = server.baseUrl;
    owner = await launch();
    leader = await launch();
  });
  after(async () => {
    await owner?.close();
    await leader?.close();
    await server?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.log().slice(-3000));
    expect(owner.errors, 'errors in the owner’s page').to.deep.equal([]);
    expect(leader.errors, 'errors in the leader’s page').to.deep.equal([]);
  });

  const shape = (page: Page, id: string) => page.locator(`.modeler-canvas .djs-element[data-element-id="${id}"]`);

  it('Given the owner renames a task and deploys, then the change is only proposed (202, 已提交审批)', async () => {
    const page = owner.page;
    await page.goto(`${base}/login`);
    await signIn(page, base, 'owner');
    await page.goto(`${base}/modeler/processes/fault-report`);
    await shape(page, TASK).click();
    const general = page.locator('[data-group-id="group-general"]');
    if (!(await general.locator('#bio-properties-panel-name').isVisible())) await general.locator('.bio-properties-panel-group-header').click();
    await general.locator('#bio-properties-panel-name').fill(NEW_NAME);
    await page.locator('.modeler-canvas').click({ position: { x: 600, y: 40 } });
    const deployed = page.waitForResponse((r) => r.url().endsWith('/api/deployments') && r.request().method() === 'POST');
    await page.getByRole('button', { name: '部署' }).click();
    expect((await deployed).status()).to.equal(202);
    await page.getByText('已提交审批', { exact: false }).first().waitFor();
    const api = await apiAs(base, 'owner');
    expect((await api.get('/api/process-definitions/fault-report')).versions).to.have.length(1);
  });

  it('When a leader opens 部署审批, the old and new diagrams show the renamed task; approving makes version 2 start', async () => {
    const page = leader.page;
    await page.goto(`${base}/login`);
    await signIn(page, base, 'leader');
    await page.getByRole('link', { name: '部署审批' }).click();
    await page.locator('.proposal-row a').first().click();
    const card = page.locator('.diff-card[data-file="fault-report.bpmn"]');
    await card.locator(`.diff-canvas .djs-element.diff-changed[data-element-id="${TASK}"]`).first().waitFor();
    expect(await card.locator(`.djs-element.diff-changed[data-element-id="${TASK}"]`).count()).to.equal(2);
    expect(await card.locator('.diff-changes').textContent()).to.contain(NEW_NAME);
    await screenshot(page, 'deployment-approval');
    await page.locator('#proposal-comment').fill('同意更名');
    const decided = page.waitForResponse((r) => r.url().endsWith('/approve'));
    await page.getByRole('button', { name: '同意' }).click();
    const res = await decided;
    expect(res.status()).to.equal(200);
    expect((await res.json()).status).to.equal('active');
    await page.locator('.proposal-decided.status-active').waitFor();
    // Then version 2 is the one that starts
    const staff = await apiAs(base, 'staff');
    const started = await staff.post('/api/process-definitions/fault-report/start', {
      variables: { device: 'computer', occurredAt: '2026-11-30T08:30+08:00', description: '开机后蓝屏，无法登录内控平台' },
    });
    expect(started.definitionId).to.equal('fault-report:2');
  });
});
