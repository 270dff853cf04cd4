import { expect } from 'chai';
import { screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * Case handling as the people see it (issue 13, items 3–6): every row names its case (流水号,
 * subject, applicant), the search box finds a case by any of them, a leader's own request says he
 * may not approve it and offers no button, the applicant's own 修改或撤回 step cannot be given away,
 * and 已办 lists what one handled with where the case stands now.
 */
const APPLY_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-case-apply',
  components: [{ type: 'textfield', key: 'title', label: '申请事项', validate: { required: true } }],
});

const CASE_BPMN = process(
  'e2e-case',
  `
  <bpmn:extensionElements><camunda:properties>
    <camunda:property name="caseNumberPattern" value="常民防测〔{yyyy}〕{seq:4}号" />
  </camunda:properties></bpmn:extensionElements>
  <bpmn:startEvent id="start" camunda:formKey="e2e-case-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Approve')}
  <bpmn:userTask id="Task_Approve" name="负责人审批" camunda:candidateGroups="unit-heads">
    <bpmn:extensionElements><camunda:properties><camunda:property name="separationOfDuties" value="starter" /></camunda:properties></bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f2', 'Task_Approve', 'Task_Revise')}
  ${userTask('Task_Revise', '修改或撤回', 'camunda:assignee="${applicant}"')}
  ${flow('f3', 'Task_Revise', 'end')}
  <bpmn:endEvent id="end" />
`,
);

describe('E2E: case handling — case numbers, search, duties before work, 放回待认领, 已办', function () {
  const s = serverAndBrowser();
  const cases: Record<string, { id: string; caseNumber: string }> = {};

  before(async () => {
    const base = s.server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-case-apply.form', content: APPLY_FORM }, { name: 'e2e-case.bpmn', content: CASE_BPMN }] });
    const staff = await apiAs(base, 'staff');
    const staff2 = await apiAs(base, 'staff2');
    const head = await apiAs(base, 'head');
    for (const [who, client, title] of [
      ['staff', staff, '购置执法记录仪 6 台'],
      ['staff2', staff2, '维修人防警报器'],
      ['head', head, '大队长出差审批'],
    ] as const) {
      const r = await client.post('/api/process-definitions/e2e-case/start', { variables: { title } });
      cases[who] = { id: r.id, caseNumber: r.caseNumber };
    }
  });

  const rows = () => s.b.page.locator('.task-row');
  const loaded = () => until(async () => (await s.b.page.locator('.inbox-list[aria-busy]').count()) === 0, 'the inbox to load');

  it('shows 王建国 each case’s number, subject and applicant, and finds a case by number or name', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await page.goto(`${base}/login`);
    await signIn(page, base, 'head');
    await page.goto(`${base}/inbox?tab=claimable`);
    await rows().nth(2).waitFor();
    await loaded();
    const row = rows().filter({ hasText: '购置执法记录仪 6 台' });
    expect(await row.locator('.case-no').textContent()).to.equal(cases.staff.caseNumber);
    expect(cases.staff.caseNumber).to.match(/^常民防测〔\d{4}〕\d{4}号$/);
    expect(await row.locator('td[data-label="申请人"]').textContent()).to.equal('张明');
    await screenshot(page, 'inbox-case-numbers');

    // Search by the applicant's name, then by the case number
    await page.getByLabel('关键字').fill('李娜');
    await until(async () => (await rows().count()) === 1 && (await rows().first().textContent())!.includes('维修人防警报器'), 'the case of 李娜');
    await page.getByLabel('关键字').fill(cases.staff.caseNumber);
    await until(async () => (await rows().count()) === 1 && (await rows().first().textContent())!.includes('购置执法记录仪'), 'the case by its number');
    await page.getByLabel('关键字').fill('');
  });

  it('says on his own request that he may not approve it, and offers neither 认领 nor 办理', async () => {
    const { page } = s.b;
    await until(async () => (await rows().count()) === 3, 'three rows');
    const own = rows().filter({ hasText: '大队长出差审批' });
    await own.locator('.blocked-note', { hasText: '您是本事项申请人，不能审批' }).waitFor();
    expect(await own.getByRole('button', { name: '认领' }).count()).to.equal(0);
    expect(await own.getByRole('link', { name: '办理' }).count()).to.equal(0);
    await own.getByRole('link', { name: '查看' }).click();
    await page.locator('.notice.blocked-note', { hasText: '您是本事项申请人，不能审批' }).waitFor();
    expect(await page.getByRole('button', { name: '提交' }).isVisible()).to.equal(false);
    expect(await page.getByRole('button', { name: '认领' }).count()).to.equal(0);
    expect(await page.locator('.page-sub .case-no').textContent()).to.equal(cases.head.caseNumber);
  });

  it('lets him approve 张明’s request; it then appears under 已办 with where the case stands now', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await page.goto(`${base}/inbox?tab=claimable`);
    await loaded();
    const row = rows().filter({ hasText: '购置执法记录仪 6 台' });
    await row.getByRole('link', { name: '办理' }).click();
    await page.waitForURL(/\/tasks\//);
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);
    await page.getByRole('tab', { name: '已办' }).click();
    await page.waitForURL(/tab=done/);
    const done = rows().filter({ hasText: '购置执法记录仪 6 台' });
    await done.waitFor();
    expect(await done.locator('td[data-label="当前状态"]').textContent()).to.equal('办理中待 修改或撤回');
    await screenshot(page, 'inbox-done');
  });

  it('gives 张明 his 修改或撤回 step with no 放回待认领 (it would strand his request), and shows the number in 我的申请', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await signOut(page);
    await signIn(page, base, 'staff');
    await page.goto(`${base}/inbox`);
    await loaded();
    const row = rows().filter({ hasText: '修改或撤回' });
    await row.waitFor();
    expect(await row.locator('.case-no').textContent()).to.equal(cases.staff.caseNumber);
    expect(await row.getByRole('button', { name: '放回待认领' }).count()).to.equal(0);
    await row.getByRole('link', { name: '办理' }).click();
    await page.getByRole('button', { name: '提交' }).waitFor();
    expect(await page.getByRole('button', { name: '放回待认领' }).count()).to.equal(0);

    await page.goto(`${base}/requests`);
    const mine = page.locator('tr[data-instance]', { hasText: '购置执法记录仪 6 台' });
    await mine.waitFor();
    expect(await mine.locator('.case-no').textContent()).to.equal(cases.staff.caseNumber);
  });
});
