import { expect } from 'chai';
import { fillDate, fillField, formField, screenshot, selectOption, signIn, signOut, until } from './helpers/browser.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

type Api = Awaited<ReturnType<typeof apiAs>>;

/** Uploads a file as a user (POST /api/attachments, multipart) and answers the filepicker value. */
async function upload(base: string, user: string, name: string) {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: 'Demo@2026!' }) });
  const { token } = (await login.json()) as { token: string };
  const form = new FormData();
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), name);
  const res = await fetch(`${base}/api/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).to.equal(201);
  const a = (await res.json()) as { id: string; name: string; size: number; sha256: string };
  return [{ id: a.id, name: a.name, size: a.size, sha256: a.sha256 }];
}

/** Waits until the instance's task at `element` is open for this user (service tasks run on the server's job poller). */
async function openTask(api: Api, instanceId: string, element: string): Promise<any> {
  let task: any;
  await until(async () => {
    task = (await api.get(`/api/tasks?instance=${instanceId}`)).items.find((t: any) => t.elementId === element && t.status === 'open');
    return Boolean(task);
  }, `task ${element}`, 60_000);
  return task;
}

async function act(api: Api, instanceId: string, element: string, variables: Record<string, unknown>) {
  const task = await openTask(api, instanceId, element);
  if (!task.assignee) await api.post(`/api/tasks/${task.id}/claim`);
  await api.post(`/api/tasks/${task.id}/complete`, { variables });
}

describe('E2E: a self-built project from 立项 to 归档 in the browser, with its 比选 records attached', function () {
  // Fourteen steps with a real job poller on a busy 2-core machine: a generous budget, no timed assertion.
  this.timeout(360_000);
  const s = serverAndBrowser();

  it('puts the demo project online, records the 比选 with a PDF, and archives it; and the Art. 3 finding counts it as run online', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    const [engineer, head, legal, supervisor] = await Promise.all(['engineer', 'engineer-head', 'legal', 'supervisor'].map((u) => apiAs(base, u)));

    // 立项: the engineering office picks its registered project of 680,000 CNY not yet online
    await signIn(page, base, 'engineer');
    await page.goto(`${base}/start/self-built-project`);
    await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
    await selectOption(page, page, '立项项目', 'ZJ-2026-001');
    await fillField(page, '项目名称', '指挥中心地下人防工程防护设备更新改造');
    await fillField(page, '项目预算', '680000');
    await fillField(page, '资金来源', '市级财政专项资金');
    await fillField(page, '立项批复文件', '常民防〔2026〕31号');
    const started = page.waitForResponse((r) => r.url().endsWith('/api/process-definitions/self-built-project/start'));
    await page.getByRole('button', { name: '提交申请' }).click();
    const res = await started;
    expect(res.status()).to.equal(201);
    const instanceId: string = (await res.json()).id;
    await page.waitForURL(/\/requests/);

    // 预算审核 by the head of the engineering office; 采购方式 below the tender threshold: 比选
    await act(head, instanceId, 'Task_BudgetReview', { budgetDecision: 'approve', budgetOpinion: '预算编制依据充分' });
    await act(engineer, instanceId, 'Task_Procurement', { lotName: '防护设备更新', lotBudget: 680000, procurementMethod: 'comparison' });

    // 招标/比选记录 in the browser, with the 比选 record as a PDF
    const tender = await openTask(engineer, instanceId, 'Task_Tender');
    await page.goto(`${base}/tasks/${tender.id}`);
    const form = page.locator('.form-host:not(.case-content) .fjs-form');
    await form.waitFor();
    await fillField(page, '参加单位', '常州恒安建设有限公司\n常州安防工程有限公司\n江苏人防设备有限公司');
    await fillField(page, '中标（成交）单位', '常州恒安建设有限公司');
    await fillField(page, '中标（成交）金额', '650000');
    await fillDate(page, page, '结果确定日期', today());
    await formField(page, '招标（比选）文件及评审记录').locator('input[type="file"]').setInputFiles({ name: '比选评审记录.pdf', mimeType: 'application/pdf', buffer: PDF });
    const done = page.waitForResponse((r) => r.url().endsWith(`/api/tasks/${tender.id}/complete`));
    await page.getByRole('button', { name: '提交' }).click();
    expect((await done).status()).to.equal(200);
    await page.waitForURL(/\/inbox/);

    // 合同 → 法制审核 → 施工 (one report, completed) → 竣工验收 → 决算 → 决算审计
    await act(engineer, instanceId, 'Task_Contract', { contractNo: 'HT-2026-031', vendor: '常州恒安建设有限公司', contractAmount: 650000, signedOn: today(), contractFiles: await upload(base, 'engineer', '合同.pdf') });
    await act(legal, instanceId, 'Task_ContractLegal', { legalDecision: 'approve', legalOpinion: '合同条款合法' });
    await act(engineer, instanceId, 'Task_Progress', { reportMonth: today().slice(0, 7), progressPercent: 100, progressNote: '设备安装调试完成', paymentAmount: 450000, constructionStatus: 'completed' });
    await act(head, instanceId, 'Task_Acceptance', { acceptedOn: today(), acceptanceResult: 'pass', acceptanceOpinion: '验收合格' });
    await act(engineer, instanceId, 'Task_FinalAccount', { settlementAmount: 650000, finalPayment: 200000 });
    await act(supervisor, instanceId, 'Task_Audit', { auditedAmount: 650000, auditResult: 'pass', auditOpinion: '审定' });

    // 归档 in the browser; the case's attachments are on the task page
    const archive = await openTask(engineer, instanceId, 'Task_Archive');
    await page.goto(`${base}/tasks/${archive.id}`);
    await form.waitFor();
    await page.locator('.attachments-card a', { hasText: '比选评审记录.pdf' }).waitFor();
    await fillField(page, '档案编号', 'GC-2026-031');
    await screenshot(page, 'self-built-project-archive');
    const archived = page.waitForResponse((r) => r.url().endsWith(`/api/tasks/${archive.id}/complete`));
    await page.getByRole('button', { name: '提交' }).click();
    expect((await archived).status()).to.equal(200);
    await page.waitForURL(/\/inbox/);
    await signOut(page);

    // The run is complete, its attachments are the case's, and no risk was raised
    await until(async () => (await supervisor.get(`/api/process-instances/${instanceId}`)).status === 'completed', 'the run to complete', 60_000);
    const files = (await supervisor.get(`/api/process-instances/${instanceId}/attachments`)).items.map((a: any) => a.name);
    expect(files).to.have.members(['比选评审记录.pdf', '合同.pdf']);
    expect((await supervisor.get('/api/project-warnings')).items).to.deep.equal([]);
    // The Art. 3 finding no longer lists it: only 民投公司's project is still not online
    const art3 = (await supervisor.get('/api/compliance/report')).articles.find((a: any) => a.article === 3);
    expect(art3.findings[0].text).to.equal('一次性投资 30 万元以上的自建工程 2 个，其中 1 个未在网上运行：民防宣传教育馆展陈提升工程（1,250,000 元）');
    expect(art3.findings[1]).to.deep.equal({ status: 'info', text: '在“自建工程项目”流程中运行 1 个（办理中 0 个，已归档 1 个）' });
  });
});
