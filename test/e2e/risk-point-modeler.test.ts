import { expect } from 'chai';
import { signIn, signOut, until } from './helpers/browser.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * Issue 18, item 1 in the browser: a process owner marks a step of a power flow as a high
 * 廉政风险点 in the modeler's "廉政风险" group, picks the monitoring rule that watches it from the
 * rule library's list, deploys (a proposal), a leader approves it on 部署审批, and the item's
 * published 权力运行流程图 shows the new high risk point with the rule's name — to anyone, without
 * signing in; the rule library names the step the rule watches.
 */
describe('E2E: a high risk point marked in the modeler’s 廉政风险 group reaches the published flow diagram', () => {
  const s = serverAndBrowser();
  const TASK = 'Task_Deliver';
  const DESCRIPTION = '文书制作中擅自改变决定内容，或借送达向当事人索取好处';
  const MEASURES = '决定文书由系统按决定生成不可改动；送达回证上传留存；纪检随机回访当事人';
  type Point = { elementId: string; level: string; description: string; measures: string; rules: string[] };
  const pointOf = async (key: string) =>
    ((await (await apiAs(s.server.baseUrl, 'owner')).get(`/api/process-definitions/${key}`)).riskPoints as Point[]).find((p) => p.elementId === TASK);
  let proposal = '';
  let approverGroup = '';
  let ruleId = '';

  before(async () => {
    // Given supervision's rule on the step, approved by the discipline committee
    const proposed = await (await apiAs(s.server.baseUrl, 'supervisor')).post('/api/monitoring-rules', { kind: 'step-time-limit', name: '送达环节限时', processKey: 'power-case', elementId: TASK, params: { yellowWorkdays: 2, redWorkdays: 3 }, reason: '送达环节为高风险点' });
    ruleId = proposed.ruleId;
    await (await apiAs(s.server.baseUrl, 'discipline')).post(`/api/monitoring-rule-changes/${proposed.changeId}/approve`, { comment: '同意' });
  });

  it('the rule library names the step a rule watches, not its id', async () => {
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'supervisor');
    await page.goto(`${s.server.baseUrl}/monitor/rules`);
    const step = page.locator(`tr[data-rule="${ruleId}"] [data-step="${TASK}"]`);
    await step.waitFor();
    expect(await step.textContent()).to.equal('环节：制作并送达决定文书');
    await page.screenshot({ path: '/tmp/superv/rules-table.png', fullPage: true });
    await signOut(page);
  });

  it('Given the owner sets 风险等级 高 with description, 防控措施 and rule on 制作并送达决定文书 and deploys, then it is only proposed', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    expect((await pointOf('power-case'))?.level, 'shipped as low').to.equal('low');
    await signIn(page, base, 'owner');
    await page.goto(`${base}/modeler/processes/power-case`);
    const shape = page.locator(`.modeler-canvas .djs-element[data-element-id="${TASK}"]`);
    await shape.click();
    // The group is there, in Chinese, with the current assessment
    const group = page.locator('[data-group-id="group-riskPoint"]');
    expect(await group.locator('.bio-properties-panel-group-header-title').textContent()).to.equal('廉政风险');
    const level = page.locator('#bio-properties-panel-riskLevel');
    if (!(await level.isVisible())) await group.locator('.bio-properties-panel-group-header').click();
    expect(await level.inputValue()).to.equal('低');
    expect(await page.locator('#bio-properties-panel-riskDescription').inputValue()).to.equal('决定文书制作、送达不及时');
    // When he raises it to 高 and writes why and how it is prevented
    await level.selectOption('高');
    await page.locator('#bio-properties-panel-riskDescription').fill(DESCRIPTION);
    await page.locator('#bio-properties-panel-riskMeasures').fill(MEASURES);
    // And picks the watching rule from the library's list (Chinese names), not typing an id
    const choice = page.locator(`.rule-picker input[data-rule="${ruleId}"]`);
    await choice.waitFor();
    expect(await page.locator('.rule-picker li', { has: page.locator(`input[data-rule="${ruleId}"]`) }).textContent()).to.contain('送达环节限时').and.contain('高风险环节限时').and.contain('环节：制作并送达决定文书');
    await choice.check();
    await page.screenshot({ path: '/tmp/superv/risk-panel.png' });
    await page.locator('.modeler-canvas').click({ position: { x: 600, y: 40 } });
    const deployed = page.waitForResponse((r) => r.url().endsWith('/api/deployments') && r.request().method() === 'POST');
    await page.getByRole('button', { name: '部署' }).click();
    const res = await deployed;
    expect(res.status()).to.equal(202);
    ({ id: proposal, approverGroup } = (await res.json()) as { id: string; approverGroup: string });
    await page.getByText('已提交审批', { exact: false }).first().waitFor();
    // Then nothing changed yet: the running version keeps the low point
    expect((await pointOf('power-case'))?.level).to.equal('low');
    await signOut(page);
  });

  it('When the leader approves the proposal on 部署审批, then the published 权力运行流程图 lists and draws the high risk point', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    expect(proposal, 'the proposal of the first story').to.not.equal('');
    await signIn(page, base, approverGroup === 'supervision' ? 'supervisor' : 'leader');
    await page.goto(`${base}/deployments/${proposal}`);
    await page.locator('#proposal-comment').fill('同意将送达环节调整为高风险点');
    const decided = page.waitForResponse((r) => r.url().endsWith('/approve'));
    await page.getByRole('button', { name: '同意' }).click();
    const answer = await decided;
    expect(answer.status()).to.equal(200);
    expect(((await answer.json()) as { status: string }).status).to.equal('active');
    // The API lists it as written in the panel
    expect(await pointOf('power-case')).to.deep.include({ level: 'high', description: DESCRIPTION, measures: MEASURES, rules: [ruleId] });
    // And the item's published flow diagram shows it, in the table and on the diagram
    await page.goto(`${base}/flows/XK-0001`);
    const row = page.locator(`.risk-table tr[data-element="${TASK}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-level')).to.equal('high');
    expect(await row.textContent()).to.contain('廉·高').and.contain(DESCRIPTION).and.contain(MEASURES).and.contain('送达环节限时');
    await until(async () => (await page.locator(`.diagram-host [data-container-id="${TASK}"] .risk-badge[data-risk="risk-high"]`).count()) === 1, 'the high badge on 制作并送达决定文书');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.contain('权力运行流程图');
    await signOut(page);
  });

  it('Without signing in, anyone reaches the published flow from the sign-in page and sees the same risk point, nothing internal', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await page.goto(`${base}/login`);
    await page.getByRole('link', { name: '权力运行流程图（公开）' }).click();
    await page.getByRole('link', { name: /XK-0001/ }).click();
    const row = page.locator(`.risk-table tr[data-element="${TASK}"]`);
    await row.waitFor();
    expect(new URL(page.url()).pathname).to.equal('/flows/XK-0001');
    expect(await row.textContent()).to.contain('廉·高').and.contain(DESCRIPTION).and.contain('送达环节限时');
    await until(async () => (await page.locator(`.diagram-host [data-container-id="${TASK}"] .risk-badge[data-risk="risk-high"]`).count()) === 1, 'the high badge, signed out');
    // No frame, no internal navigation; the public links instead
    expect(await page.locator('header.topbar').count()).to.equal(0);
    expect(await page.getByRole('link', { name: '投诉举报' }).count()).to.equal(1);
    expect(await page.getByRole('link', { name: '下载PDF' }).getAttribute('href')).to.equal('/api/power-items/XK-0001/flow-diagram.pdf');
    await page.screenshot({ path: '/tmp/superv/public-flow.png', fullPage: true });
  });
});
