import { expect } from 'chai';
import { screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

describe('E2E: working with colleagues — 转办 and 本单位待办', function () {
  const s = serverAndBrowser();

  it('孙网 claims a repair and hands it to 马信 with a note; 马信 finds it in his inbox and is told', async () => {
    const { page } = s.b;
    const server = s.server;
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
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
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
    await page.locator('#notif-panel .notif', { hasText: '转办：信息中心受理维修（常民防修〔2026〕0001号）' }).waitFor();
    await page.keyboard.press('Escape');
    await row.getByRole('link', { name: '办理' }).click();
    const handed = page.locator('.tl-task-assigned');
    await handed.waitFor();
    expect(await handed.locator('.tl-decision').textContent()).to.equal('转给：马信');
    expect(await handed.locator('.tl-comment').textContent()).to.equal('摄像头需更换，请主任安排');
  });

  it('the brigade’s contact person sees what waits on 李娜 under 本单位待办 and reminds her', async () => {
    const { page } = s.b;
    const server = s.server;
    const owner = await apiAs(server.baseUrl, 'owner');
    const xml = process('e2e-assist', `<bpmn:startEvent id="S" />${flow('F1', 'S', 'T')}${userTask('T', '协助核查', 'camunda:candidateUsers="staff2" camunda:dueDate="P3D"')}${flow('F2', 'T', 'E')}<bpmn:endEvent id="E" />`);
    await owner.deploy({ files: [{ name: 'e2e-assist.bpmn', content: xml }] });
    const legal = await apiAs(server.baseUrl, 'legal');
    await legal.post('/api/process-definitions/e2e-assist/start', { businessKey: 'XC-2026-0007', variables: {} });

    await signOut(page);
    await signIn(page, server.baseUrl, 'staff');
    await page.locator('.nav').getByRole('link', { name: '本单位待办' }).click();
    await page.waitForURL(/\/unit-tasks/);
    const row = page.locator('.unit-tasks-table tr', { hasText: 'XC-2026-0007' });
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).to.equal('待认领（李娜）');
    await screenshot(page, 'unit-tasks');
    await row.getByRole('button', { name: '催办：协助核查' }).click();
    await page.locator('dialog.dialog').getByRole('button', { name: '发送催办' }).click();
    await page.locator('.toast', { hasText: '已催办：李娜' }).waitFor();
    const staff2 = await apiAs(server.baseUrl, 'staff2');
    expect((await staff2.get('/api/notifications')).items.map((n: { title: string }) => n.title)).to.include('催办：协助核查（E2E-ASSIST-2026-00001）');
    // 李娜 herself is neither head nor contact: no such menu.
    await signOut(page);
    await signIn(page, server.baseUrl, 'staff2');
    expect(await page.locator('.nav').getByRole('link', { name: '本单位待办' }).count()).to.equal(0);
    // The supervision office looks at any unit's pending work inside the monitor.
    await signOut(page);
    await signIn(page, server.baseUrl, 'supervisor');
    await page.goto(`${server.baseUrl}/monitor`);
    await page.locator('.subnav').getByRole('link', { name: '单位待办' }).click();
    await page.waitForURL(/\/monitor\/unit-tasks/);
    await page.getByLabel('单位').selectOption({ label: '监察大队' });
    await page.waitForURL(/unit=inspection-brigade/);
    await page.locator('.unit-tasks-table tr', { hasText: 'XC-2026-0007' }).waitFor();
    await page.getByLabel('单位').selectOption({ label: '政策法规处' });
    await page.locator('.unit-tasks-page .empty-state', { hasText: '政策法规处当前没有待办任务' }).waitFor();
  });
});
