import { expect } from 'chai';
import { launch, screenshot, signIn, signOut, until, type Browser } from './helpers/browser.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

describe('E2E: the user is told why and what next — form errors, sign-in and password reasons, landings, empty lists', function () {
  let server: RunningServer;
  let b: Browser;

  before(async () => {
    server = await startServer();
    b = await launch();
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.log().slice(-3000));
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  it('a refused start form: the summary at the top takes focus, links to each field, and empties as fields are fixed', async () => {
    const { page } = b;
    await signIn(page, server.baseUrl, 'staff');
    await page.goto(`${server.baseUrl}/start/fault-report`);
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
    const refused = page.waitForResponse((r) => r.url().endsWith('/start') && r.request().method() === 'POST');
    await page.getByRole('button', { name: '提交申请' }).click();
    expect((await refused).status()).to.equal(422);
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    // Above the form, focused (no select opened by itself), one link per field in error.
    const [summaryTop, formTop] = await Promise.all([summary.boundingBox(), page.locator('.form-host:not(.case-content) .fjs-form').boundingBox()]);
    expect(summaryTop!.y).to.be.lessThan(formTop!.y);
    expect(await page.evaluate('document.activeElement.className')).to.contain('error-summary');
    await until(async () => {
      const [box, bar] = await Promise.all([summary.boundingBox(), page.locator('.topbar').boundingBox()]);
      return box!.y >= bar!.y + bar!.height - 1 && box!.y < 400;
    }, 'the summary in view, below the header');
    expect(await page.locator('.fjs-select-dropdown, .fjs-dropdownlist').count(), 'no dropdown open').to.equal(0);
    const links = summary.getByRole('link');
    const texts = await links.allTextContents();
    expect(texts.some((t) => t.includes('故障现象'))).to.equal(true);
    await screenshot(page, 'form-error-summary');
    // A link takes the user to its field; fixing the field removes its entry.
    const before = texts.length;
    await summary.getByRole('link', { name: /故障现象/ }).click();
    expect(await page.evaluate('document.activeElement.tagName')).to.equal('TEXTAREA');
    await page.keyboard.type('显示器黑屏，无法开机');
    await until(async () => (await links.count()) === before - 1, 'the fixed field to leave the summary');
    expect((await links.allTextContents()).some((t) => t.includes('故障现象'))).to.equal(false);
    await signOut(page);
  });

  it('the password page gives the server\'s reason (a recent password) and its hint names the user-name rule', async () => {
    const { page } = b;
    await signIn(page, server.baseUrl, 'staff3');
    await page.goto(`${server.baseUrl}/password`);
    expect(await page.locator('#pw-rule').textContent()).to.contain('不能包含用户名');
    const change = async (from: string, to: string) => {
      await page.getByLabel('当前密码').fill(from);
      await page.getByLabel('新密码', { exact: true }).fill(to);
      await page.getByLabel('再次输入新密码').fill(to);
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/password'));
      await page.getByRole('button', { name: '确认修改' }).click();
      return (await answered).status();
    };
    expect(await change('Demo@2026!', 'Bureau#2026-Next')).to.equal(200);
    await page.locator('.topbar .who-name').waitFor();
    await page.goto(`${server.baseUrl}/password`);
    // Back to the old password: the server refuses it and the page says why.
    expect(await change('Bureau#2026-Next', 'Demo@2026!')).to.equal(422);
    const error = page.locator('.form-error');
    await error.waitFor();
    expect(await error.textContent()).to.contain('不能与最近 5 次使用过的密码相同');
    // The user-name rule is checked before sending.
    await page.getByLabel('新密码', { exact: true }).fill('Staff3#Secure99');
    await page.getByLabel('再次输入新密码').fill('Staff3#Secure99');
    await page.getByRole('button', { name: '确认修改' }).click();
    expect(await error.textContent()).to.contain('不能包含用户名');
    await signOut(page);
  });

  it('a locked account is told when it unlocks and whom to contact', async () => {
    const { page } = b;
    await page.goto(`${server.baseUrl}/login`);
    const error = page.locator('.form-error');
    for (let i = 0; i < 6; i++) {
      await page.getByLabel('用户名').fill('staff2');
      await page.getByLabel('密码', { exact: true }).fill(`wrong-${i}`);
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
      await page.getByRole('button', { name: '登录' }).click();
      if ((await answered).status() === 403) break;
    }
    await until(async () => /自动解锁/.test((await error.textContent()) ?? ''), 'the lock message');
    const text = (await error.textContent())!;
    expect(text).to.match(/将于 \d{2}:\d{2} 自动解锁/);
    expect(text).to.contain('安全管理员');
    await screenshot(page, 'login-locked');
  });

  it('each role lands on its main page: a district reporter on 交换文件导出, staff on 待办', async () => {
    const { page } = b;
    await signIn(page, server.baseUrl, 'wujin');
    await page.waitForURL(/\/exchange\/export$/);
    // An empty list says what to do next.
    await page.goto(`${server.baseUrl}/requests`);
    const emptyState = page.locator('.empty-state');
    await emptyState.waitFor();
    expect(await emptyState.textContent()).to.contain('在“发起”页选择流程');
    expect(await emptyState.getByRole('link', { name: '去发起' }).count()).to.equal(1);
    await signOut(page);
    await signIn(page, server.baseUrl, 'staff');
    await page.waitForURL(/\/inbox$/);
    await signOut(page);
  });
});
