import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { launch, screenshot, signIn, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

describe('E2E: the process owner edits a decision table (DMN) in Chinese and deploys it', function () {
  let server: RunningServer;
  let b: Browser;
  let page: Page;
  let base: string;

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

  it('creates a new decision table from the modeler list, edits a rule, and deploys it as a proposal a leader approves', async () => {
    // Given the owner opens a new decision table
    await page.goto(`${base}/modeler/decisions/e2e-level`);
    await page.locator('.decision-editor .tjs-table').waitFor();
    // Then dmn-js speaks Chinese
    expect(await page.locator('.decision-editor .hit-policy .dms-label').textContent()).to.equal('命中策略：');
    expect(await page.locator('.decision-editor').textContent()).to.contain('当').and.contain('则');
    // When the owner sets the rule's output and deploys
    const cell = page.locator('.decision-editor td.output-cell').first();
    await cell.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('"科室"');
    await page.locator('.modeler-head h1').click();
    await screenshot(page, 'decision-editor');
    const deployed = page.waitForResponse((r) => r.url().endsWith('/api/deployments'));
    await page.getByRole('button', { name: '部署决策表' }).click();
    const res = await deployed;
    expect(res.status()).to.equal(202);
    await page.getByText('已提交审批', { exact: false }).first().waitFor();
    // And once a leader approves, the decision is listed in the modeler list with its version
    const leader = await apiAs(base, 'leader');
    expect((await leader.post(`/api/deployments/${(await res.json()).id}/approve`, { comment: '同意' })).status).to.equal('active');
    await page.goto(`${base}/modeler`);
    const row = page.locator('tr[data-decision="e2e-level"]');
    await row.waitFor();
    expect(await row.textContent()).to.contain('第 1 版').and.contain('唯一命中');
    const owner = await apiAs(base, 'owner');
    const one = await owner.get('/api/decision-definitions/e2e-level');
    expect(one.table.rules[0].outputEntries).to.deep.equal(['"科室"']);
  });
});
