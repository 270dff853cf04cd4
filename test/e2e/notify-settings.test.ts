import { expect } from 'chai';
import { launch, screenshot, signIn, type Browser } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

describe('E2E: 通知方式 — choosing e-mail and the group robot (issue 13, item 9)', function () {
  let server: RunningServer;
  let b: Browser;

  before(async () => {
    // E-mail configured (the server is never reached by this story); the group robot not.
    server = await startServer({ SMTP_URL: 'smtp://127.0.0.1:1', SMTP_FROM: '权力运行平台 <noreply@czrf.example>' });
    b = await launch();
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(() => {
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  it('张明 opens 通知方式 from the header, keeps 站内, turns e-mail off and the robot on with a new address; it stays so', async () => {
    const { page } = b;
    await signIn(page, server.baseUrl, 'staff');
    await page.locator('.topbar a', { hasText: '通知方式' }).click();
    await page.waitForURL(/\/me\/notifications$/);

    // The defaults: 站内 on and fixed, e-mail on to the demo address, the robot off and not configured
    expect(await page.getByLabel('站内通知').isChecked()).to.equal(true);
    expect(await page.getByLabel('站内通知').isDisabled()).to.equal(true);
    expect(await page.getByLabel('电子邮件', { exact: true }).isChecked()).to.equal(true);
    expect(await page.getByLabel('接收通知的电子邮箱').inputValue()).to.equal('staff@czrf.example');
    expect(await page.getByLabel('政务微信/钉钉群机器人').isChecked()).to.equal(false);
    await page.locator('.notify-settings', { hasText: '平台尚未配置此渠道' }).waitFor();

    // A malformed address is refused before anything is sent
    await page.getByLabel('接收通知的电子邮箱').fill('zhangming');
    await page.getByRole('button', { name: '保存' }).click();
    expect(await page.locator('.form-error').textContent()).to.contain('电子邮箱格式不正确');

    // When she turns e-mail off, the robot on, and gives another address
    await page.getByLabel('电子邮件', { exact: true }).uncheck();
    await page.getByLabel('政务微信/钉钉群机器人').check();
    await page.getByLabel('接收通知的电子邮箱').fill('zhangming@example.gov.cn');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/me/notification-preferences') && r.request().method() === 'PUT');
    await page.getByRole('button', { name: '保存' }).click();
    expect((await saved).status()).to.equal(200);
    await page.locator('.toast', { hasText: '通知方式已保存' }).waitFor();
    await page.getByLabel('接收通知的电子邮箱').waitFor();
    await screenshot(page, 'notify-settings');

    // Then after a reload the page shows her choice
    await page.reload();
    await page.getByLabel('接收通知的电子邮箱').waitFor();
    expect(await page.getByLabel('电子邮件', { exact: true }).isChecked()).to.equal(false);
    expect(await page.getByLabel('政务微信/钉钉群机器人').isChecked()).to.equal(true);
    expect(await page.getByLabel('接收通知的电子邮箱').inputValue()).to.equal('zhangming@example.gov.cn');
  });
});
