import { expect } from 'chai';
import { chooseRadio, fillField, screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';
import { reviewFiles } from '../api/review-fixture.ts';

/**
 * Opinions belong to steps and the content is visible (issue 13, items 1 and 2): the leader's
 * form is empty of legal's opinion while the request's content is shown read-only beside it with
 * legal's 审批意见; the applicant's 我的申请 detail shows what they submitted, each step's opinion
 * and the result.
 */
describe('E2E: opinions per step, the case content for the leader and the applicant', function () {
  const s = serverAndBrowser();
  let instanceId = '';

  before(async () => {
    const base = s.server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: reviewFiles });
    const staff = await apiAs(base, 'staff');
    const started = await staff.post('/api/process-definitions/api-review/start', { variables: { title: '购置执法记录仪 6 台', amount: 12000 } });
    instanceId = started.id;
    const legal = await apiAs(base, 'legal');
    const task = (await legal.get(`/api/tasks?instance=${instanceId}&candidate=me`)).items[0];
    await legal.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '符合采购规定' } });
  });

  it('gives the leader an empty opinion form, the content read-only and legal’s opinion apart', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    const leader = await apiAs(base, 'leader');
    const task = (await leader.get(`/api/tasks?instance=${instanceId}&candidate=me`)).items[0];
    await page.goto(`${base}/login`);
    await signIn(page, base, 'leader');
    await page.goto(`${base}/tasks/${task.id}`);
    // The content card shows the request read-only
    const content = page.locator('.case-content-card');
    await content.locator('.fjs-form-field').first().waitFor();
    expect(await content.locator('.fjs-form-field', { hasText: '事项名称' }).locator('input').inputValue()).to.equal('购置执法记录仪 6 台');
    expect(await content.locator('.fjs-form-field', { hasText: '事项名称' }).locator('input').isEditable()).to.equal(false);
    // Legal's opinion stands in its own block
    const opinion = page.locator('.opinion[data-element="Task_Legal"]');
    await opinion.waitFor();
    expect(await opinion.textContent()).to.include('赵法').and.include('同意').and.include('符合采购规定');
    // And the leader's own form is empty: nothing ticked, no words
    const form = page.locator('.card', { has: page.getByRole('heading', { name: '办理表单' }) });
    expect(await form.locator('.fjs-form-field', { hasText: '说明' }).locator('textarea').inputValue()).to.equal('');
    expect(await form.locator('.fjs-form-field', { hasText: '审批意见' }).locator('input:checked').count()).to.equal(0);
    await screenshot(page, 'leader-empty-opinion');

    // When he rejects with his own words
    await chooseRadio(page, '审批意见', '不同意');
    await fillField(page, '说明', '预算不足');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);
    await signOut(page);
  });

  it('shows the applicant what they submitted, each step’s opinion and the result', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await signIn(page, base, 'staff');
    await page.goto(`${base}/requests/${instanceId}`);
    const content = page.locator('.case-content-card');
    await content.locator('.fjs-form-field').first().waitFor();
    expect(await content.locator('.fjs-form-field', { hasText: '事项名称' }).locator('input').inputValue()).to.equal('购置执法记录仪 6 台');
    await until(async () => (await page.locator('.opinion').count()) === 2, 'two opinions');
    const texts = await page.locator('.opinion').allTextContents();
    expect(texts[0]).to.include('赵法').and.include('符合采购规定');
    expect(texts[1]).to.include('陈立新').and.include('不同意').and.include('预算不足');
    expect(await page.locator('.result-line').first().textContent()).to.include('分管局领导审批：不同意');
    await screenshot(page, 'applicant-request-detail');
  });
});
