import { expect } from 'chai';
import { fillField, formField, screenshot, selectOption, signIn } from './helpers/browser.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

describe('E2E: a data deletion request picks from the applicant’s own records (Art. 7)', function () {
  const s = serverAndBrowser();

  it('offers staff only the records staff entered, and starts the request with the one chosen', async () => {
    const { page } = s.b;
    const server = s.server;
    const staff = await apiAs(server.baseUrl, 'staff');
    const own: Array<{ value: string; label: string }> = (await staff.get('/api/process-definitions/data-deletion/start-form')).formData.myRecords;
    expect(own.length, 'staff entered demo records').to.be.greaterThan(1);
    const engineer = await apiAs(server.baseUrl, 'engineer');
    const others: string[] = (await engineer.get('/api/process-definitions/data-deletion/start-form')).formData.myRecords.map((o: { value: string }) => o.value);
    expect(others.length, 'the engineer entered other records').to.be.greaterThan(0);

    await page.goto(`${server.baseUrl}/login`);
    await signIn(page, server.baseUrl, 'staff');
    await page.goto(`${server.baseUrl}/start/data-deletion`);
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
    await selectOption(page, page, '数据类别', '权力运行记录');
    // The record picker lists exactly the applicant's records.
    const picker = formField(page, '记录编号');
    await picker.locator('.fjs-input-group').click();
    const items = picker.locator('.fjs-dropdownlist-item');
    await items.first().waitFor();
    const listed = await items.allTextContents();
    expect(listed.sort()).to.deep.equal(own.map((o) => o.label).sort());
    for (const id of others) expect(listed.some((l) => l.startsWith(`${id} `))).to.equal(false);
    await screenshot(page, 'data-deletion-picker');
    // Typing narrows the list; the chosen record is what is submitted.
    const chosen = own.find((o) => o.value.startsWith('QL-'))!;
    await picker.locator('input').first().fill(chosen.value);
    await picker.locator('.fjs-dropdownlist-item', { hasText: chosen.value }).first().click();
    await fillField(page, '删除数据内容', '重复录入的权力运行记录一条');
    await fillField(page, '删除原因', '同一案件被重复录入两次，删除重复的一条以保证数据准确');
    const started = page.waitForResponse((r) => r.url().endsWith('/api/process-definitions/data-deletion/start'));
    await page.getByRole('button', { name: '提交申请' }).click();
    const res = await started;
    expect(res.status()).to.equal(201);
    const { id } = await res.json();
    const instance = await staff.get(`/api/process-instances/${id}`);
    expect(instance.variables.records).to.deep.equal([{ kind: 'power-record', recordId: chosen.value }]);
    await page.waitForURL(/\/requests/);
    await page.locator(`[data-instance="${id}"]`).waitFor();
  });
});
