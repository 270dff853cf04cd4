import { expect } from 'chai';
import { screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * 批量审批 in the inbox (issue 13, item 7): 王建国 selects three requests whose review asks only for a
 * decision and a comment and approves them with one comment; 赵法 took one of them meanwhile, so that
 * one is refused with its reason while the other two go through, each its own step and audit row.
 * A task whose form asks for more offers no check box.
 */
const APPLY_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-batch-apply',
  components: [{ type: 'textfield', key: 'title', label: '申请事项', validate: { required: true } }],
});

const REVIEW_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-batch-review',
  components: [
    { id: 'd', type: 'radio', key: 'decision', label: '审批结论', values: [{ label: '同意', value: 'approve' }, { label: '不同意', value: 'reject' }], validate: { required: true } },
    { id: 'c', type: 'textarea', key: 'comment', label: '审批意见' },
  ],
});

const DETAIL_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-batch-detail',
  components: [
    { id: 'd', type: 'radio', key: 'decision', label: '审批结论', values: [{ label: '同意', value: 'approve' }, { label: '不同意', value: 'reject' }], validate: { required: true } },
    { id: 'a', type: 'number', key: 'amount', label: '核定金额（元）' },
  ],
});

const BATCH_BPMN = process(
  'e2e-batch',
  `
  <bpmn:startEvent id="start" camunda:formKey="e2e-batch-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'gw')}
  <bpmn:exclusiveGateway id="gw" />
  ${flow('f2', 'gw', 'Task_Review', '=title != "核定维修经费"')}
  ${flow('f3', 'gw', 'Task_Detail', '=title = "核定维修经费"')}
  ${userTask('Task_Review', '负责人审批', 'camunda:candidateGroups="unit-heads" camunda:formKey="e2e-batch-review"')}
  ${userTask('Task_Detail', '经费核定', 'camunda:candidateGroups="unit-heads" camunda:formKey="e2e-batch-detail"')}
  ${flow('f4', 'Task_Review', 'end')}
  ${flow('f5', 'Task_Detail', 'end')}
  <bpmn:endEvent id="end" />
`,
);

const TITLES = ['购置救生衣 40 件', '更换应急广播喇叭', '租用会商室投影仪'];

describe('E2E: 批量审批 in the inbox', function () {
  const s = serverAndBrowser();
  const ids = new Map<string, string>();

  before(async () => {
    const base = s.server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({
      files: [
        { name: 'e2e-batch-apply.form', content: APPLY_FORM },
        { name: 'e2e-batch-review.form', content: REVIEW_FORM },
        { name: 'e2e-batch-detail.form', content: DETAIL_FORM },
        { name: 'e2e-batch.bpmn', content: BATCH_BPMN },
      ],
    });
    const staff = await apiAs(base, 'staff');
    for (const title of [...TITLES, '核定维修经费']) ids.set(title, (await staff.post('/api/process-definitions/e2e-batch/start', { variables: { title } })).id);
  });

  it('approves the selected requests with one comment, shows the one 赵法 took meanwhile as refused, and offers no box for a form that asks for more', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 王建国's inbox with three simple reviews and one that asks for an amount
    await page.goto(`${base}/login`);
    await signIn(page, base, 'head');
    await page.goto(`${base}/inbox?tab=claimable&process=e2e-batch`);
    await until(async () => (await page.locator('.inbox-list[aria-busy]').count()) === 0 && (await page.locator('.task-row').count()) === 4, 'the four requests');
    const row = (title: string) => page.locator('.task-row', { hasText: title });
    expect(await row('核定维修经费').locator('.batch-pick').count()).to.equal(0);

    // When he selects the three simple ones
    for (const title of TITLES) await row(title).getByRole('checkbox').check();
    const bar = page.locator('form.batch-bar');
    await bar.waitFor();
    expect(await bar.locator('.batch-count').textContent()).to.equal('3');
    expect(await bar.getByLabel('审批结论').locator('option:checked').textContent()).to.equal('同意');
    await bar.getByLabel('审批意见').fill('同意购置，按预算执行');
    await screenshot(page, 'inbox-batch-selected');

    // And 赵法 takes 更换应急广播喇叭 before he presses the button
    const legal = await apiAs(base, 'legal');
    const taken = (await legal.get(`/api/tasks?instance=${ids.get('更换应急广播喇叭')}`)).items[0];
    await legal.post(`/api/tasks/${taken.id}/claim`);
    await bar.getByRole('button', { name: '批量审批' }).click();

    // Then the page lists each task's result: two approved, one refused with the server's reason
    const report = page.locator('.batch-report');
    await report.waitFor();
    expect(await report.locator('h2').textContent()).to.contain('2 件已办理').and.contain('1 件未办理');
    expect(await report.locator('.batch-completed').count()).to.equal(2);
    const refused = report.locator('.batch-refused');
    expect(await refused.textContent()).to.contain('更换应急广播喇叭');
    expect(((await refused.locator('.form-error').textContent()) ?? '').trim()).to.match(/[\u4e00-\u9fa5]/);
    await screenshot(page, 'inbox-batch-result');

    // And each approved case ended with his own opinion; the refused one still waits with 赵法, unchanged
    const staff = await apiAs(base, 'staff');
    for (const title of ['购置救生衣 40 件', '租用会商室投影仪']) {
      const inst = await staff.get(`/api/process-instances/${ids.get(title)}`);
      expect(inst.status).to.equal('completed');
      expect(inst.opinions[0]).to.include({ decisionLabel: '同意', comment: '同意购置，按预算执行', byName: '王建国' });
    }
    const still = (await legal.get(`/api/tasks?instance=${ids.get('更换应急广播喇叭')}`)).items[0];
    expect(still).to.include({ id: taken.id, status: 'open', assignee: 'legal' });
    const supervisor = await apiAs(base, 'supervisor');
    for (const title of TITLES) {
      const audit = await supervisor.get(`/api/audit?instance=${ids.get(title)}&limit=50`);
      expect((audit.items as Array<{ action: string }>).filter((a) => a.action === 'task.complete').length).to.equal(title === '更换应急广播喇叭' ? 0 : 1);
    }
    // And the list now holds only what is left
    await until(async () => (await page.locator('.task-row').count()) === 1, 'the list without the approved and the taken ones');
    await signOut(page);
  });
});
