import { expect } from 'chai';
import { launch, screenshot, signIn, signOut, until, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

describe('E2E: handing a task to a colleague (转办)', function () {
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
  afterEach(() => {
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  it('孙网 claims a repair and hands it to 马信 with a note; 马信 finds it in his inbox and is told', async () => {
    const { page } = b;
    const staff = await apiAs(server.baseUrl, 'staff');
    const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16) + '+08:00';
    const started = await staff.post('/api/process-definitions/fault-report/start', { businessKey: 'GZ-2026-0400', variables: { device: 'webcam', occurredAt: now, description: '网络摄像头无画面，无法视频会商' } });
    const itc = await apiAs(server.baseUrl, 'itc');
    let taskId = '';
    await until(async () => {
      taskId = (await itc.get(`/api/tasks?instance=${started.id}`)).items[0]?.id ?? '';
      return Boolean(taskId);
    }, 'the repair task');
    await itc.post(`/api/tasks/${taskId}/claim`);

    await page.goto(`${server.baseUrl}/login`);
    await signIn(page, server.baseUrl, 'itc');
    await page.goto(`${server.baseUrl}/tasks/${taskId}`);
    await page.locator('.fjs-form').waitFor();
    await page.getByRole('button', { name: '转办' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.getByLabel('接收人').selectOption({ label: '马信（指挥信息保障中心）' });
    await dialog.getByLabel('转办说明（可选）').fill('摄像头需更换，请主任安排');
    await screenshot(page, 'task-assign');
    await dialog.getByRole('button', { name: '确认转办' }).click();
    await page.waitForURL(/\/inbox/);
    await page.locator('.toast', { hasText: '已转办给 马信' }).waitFor();

    await signOut(page);
    await signIn(page, server.baseUrl, 'itc-head');
    const row = page.locator('.task-row', { hasText: 'GZ-2026-0400' });
    await row.waitFor();
    await page.locator('.bell').click();
    await page.locator('#notif-panel .notif', { hasText: '转办：信息中心受理维修（GZ-2026-0400）' }).waitFor();
    await page.keyboard.press('Escape');
    await row.getByRole('link', { name: '办理' }).click();
    const handed = page.locator('.tl-task-assigned');
    await handed.waitFor();
    expect(await handed.locator('.tl-decision').textContent()).to.equal('转给：马信');
    expect(await handed.locator('.tl-comment').textContent()).to.equal('摄像头需更换，请主任安排');
  });
});
