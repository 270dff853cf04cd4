import { expect } from 'chai';
import { launch, screenshot, type Browser } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

describe('E2E: forced password change on first sign-in (Art. 11)', function () {
  let server: RunningServer;
  let b: Browser;
  let adminPassword: string;

  before(async () => {
    // Without the demo organisation only the three administrators exist, each with a one-time password.
    server = await startServer({ DEMO: '0' });
    const m = server.log().match(/^\s+sysadmin\s+(\S+)/m);
    if (!m) throw new Error(`no sysadmin password in the server output:\n${server.log()}`);
    adminPassword = m[1];
    b = await launch();
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(() => {
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  it('sends the administrator to the password change, refuses a weak password, then opens the platform', async () => {
    const { page } = b;
    await page.goto(`${server.baseUrl}/inbox`);
    await page.waitForURL(/\/login\?next=%2Finbox/);
    await page.getByLabel('用户名').fill('sysadmin');
    await page.getByLabel('密码', { exact: true }).fill(adminPassword);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/password\?forced=1/);
    expect(await page.locator('.topbar').count(), 'no navigation before the change').to.equal(0);
    await page.locator('.notice-warn', { hasText: '第十一条' }).waitFor();
    // Any other page is refused by the server until the password is changed.
    await page.goto(`${server.baseUrl}/monitor`);
    await page.waitForURL(/\/password\?forced=1/);
    await page.getByLabel('当前密码').fill(adminPassword);
    await page.getByLabel('新密码', { exact: true }).fill('short');
    await page.getByLabel('再次输入新密码').fill('short');
    await page.getByRole('button', { name: '确认修改' }).click();
    expect(await page.locator('.form-error').textContent()).to.contain('至少 10 位');
    await screenshot(page, 'password-forced');
    const next = 'Bureau#2026-Secure';
    await page.getByLabel('新密码', { exact: true }).fill(next);
    await page.getByLabel('再次输入新密码').fill(next);
    const changed = page.waitForResponse((r) => r.url().endsWith('/api/auth/password'));
    await page.getByRole('button', { name: '确认修改' }).click();
    expect((await changed).status()).to.equal(200);
    await page.locator('.topbar .who-name').waitFor();
    expect(page.url()).to.match(/\/(inbox|monitor)$/);
    // Sign out, and the new password works.
    await page.getByRole('button', { name: '退出' }).click();
    await page.locator('.notice', { hasText: '已安全退出' }).waitFor();
    await page.getByLabel('用户名').fill('sysadmin');
    await page.getByLabel('密码', { exact: true }).fill(next);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.topbar .who-name').waitFor();
  });
});
