import { expect } from 'chai';
import { screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * Routing actions through the UI (issue 13, item 7): 王建国 asks 李娜 to sign before him (前加签)
 * from the task page, sees her among the step's signers and the server's refusal when he asks her
 * twice; he names 李娜 his substitute on 委托设置 and cancels it; and he takes back (收回) a case
 * from 已办 before its next handler acts; 张明 then asks to withdraw it (申请撤回) and 王建国 agrees
 * where the task is shown.
 */
const APPLY_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-route-apply',
  components: [{ type: 'textfield', key: 'title', label: '申请事项', validate: { required: true } }],
});

const ROUTE_BPMN = process(
  'e2e-route',
  `
  <bpmn:startEvent id="start" camunda:formKey="e2e-route-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Approve')}
  ${userTask('Task_Approve', '负责人审批', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f2', 'Task_Approve', 'Task_Revise')}
  ${userTask('Task_Revise', '修改或撤回', 'camunda:assignee="${applicant}"')}
  ${flow('f3', 'Task_Revise', 'end')}
  <bpmn:endEvent id="end" />
`,
);

describe('E2E: case routing in the UI — 加签, 委托设置, 收回, 申请撤回', function () {
  const s = serverAndBrowser();

  before(async () => {
    const base = s.server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-route-apply.form', content: APPLY_FORM }, { name: 'e2e-route.bpmn', content: ROUTE_BPMN }] });
    const staff = await apiAs(base, 'staff');
    await staff.post('/api/process-definitions/e2e-route/start', { variables: { title: '购置防汛沙袋 200 只' } });
    await staff.post('/api/process-definitions/e2e-route/start', { variables: { title: '更换值班室空调' } });
  });

  const rows = () => s.b.page.locator('.task-row');
  const loaded = () => until(async () => (await s.b.page.locator('.inbox-list[aria-busy]').count()) === 0, 'the inbox to load');

  it('lets 王建国 ask 李娜 to sign first (前加签) from the task page, and shows the refusal when he asks her again', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 张明's request waiting at 负责人审批 for the unit heads
    await page.goto(`${base}/login`);
    await signIn(page, base, 'head');
    await page.goto(`${base}/inbox?tab=claimable`);
    await loaded();
    const row = rows().filter({ hasText: '购置防汛沙袋 200 只' });
    await row.getByRole('link', { name: '办理' }).click();
    await page.waitForURL(/\/tasks\//);

    // When he adds 李娜 as a signer before him, with a comment
    await page.getByRole('button', { name: '加签' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.getByLabel('加签人').selectOption({ label: (await dialog.locator('option', { hasText: '李娜' }).first().textContent())! });
    await dialog.getByLabel('加签方式').selectOption('before');
    await dialog.getByLabel('加签说明（可选）').fill('请先核对预算');
    await dialog.getByRole('button', { name: '确认加签' }).click();

    // Then the step lists her as 前加签, waiting for her, and offers him no 提交 until she signs
    const signer = page.locator('.signers-card .signer', { hasText: '李娜' });
    await signer.waitFor();
    expect(await signer.textContent()).to.contain('前加签').and.contain('请先核对预算');
    await page.locator('.blocked-note', { hasText: '等待加签人签署' }).waitFor();
    expect(await page.getByRole('button', { name: '提交' }).count()).to.equal(0);
    await screenshot(page, 'task-add-signer');

    // When he asks her again, Then the server's refusal is shown and nothing is added
    await page.getByRole('button', { name: '加签' }).click();
    await dialog.getByLabel('加签人').selectOption({ label: (await dialog.locator('option', { hasText: '李娜' }).first().textContent())! });
    await dialog.getByRole('button', { name: '确认加签' }).click();
    await until(async () => (await page.locator('.form-error:visible').count()) > 0, 'the refusal');
    expect(await page.locator('.form-error').first().textContent()).to.match(/加签/);
    expect(await page.locator('.signers-card .signer').count()).to.equal(1);
  });

  it('lets 王建国 name 李娜 his substitute on 委托设置 and cancel it', async () => {
    const { page } = s.b;
    // Given no substitution, reached from the top bar
    await page.getByRole('link', { name: '委托设置' }).click();
    await page.waitForURL(/\/me\/substitute/);
    await page.locator('.no-substitute').waitFor();

    // When he names 李娜 from today for a week
    const person = page.getByLabel('代理人');
    await person.selectOption({ label: (await person.locator('option', { hasText: '李娜' }).first().textContent())! });
    const from = await page.getByLabel('开始日期').inputValue();
    const end = new Date(Date.parse(`${from}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('结束日期（含当天）').fill(end);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '保存委托' }).click();

    // Then the current substitution names her, in force, with its dates
    const current = page.locator('.current-substitute .substitute-line');
    await current.waitFor();
    expect(await current.textContent()).to.contain('李娜').and.contain(from).and.contain(end).and.contain('生效中');
    await screenshot(page, 'substitute-set');

    // When he cancels it, Then no substitution remains
    await page.getByRole('button', { name: '取消委托' }).click();
    await page.locator('dialog.dialog').getByRole('button', { name: '确认取消' }).click();
    await page.locator('.no-substitute').waitFor();
    const api = await apiAs(s.server.baseUrl, 'head');
    expect((await api.get('/api/me/substitute')).substitute).to.equal(null);
  });

  it('lets 王建国 take back (收回) a case from 已办 before 张明 acts on it', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given he approved 更换值班室空调 and it waits at 张明's 修改或撤回
    await page.goto(`${base}/inbox?tab=claimable`);
    await loaded();
    await rows().filter({ hasText: '更换值班室空调' }).getByRole('link', { name: '办理' }).click();
    await page.waitForURL(/\/tasks\//);
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);

    // When he presses 收回 on its 已办 row
    await page.goto(`${base}/inbox?tab=done`);
    await loaded();
    const done = rows().filter({ hasText: '更换值班室空调' });
    await done.getByRole('button', { name: '收回' }).click();
    await page.locator('dialog.dialog').getByRole('button', { name: '确认收回' }).click();

    // Then the step is his again, in his own inbox
    await page.goto(`${base}/inbox?tab=mine`);
    await loaded();
    await rows().filter({ hasText: '更换值班室空调' }).waitFor();
    await signOut(page);
  });

  it('lets 张明 ask to withdraw (申请撤回) the case 王建国 holds, and 王建国 agree on the task page', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 张明's 更换值班室空调, now held by 王建国
    await signIn(page, base, 'staff');
    await page.goto(`${base}/requests`);
    await page.locator('tr[data-instance]', { hasText: '更换值班室空调' }).getByRole('link', { name: '详情' }).click();
    await page.waitForURL(/\/requests\/[^/]+$/);
    const instanceUrl = page.url();

    // When he asks to withdraw it with a reason
    await page.getByRole('button', { name: '申请撤回' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.getByLabel('撤回理由').fill('空调已由物业更换');
    await dialog.getByRole('button', { name: '提交申请' }).click();

    // Then the page lists his request as pending
    await page.locator('.withdraw-request[data-status="pending"]', { hasText: '空调已由物业更换' }).waitFor();
    await signOut(page);

    // When 王建国 opens the task and agrees
    await signIn(page, base, 'head');
    await page.goto(`${base}/inbox?tab=mine`);
    await loaded();
    await rows().filter({ hasText: '更换值班室空调' }).getByRole('link', { name: '办理' }).click();
    await page.waitForURL(/\/tasks\//);
    await page.locator('.withdraw-request').getByRole('button', { name: '同意撤回', exact: true }).click();
    await dialog.getByRole('button', { name: '同意撤回', exact: true }).click();
    await page.waitForURL(/\/inbox/);

    // Then the case is withdrawn, as its page says
    await page.goto(instanceUrl);
    await page.locator('.withdraw-request[data-status="approved"]').waitFor();
    await signOut(page);
  });
});
