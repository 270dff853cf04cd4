import { expect } from 'chai';
import { signIn, signOut, until } from './helpers/browser.ts';
import { prepareWalk } from './helpers/pages.ts';
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
});
