import { expect } from 'chai';
import { launch, screenshot, signIn, signOut, until, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

const ID = '32040219800101323X';

/**
 * Issue 10, finding 8 in the browser: supervision opens a penalty case, sees the citizen's ID number
 * masked with the 已脱敏 notice, and reveals it with the button (the server audits the read).
 */
describe('E2E: personal data masked, revealed by supervision', () => {
  let server: RunningServer;
  let b: Browser;
  let id: string;

  before(async () => {
    server = await startServer();
    const staff = await apiAs(server.baseUrl, 'staff');
    const res = await staff.post('/api/power-items/CF-0001/start', {
      variables: { caseSource: 'complaint', foundOn: '2026-11-25', partyType: 'person', partyName: '王某', partyIdCard: ID, partyAddress: '常州市天宁区和平北路12号', facts: '王某擅自拆除其租用的人防工程内的防护设备设施' },
    });
    id = res.id;
    const sup = await apiAs(server.baseUrl, 'supervisor');
    // The registration is a service step: wait until the case waits for its filing.
    await until(async () => ((await sup.get(`/api/process-instances/${id}`)).tasks ?? []).some((t: any) => t.status === 'open'), 'the filing task');
    b = await launch();
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(() => {
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  it('marks the penalty procedure’s 廉政风险点 on the case diagram (issue 18): 处罚决定 is 廉·高', async () => {
    const { page } = b;
    await signIn(page, server.baseUrl, 'supervisor');
    await page.goto(`${server.baseUrl}/monitor/instances/${id}`);
    const high = page.locator('.risk-badge[data-risk="risk-high"]').first();
    await high.waitFor();
    expect(await high.textContent()).to.equal('廉·高');
    expect(await page.locator('.risk-badge').count()).to.equal(9);
    expect(await high.getAttribute('title')).to.match(/^廉政风险点（高）：.+；防控措施：.+/);
    await signOut(page);
  });

  it('shows 已脱敏 with masked values, and the full ID number after 查看完整信息', async () => {
    const { page } = b;
    await signIn(page, server.baseUrl, 'supervisor');
    await page.goto(`${server.baseUrl}/monitor/instances/${id}`);
    const notice = page.locator('.personal-notice');
    await notice.waitFor();
    expect(await notice.textContent()).to.contain('已脱敏');
    await page.locator('details summary', { hasText: '流程变量' }).click();
    expect(await page.locator('main').textContent()).to.contain('3204**********323X').and.not.contain(ID);
    await screenshot(page, 'personal-data-masked');
    await notice.getByRole('button', { name: '查看完整信息' }).click();
    await page.locator('dialog.dialog').getByRole('button', { name: '确认查看' }).click();
    await until(async () => (await page.locator('.personal-notice').count()) === 0 && (await page.locator('details summary', { hasText: '流程变量' }).count()) === 1, 'the revealed page');
    await page.locator('details summary', { hasText: '流程变量' }).click();
    expect(await page.locator('main').textContent()).to.contain(ID);
    await screenshot(page, 'personal-data-revealed');
  });
});
