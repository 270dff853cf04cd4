import { expect } from 'chai';
import { screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * 抄送 through the UI (issue 13, item 7): 王建国 copies 张明's request to 李娜 from the task page;
 * 李娜 finds it under 抄送我的 (流水号, subject, who copied it and why) and opens the case read-only.
 */
const APPLY_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-copy-apply',
  components: [{ type: 'textfield', key: 'title', label: '申请事项', validate: { required: true } }],
});

const COPY_BPMN = process(
  'e2e-copy',
  `
  <bpmn:startEvent id="start" camunda:formKey="e2e-copy-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Approve')}
  ${userTask('Task_Approve', '负责人审批', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f2', 'Task_Approve', 'end')}
  <bpmn:endEvent id="end" />
`,
);

describe('E2E: 抄送 and 抄送我的', function () {
  const s = serverAndBrowser();
  let caseNumber = '';

  before(async () => {
    const base = s.server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-copy-apply.form', content: APPLY_FORM }, { name: 'e2e-copy.bpmn', content: COPY_BPMN }] });
    const staff = await apiAs(base, 'staff');
    const started = await staff.post('/api/process-definitions/e2e-copy/start', { variables: { title: '采购应急照明灯 30 盏' } });
    caseNumber = started.caseNumber ?? '';
  });

  it('lets 王建国 copy a case to 李娜, who finds it under 抄送我的 and reads it without acting', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 张明's request waiting at 负责人审批, opened by 王建国
    await page.goto(`${base}/login`);
    await signIn(page, base, 'head');
    await page.goto(`${base}/inbox?tab=claimable`);
    await until(async () => (await page.locator('.inbox-list[aria-busy]').count()) === 0, 'the inbox to load');
    await page.locator('.task-row', { hasText: '采购应急照明灯 30 盏' }).getByRole('link', { name: '办理' }).click();
    await page.waitForURL(/\/tasks\//);

    // When he copies it to 李娜 with a note
    await page.getByRole('button', { name: '抄送' }).click();
    const dialog = page.locator('dialog.dialog');
    const to = dialog.getByLabel('抄送给');
    await to.selectOption({ label: (await to.locator('option', { hasText: '李娜' }).first().textContent())! });
    await dialog.getByLabel('说明（可选）').fill('请知悉，照明灯用于地下人防工程');
    await dialog.getByRole('button', { name: '确认抄送' }).click();
    await page.locator('.toast', { hasText: '已抄送给' }).waitFor();
    await signOut(page);

    // Then 李娜 sees it under 抄送我的, in the navigation, with who copied it and why
    await signIn(page, base, 'staff2');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '抄送我的' }).click();
    await page.waitForURL(/\/cc$/);
    const row = page.locator('.cc-row', { hasText: '采购应急照明灯 30 盏' });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).to.contain('王建国').and.contain('请知悉，照明灯用于地下人防工程').and.contain('张明');
    if (caseNumber) expect(text).to.contain(caseNumber);
    await screenshot(page, 'cc-list');

    // When she opens it, Then the case is shown read-only, leading back to 抄送我的
    await row.getByRole('link', { name: '采购应急照明灯 30 盏' }).click();
    await page.waitForURL(/\/cc\/[^/]+$/);
    await page.locator('h1', { hasText: '采购应急照明灯 30 盏' }).waitFor();
    expect(await page.locator('.crumbs a').first().textContent()).to.equal('抄送我的');
    expect(await page.getByRole('link', { name: '办理' }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: '撤回' }).count()).to.equal(0);
    await screenshot(page, 'cc-case');
    await signOut(page);
  });
});
