import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { signIn, signOut, until } from './helpers/browser.ts';
import { prepareWalk } from './helpers/pages.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * Documents and public pages in the browser (issues 13 and 18): the 审批单's 下载PDF gives the
 * same sheet as a PDF; a citizen files a complaint without signing in, gets a 受理编号 and looks
 * up its status with it.
 */
describe('E2E: 审批单 PDF and the public complaint page', () => {
  const s = serverAndBrowser();

  it('offers 下载PDF on the 审批单 page, and the link answers a PDF for the applicant', async () => {
    // Given 张明's repair report
    const { instance } = await prepareWalk(s.server.baseUrl, 'GZ-2026-0701');
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'staff');
    // When he opens its 审批单
    await page.goto(`${s.server.baseUrl}/requests/${instance}/sheet`);
    const link = page.getByRole('link', { name: '下载PDF' });
    await link.waitFor();
    // Then 下载PDF points at the case's PDF, and with his session that is an A4 PDF
    expect(await link.getAttribute('href')).to.equal(`/api/process-instances/${instance}/approval-sheet.pdf`);
    const head = (await page.evaluate(`fetch(${JSON.stringify(`/api/process-instances/${instance}/approval-sheet.pdf`)}).then(async (r) => [r.status, r.headers.get('content-type'), new TextDecoder('latin1').decode((await r.arrayBuffer()).slice(0, 5))])`)) as [number, string, string];
    expect(head).to.deep.equal([200, 'application/pdf', '%PDF-']);
    // And pressing it saves the file named after the case
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).to.match(/^审批单-.+\.pdf$/);
    await signOut(page);
  });

  it('lets a citizen file a complaint without signing in and follow it by 受理编号', async () => {
    const { page } = s.b;
    // Given the public page, reached from the sign-in page
    await page.goto(`${s.server.baseUrl}/login`);
    await page.getByRole('link', { name: '投诉举报（无需登录）' }).click();
    await page.getByRole('heading', { name: '投诉举报', level: 1 }).waitFor();
    // When she fills in the complaint and submits it
    await page.getByLabel('事由（必填）').fill('窗口工作人员推诿');
    await until(async () => (await page.locator('select[name=unitId] option').count()) > 1, 'the units');
    await page.getByLabel('被投诉单位').selectOption({ label: '工程处' });
    await page.getByLabel('具体内容（必填）').fill('12月1日上午在服务窗口办理人防工程竣工验收备案，工作人员以材料不全为由推诿，未一次性告知所缺材料。');
    await page.getByRole('button', { name: '提交' }).click();
    // Then she gets a 受理编号
    const receipt = page.locator('[data-test=receipt]');
    await receipt.waitFor();
    const code = (await receipt.textContent())!.trim();
    expect(code).to.match(/^TS[2-9A-HJ-NP-Z]{14}$/);
    // And with it she looks up the status: being handled, no finding yet
    await page.getByRole('button', { name: '查询' }).click();
    const status = page.locator('[data-test=complaint-status]');
    await status.waitFor();
    expect(await status.locator('.status-label').textContent()).to.equal('核查中');
    expect(await status.textContent()).to.contain(code).and.contain('尚未办结');
    // And a mistyped code is answered in Chinese
    await page.getByLabel('受理编号').fill('TS0000');
    await page.getByRole('button', { name: '查询' }).click();
    await until(async () => ((await page.locator('.complaint-lookup .form-error').textContent()) ?? '').includes('受理编号格式不正确'), 'the refusal');
  });

  it('publishes the flow diagram with a high risk point a process owner marked and got approved', async () => {
    // Given the process owner marks 送达处罚决定书 as a high risk point (was 低) and the change is approved
    const xml = readFileSync(new URL('../../processes/penalty-case.bpmn', import.meta.url), 'utf8').replace(
      /(<bpmn:userTask id="Task_Serve"[\s\S]*?)<camunda:property name="riskLevel" value="低" \/>\s*<camunda:property name="riskDescription" value="[^"]*" \/>/,
      '$1<camunda:property name="riskLevel" value="高" />\n          <camunda:property name="riskDescription" value="送达环节与当事人私下接触，借送达索取好处" />',
    );
    expect(xml).to.contain('借送达索取好处');
    const deployed = await (await apiAs(s.server.baseUrl, 'owner')).deploy({ files: [{ name: 'penalty-case.bpmn', content: xml }] });
    expect(deployed.status).to.equal('active');
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'staff');
    // When anyone opens the item's published 权力运行流程图
    await page.goto(`${s.server.baseUrl}/flows`);
    await page.getByRole('link', { name: /CF-0001/ }).click();
    const row = page.locator('.risk-table tr[data-element="Task_Serve"]');
    await row.waitFor();
    // Then the step is listed as 廉·高 with its description, and the diagram carries the badge
    expect(await row.getAttribute('data-level')).to.equal('high');
    expect(await row.textContent()).to.contain('廉·高').and.contain('借送达索取好处');
    await until(async () => (await page.locator('.diagram-host .risk-badge[data-risk="risk-high"]').count()) >= 4, 'the high risk badges on the diagram');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.contain('权力运行流程图');
    // And its PDF is there to publish
    expect(await page.getByRole('link', { name: '下载PDF' }).getAttribute('href')).to.equal('/api/power-items/CF-0001/flow-diagram.pdf');
    await signOut(page);
  });

  it('scores the month on 考核评分, and a scheme change proposed there takes effect once the discipline committee approves', async () => {
    const { page } = s.b;
    // Given supervision on 考核评分
    await signIn(page, s.server.baseUrl, 'supervisor');
    await page.goto(`${s.server.baseUrl}/monitor/appraisal`);
    await page.locator('table[data-test="单位评分"]').waitFor();
    expect(await page.locator('table[data-test="个人评分"] tbody tr[data-subject]').count()).to.be.greaterThan(0);
    await page.locator('.scheme-card h2', { hasText: '第 0 版' }).waitFor();
    // When 刘清 proposes heavier warnings and lighter complaints
    await page.locator('.scheme-propose summary').click();
    await page.getByLabel('电子监察预警 权重').fill('25');
    await page.getByLabel('投诉举报查实 权重').fill('5');
    await page.getByLabel('变更理由（必填）').fill('本年度突出预警纠错');
    await page.getByRole('button', { name: '提交审批' }).click();
    // Then it waits for the discipline committee
    await page.locator('.scheme-card .notice', { hasText: '待审批' }).waitFor();
    await signOut(page);
    // When 郑纪 approves it on his 考核评分 page
    await signIn(page, s.server.baseUrl, 'discipline');
    await page.goto(`${s.server.baseUrl}/appraisal`);
    await page.getByRole('button', { name: '同意变更' }).click();
    // Then the scheme in force is version 1 with the new weights
    await page.locator('.scheme-card h2', { hasText: '第 1 版' }).waitFor();
    expect(await page.locator('.scheme-card tbody tr', { hasText: '电子监察预警' }).textContent()).to.contain('25');
    await signOut(page);
  });
});
