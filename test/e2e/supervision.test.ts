import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import type { Knex } from 'knex';
import type { Download, Page } from 'playwright-core';
import { openDatabase } from '../../src/db/knex.ts';
import { raiseCaseLevel } from '../../src/store/cases.ts';
import { insertSuggestions } from '../../src/store/compliance.ts';
import { launch, PASSWORD, screenshot, signIn, signOut, until, type Browser } from './helpers/browser.ts';
import { apiAs, startServer, type RunningServer } from './helpers/server.ts';

/** A check every staff member may pick up, due one second after it arrives (it turns red at once). */
const URGENT_BPMN = processXml('e2e-urgent-check', '紧急核查（测试）', 'Task_Check', '当日核查', 'PT1S');
/** A routine task with three working days: done at once, it counts as on time. */
const ROUTINE_BPMN = processXml('e2e-routine', '日常登记（测试）', 'Task_Register', '登记', 'P3D');

function processXml(id: string, name: string, taskId: string, taskName: string, due: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_${id}" targetNamespace="http://czmf.gov.cn/bpmn/e2e">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="Start" name="发起"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="${taskId}" name="${taskName}" camunda:candidateGroups="staff" camunda:dueDate="${due}"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End" name="结束"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="${taskId}" />
    <bpmn:sequenceFlow id="F2" sourceRef="${taskId}" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D1"><bpmndi:BPMNPlane id="P1" bpmnElement="${id}">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="${taskId}_di" bpmnElement="${taskId}"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

type Api = Awaited<ReturnType<typeof apiAs>>;

/** Claims and completes the open task of an instance as `who`. */
async function finish(who: Api, instanceId: string): Promise<void> {
  const inst = await who.get(`/api/process-instances/${instanceId}`);
  const task = (inst.tasks ?? inst.activeTasks).find((t: any) => t.status === 'open');
  await who.post(`/api/tasks/${task.id}/claim`);
  await who.post(`/api/tasks/${task.id}/complete`, { variables: {} });
}

/** A request whose answer is read as text (an exchange file must stay byte for byte as sent). */
async function raw(base: string, username: string, method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

async function readDownload(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

describe('E2E: electronic supervision — notifications, compliance, statistics, uploads, district exchange', function () {
  let server: RunningServer;
  let b: Browser;
  let page: Page;
  let base: string;
  let db: Knex;

  before(async () => {
    // The supervision checks run every half second here, so a task past due is announced at once.
    server = await startServer({ SUPERVISION_TICK_MS: '500' });
    base = server.baseUrl;
    db = await openDatabase(server.dbPath, { migrate: false });
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-urgent-check.bpmn', content: URGENT_BPMN }, { name: 'e2e-routine.bpmn', content: ROUTINE_BPMN }] });
    const staff = await apiAs(base, 'staff');
    const engineer = await apiAs(base, 'engineer');
    // Two urgent checks of the inspection brigade: both go red within a second; the supervision
    // office is told of each.
    for (const key of ['HC-2026-0101', 'HC-2026-0102']) await staff.post('/api/process-definitions/e2e-urgent-check/start', { businessKey: key, variables: {} });
    // Routine work done on time: three by the brigade, one by the engineering office.
    for (const [who, key] of [[staff, 'DJ-2026-0001'], [staff, 'DJ-2026-0002'], [staff, 'DJ-2026-0003'], [engineer, 'DJ-2026-0004']] as Array<[Api, string]>) {
      const started = await who.post('/api/process-definitions/e2e-routine/start', { businessKey: key, variables: {} });
      await finish(who, started.id);
    }
    b = await launch();
    page = b.page;
  });
  after(async () => {
    await b?.close();
    await db?.destroy();
    await server?.stop();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(server.log().slice(-3000));
    expect(b.errors, 'errors in the page').to.deep.equal([]);
  });

  const bellBadge = () => page.locator('.bell .bell-badge');

  it('the bell shows the supervisor’s red warnings; marking one and then all read clears it', async () => {
    const supervisor = await apiAs(base, 'supervisor');
    const unread = async () => (await supervisor.get('/api/notifications?unread=true')) as { items: Array<{ kind: string; title: string }>; unread: number };
    await until(async () => (await unread()).items.filter((n) => n.kind === 'task.red').length === 2, 'two red warnings for supervision', 20_000);
    // One urgent check is then done late: it counts red in the statistics.
    const [late] = (await supervisor.get('/api/process-instances?key=e2e-urgent-check')).items;
    await finish(await apiAs(base, 'staff2'), late.id);
    const count = (await unread()).unread;

    await page.goto(`${base}/login`);
    await signIn(page, base, 'supervisor');
    await until(async () => (await bellBadge().isVisible()) && (await bellBadge().textContent()) === String(count), `the bell to show ${count}`);
    expect(await page.locator('.bell').getAttribute('aria-label')).to.equal(`通知 ${count} 条未读`);
    await page.locator('.bell').click();
    const panel = page.locator('#notif-panel');
    const items = panel.locator('.notif');
    await items.first().waitFor();
    const red = panel.locator('.notif-red', { hasText: '红色预警：当日核查（E2E-URGENT-CHECK-2026-00001）已超期' });
    await red.waitFor();
    expect(await red.locator('.notif-kind').textContent()).to.equal('任务红色预警');
    expect(await red.locator('a.notif-title').getAttribute('href')).to.match(/^\/tasks\//);
    await screenshot(page, 'supervision-bell');
    await red.getByRole('button', { name: '标为已读' }).click();
    await until(async () => (await bellBadge().textContent()) === String(count - 1), 'one fewer unread');
    expect(await red.getAttribute('class')).to.not.contain('notif-unread');
    await panel.getByRole('button', { name: '全部标为已读' }).click();
    await until(async () => await bellBadge().isHidden(), 'the bell badge to go');
    expect((await unread()).unread).to.equal(0);
    // The panel closes with Escape; the 通知 page lists them all, read ones too.
    await page.keyboard.press('Escape');
    expect(await panel.isHidden()).to.equal(true);
    await page.goto(`${base}/notifications?all=1`);
    await page.locator('.notif-page-list .notif').first().waitFor();
    expect(await page.locator('.notif-page-list .notif-unread').count()).to.equal(0);
    expect(await page.locator('.notif-page-list .notif-red').count()).to.be.at.least(2);
    await screenshot(page, 'supervision-notifications');
  });

  it('the compliance report goes through the regulation article by article', async () => {
    await page.goto(`${base}/monitor`);
    await page.locator('.subnav').getByRole('link', { name: '合规报告' }).click();
    await page.waitForURL(/\/monitor\/report/);
    const articles = page.locator('.report-article');
    await articles.first().waitFor();
    const supervisor = await apiAs(base, 'supervisor');
    const report = await supervisor.get('/api/compliance/report');
    expect(await articles.evaluateAll((els) => els.map((e: any) => Number(e.dataset.article)))).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
    const label: Record<string, string> = { ok: '符合', attention: '需关注', info: '情况说明' };
    for (const a of report.articles) {
      const card = page.locator(`.report-article[data-article="${a.article}"]`);
      expect(await card.locator('.report-head .level-tag').textContent(), `article ${a.article}`).to.equal(label[a.status]);
      expect(await card.locator('.finding').count()).to.equal(a.findings.length);
    }
    // Art. 4 counts this month's finished tasks (the four routine ones, one late check, and the
    // leader's approval of the fixtures' deployment proposal).
    expect(await page.locator('.report-article[data-article="4"]').textContent()).to.contain('本期办结任务 6 件，超期办结 1 件');
    // No district has reported yet; while the month runs that is not yet a shortfall.
    expect(await page.locator('.report-article[data-article="6"] .level-tag').first().textContent()).to.equal('情况说明');
    expect(await page.locator('.report-article[data-article="6"] .finding').first().textContent()).to.contain('本期尚未结束，尚未报送：');
    await screenshot(page, 'supervision-report', { fullPage: true });
    // Another period: last month, through the preset.
    await page.getByRole('button', { name: '上月' }).click();
    await page.waitForURL(/from=\d{4}-\d{2}-01&to=/);
    await until(async () => ((await page.locator('.report-article[data-article="4"]').textContent()) ?? '').includes('本期办结任务 0 件'), 'last month’s report');
    // Last month ended before the demo platform went live: nothing in it is held against anyone.
    expect(await page.locator('.report-article[data-article="6"] .finding').first().textContent()).to.contain('本期在平台运行');
    expect(await page.locator('.report-article[data-article="5"] .finding').first().textContent()).to.match(/平台自 \d{4}-\d{2}-\d{2} 起运行/);
  });

  it('the statistics show a stacked chart per unit and tables, and download as CSV', async () => {
    await page.locator('.subnav').getByRole('link', { name: '考核统计' }).click();
    await page.waitForURL(/\/monitor\/stats/);
    await page.locator('.stats-page .chart-box canvas').first().waitFor();
    const supervisor = await apiAs(base, 'supervisor');
    const stats = await supervisor.get('/api/stats');
    const brigade = stats.units.find((u: any) => u.unitId === 'inspection-brigade');
    expect(brigade).to.include({ handled: 4, onTime: 3, red: 1 });
    const row = page.locator('.stats-table tr[data-key="inspection-brigade"]');
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 5)).to.deep.equal(['监察大队', '4', '3', '0', '1']);
    expect(cells[5]).to.equal('75%');
    expect(await page.locator('.stats-table tr[data-key="staff2"] td').nth(1).textContent()).to.equal('监察大队');
    expect(await page.locator('.stats-page .chart-box canvas').count()).to.equal(2);
    expect(await page.locator('.stats-page .chart-box canvas').first().getAttribute('aria-label')).to.contain('监察大队 按时 3、黄色 0、红色 1');
    expect(await page.locator('.stats-page .chart-box canvas').nth(1).getAttribute('aria-label')).to.contain('李娜 按时 0、黄色 0、红色 1');
    // The chart really drew: the canvas has coloured pixels.
    const painted = await page.locator('.stats-page .chart-box canvas').first().evaluate((canvas: any) => {
      const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] > 150 && data[i + 1] < 90) n++; // red-ish pixels
      return n;
    });
    expect(painted, 'red bar pixels').to.be.greaterThan(50);
    await screenshot(page, 'supervision-stats', { fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    expect(download.suggestedFilename()).to.match(/^appraisal-\d{4}-\d{2}-01\.csv$/);
    const csv = await readDownload(download);
    expect(csv.startsWith('\ufeff类型,编号,名称')).to.equal(true);
    expect(csv).to.contain('单位,inspection-brigade,监察大队,,4,3,0,1');
  });

  it('login compliance shows this week’s sign-ins of the supervision office; a new account is not counted before its first full week', async () => {
    // 刘清 has had the account for a month; 何静's was created with the demo data this week.
    await db('users').where({ id: 'supervisor' }).update({ created_at: Date.now() - 30 * 86_400_000 });
    await page.locator('.subnav').getByRole('link', { name: '登录合规' }).click();
    await page.waitForURL(/\/monitor\/logins/);
    const row = page.locator('.logins-table tr[data-user="supervisor"][data-role="supervision"]');
    await row.waitFor();
    const supervisor = await apiAs(base, 'supervisor');
    const week = await supervisor.get('/api/compliance/logins');
    expect(await page.locator('#week').inputValue()).to.equal(week.week);
    // This very sign-in counted too (the count the page showed may be one lower).
    const line = week.lines.find((l: any) => l.userId === 'supervisor' && l.role === 'supervision');
    const shown = Number(await row.locator('td').nth(3).textContent());
    expect(shown).to.be.within(1, line.logins);
    expect(await row.locator('td').nth(0).textContent()).to.equal('刘清');
    expect(await row.locator('td').nth(4).textContent()).to.equal('≥ 3');
    expect(await row.locator('.level-tag').textContent()).to.equal(shown >= 3 ? '达标' : `尚差 ${3 - shown} 次`);
    const newcomer = page.locator('.logins-table tr[data-user="supervisor2"][data-role="supervision"]');
    expect(await newcomer.locator('td').nth(4).textContent()).to.equal('—');
    expect(await newcomer.locator('.level-tag').textContent()).to.equal('本周不计');
    await screenshot(page, 'supervision-logins');
    await page.getByRole('button', { name: '上一周' }).click();
    await page.waitForURL(/week=\d{4}-W\d{2}/);
    await until(async () => (await page.locator('.logins-table tr[data-user="supervisor"] .level-tag').textContent()) === '不足（差 3 次）', 'last week without sign-ins');
    expect(await newcomer.locator('.level-tag').textContent()).to.equal('本周不计');
  });

  it('case warnings link to their case; a suggested shared account is confirmed, another dismissed', async () => {
    const staff = await apiAs(base, 'engineer'); // QT-0001 is the engineering office's item
    const started = await staff.post('/api/power-items/QT-0001/start', {
      variables: {
        itemCode: 'QT-0001',
        partyType: 'organisation',
        partyName: '常州某开发有限公司',
        partyCreditCode: '91320402MA1W2K3X8K',
        partyAddress: '常州市天宁区某路1号',
        contactPhone: '0519-88888888',
        projectName: '某小区防空地下室',
        applicationSummary: '申请办理人防工程竣工验收备案，材料齐全',
        materialsComplete: true,
      },
    });
    // What the case scanner writes when a case reaches 80 % of its promised days, and what the
    // sign-in analysis suggests (it looks at yesterday's sign-ins once a day), written in one short
    // transaction: the server's own background work that collides with it is retried.
    const at = Date.now() - 3_600_000;
    const suggestion = (userId: string, kind: string, reason: string) => ({
      id: randomUUID(), userId, category: 3, kind, reason, status: 'open' as const, dedupeKey: `e2e:${userId}:${kind}`, createdAt: at, decidedBy: null, decidedAt: null, instanceId: null,
      evidence: { first: { username: userId, success: true, ip: '10.3.3.3', at }, second: { username: userId, success: true, ip: '10.4.4.4', at: at + 600_000 } },
    });
    await db.transaction(async (trx) => {
      await raiseCaseLevel(trx, { instanceId: started.id, itemCode: 'QT-0001', dueAt: Date.now() + 86_400_000 }, 'yellow', Date.now());
      await insertSuggestions(trx, [
        suggestion('head', 'two-ips', '账号 head 在 30 分钟内从两个地址（10.3.3.3、10.4.4.4）登录'),
        suggestion('staff3', 'two-ips', '账号 staff3 在 30 分钟内从两个地址（10.3.3.3、10.4.4.4）登录'),
      ]);
    });

    await page.locator('.subnav').getByRole('link', { name: '预警与追责' }).click();
    await page.waitForURL(/\/monitor\/warnings/);
    const caseRow = page.locator(`.cases-table tr[data-instance="${started.id}"]`);
    await caseRow.waitFor();
    expect(await caseRow.locator('.level-tag').textContent()).to.equal('黄色：临近承诺时限');
    expect(await caseRow.locator('td').nth(1).textContent()).to.contain('QT-0001');
    const first = page.locator('.suggestion', { hasText: '王建国' });
    await first.waitFor();
    await first.locator('.evidence summary').click();
    expect(await first.locator('.evidence li').count()).to.equal(2);
    await screenshot(page, 'supervision-warnings');
    await first.getByRole('button', { name: '确认立案' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.getByLabel(/事实经过/).fill('处室负责人账号在 10 分钟内从两个不同终端登录，疑似出借账号');
    await dialog.getByRole('button', { name: '确认立案' }).click();
    await until(async () => (await page.locator('.suggestion', { hasText: '王建国' }).count()) === 0, 'the confirmed one to leave 待确认');
    const other = page.locator('.suggestion', { hasText: '黄磊' });
    await other.getByRole('button', { name: '排除' }).click();
    // A reason is required: without one the dialog stays open.
    await dialog.getByRole('button', { name: '排除' }).click();
    expect(await dialog.isVisible()).to.equal(true);
    expect(await dialog.getByLabel('排除原因').evaluate((el: any) => el.validity.valueMissing)).to.equal(true);
    await dialog.getByLabel('排除原因').fill('经核实为本人在两台办公电脑间切换');
    await dialog.getByRole('button', { name: '排除' }).click();
    await page.locator('.suggestions').waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: '已立案' }).click();
    const confirmed = page.locator('.suggestion', { hasText: '王建国' });
    await confirmed.waitFor();
    await confirmed.getByRole('link', { name: '查看追责流程' }).click();
    await page.waitForURL(/\/monitor\/instances\//);
    await page.locator('h1', { hasText: '责任追究' }).waitFor();
    const supervisor = await apiAs(base, 'supervisor');
    expect((await supervisor.get('/api/accountability-suggestions?status=dismissed')).items.map((s: any) => s.userId)).to.deep.equal(['staff3']);
  });

  it('the engineering office makes last month’s package, downloads it and records the upload', async () => {
    await signOut(page);
    await signIn(page, base, 'engineer');
    const nav = page.locator('.nav');
    expect(await nav.getByRole('link', { name: '监察' }).count()).to.equal(0);
    await nav.getByRole('link', { name: '省平台上传' }).click();
    await page.waitForURL(/\/uploads$/);
    await page.locator('.notice-warn', { hasText: '本月尚未登记上传' }).waitFor();
    const month = await page.getByLabel('数据月份').inputValue();
    expect(month).to.match(/^\d{4}-\d{2}$/);
    const made = page.waitForResponse((r) => r.url().endsWith('/api/provincial-uploads') && r.request().method() === 'POST');
    await page.getByRole('button', { name: '生成数据包' }).click();
    expect((await made).status()).to.equal(201);
    const row = page.locator(`.uploads-table tr[data-month="${month}"]`);
    await row.waitFor();
    expect(await row.locator('.level-tag').textContent()).to.equal('未上传');
    expect(await row.textContent()).to.contain('钱工程 手动生成');
    const sha = await row.locator('code.hash').getAttribute('title');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: '下载' }).click()]);
    expect(download.suggestedFilename()).to.equal(`provincial-${month}.json`);
    const pkg = JSON.parse(await readDownload(download));
    expect(pkg.manifest).to.include({ month, sha256: sha, schema: 'pcp-operations/1' });
    await row.getByRole('button', { name: '登记已上传' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.getByLabel('省平台回执编号').fill('SJ-2026-0001');
    await dialog.getByRole('button', { name: '登记' }).click();
    await until(async () => (await row.locator('.level-tag').textContent()) === '已上传', 'the row to show the upload');
    expect(await row.textContent()).to.contain('回执 SJ-2026-0001');
    await page.locator('.notice-ok', { hasText: '本月已上传' }).waitFor();
    expect(await row.getByRole('button', { name: '登记已上传' }).count()).to.equal(0);
    await screenshot(page, 'supervision-uploads');
  });

  it('a district reporter exports the bureau’s signed exchange file in the browser', async () => {
    const supervisor = await apiAs(base, 'supervisor');
    const key = await supervisor.post('/api/district-exchange/keys', { districtId: 'district-wujin' });
    await signOut(page);
    await signIn(page, base, 'wujin');
    const nav = page.locator('.nav');
    expect(await nav.getByRole('link', { name: '考核统计' }).count()).to.equal(0);
    await nav.getByRole('link', { name: '交换文件导出' }).click();
    await page.waitForURL(/\/exchange\/export$/);
    expect(await page.locator('.meta dd').textContent()).to.equal('武进区民防局');
    await page.getByLabel('开始日期').fill('2026-01-01');
    await page.getByLabel('结束日期').fill('2026-12-31');
    await page.getByLabel('密钥编号').fill(key.keyId);
    await page.getByLabel('私钥（PEM）').fill(key.privateKeyPem);
    await screenshot(page, 'supervision-export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出并下载' }).click()]);
    expect(download.suggestedFilename()).to.equal('district-wujin-2026-01-01-2026-12-31.json');
    const file = JSON.parse(await readDownload(download));
    expect(file).to.include({ format: 'pcp-exchange/1', district: 'district-wujin', keyId: key.keyId });
    await page.locator('.notice-ok', { hasText: '已导出' }).waitFor();
  });

  it('supervision imports a district file, is told a second import changes nothing, and sees a damaged file refused', async () => {
    const supervisor = await apiAs(base, 'supervisor');
    const key = await supervisor.post('/api/district-exchange/keys', { districtId: 'district-wujin' });
    const exported = await raw(base, 'wujin', 'POST', '/api/district-exchange/exports', { from: '2026-01-01', to: '2026-12-31', districtId: 'district-wujin', keyId: key.keyId, privateKeyPem: key.privateKeyPem });
    expect(exported.status).to.equal(200);
    const text = exported.text;
    // One changed character in the signed package: the checksum no longer matches.
    const damaged = text.replace(/"generatedAt": "(\d)/, (_m, d: string) => `"generatedAt": "${(Number(d) + 1) % 10}`);
    expect(damaged).to.not.equal(text);
    // What the server says about it (asked by the other supervisor; nothing is imported).
    const refusal = await raw(base, 'supervisor2', 'POST', '/api/district-exchange/imports', { file: damaged });
    expect(refusal.status).to.equal(400);
    const { error } = JSON.parse(refusal.text) as { error: { code: string; message: string } };
    expect(error.code).to.match(/^EXCHANGE_/);

    await signOut(page);
    await signIn(page, base, 'supervisor');
    await page.goto(`${base}/monitor/exchange`);
    await page.locator(`.keys-table tr[data-key="${key.keyId}"]`).waitFor();
    const upload = (name: string, content: string) => page.getByLabel('交换文件（JSON 格式）').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
    const chosen = page.locator('.import-form .file-name');
    expect(await chosen.textContent()).to.equal('未选择文件');
    await upload('wujin-2026.json', text);
    expect(await chosen.textContent()).to.equal('wujin-2026.json');
    await page.getByRole('button', { name: '校验并导入' }).click();
    const ok = page.locator('.import-result .notice-ok');
    await ok.waitFor();
    expect(await chosen.textContent()).to.equal('未选择文件');
    expect(await ok.textContent()).to.contain('导入成功：wujin-2026.json（武进区民防局 2026-01-01 至 2026-12-31）');
    const rows = page.locator('.imports-table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().locator('td').first().textContent()).to.equal('武进区民防局');
    await screenshot(page, 'supervision-exchange-imported');

    await upload('wujin-2026.json', text);
    await page.getByRole('button', { name: '校验并导入' }).click();
    await page.locator('.import-result .notice', { hasText: '此前已导入' }).waitFor();
    expect(await page.locator('.import-result').textContent()).to.contain('本次未改变任何数据');

    await upload('wujin-2026-changed.json', damaged);
    await page.getByRole('button', { name: '校验并导入' }).click();
    const refused = page.locator('.import-result .notice-error');
    await refused.waitFor();
    expect(await refused.getAttribute('role')).to.equal('alert');
    expect(await refused.textContent()).to.contain(`未导入：${error.message}`);
    expect(await refused.textContent()).to.contain(`错误代码 ${error.code}`);
    await screenshot(page, 'supervision-exchange-refused');
    expect(await rows.count()).to.equal(1);
    expect((await supervisor.get('/api/district-exchange/imports')).items).to.have.length(1);
  });

  it('a unit head sees 考核统计 of their own unit only', async () => {
    await signOut(page);
    await signIn(page, base, 'head');
    const nav = page.locator('.nav');
    expect(await nav.getByRole('link', { name: '监察' }).count()).to.equal(0);
    await nav.getByRole('link', { name: '考核统计' }).click();
    await page.waitForURL(/\/stats$/);
    await page.locator('.stats-table tr[data-key="inspection-brigade"]').waitFor();
    expect(await page.locator('.subnav').count()).to.equal(0);
    const units = await page.locator('.stats-page .card').nth(2).locator('tbody tr').evaluateAll((els) => els.map((e: any) => e.dataset.key));
    expect(units).to.deep.equal(['inspection-brigade']);
    expect(await page.locator('.stats-table tr[data-key="engineer"]').count()).to.equal(0);
    await page.goto(`${base}/monitor/report`);
    await page.locator('h1', { hasText: '无权访问' }).waitFor();
  });

  it('fits a phone-width screen: the bell’s panel and the statistics', async () => {
    const phone = await launch({ width: 390, height: 844 });
    try {
      await phone.page.goto(`${base}/login`);
      await signIn(phone.page, base, 'head');
      await phone.page.locator('.bell').click();
      await phone.page.locator('#notif-panel .notif').first().waitFor();
      const overflow = 'document.documentElement.scrollWidth - window.innerWidth';
      expect(await phone.page.evaluate(overflow), 'no horizontal scrolling').to.be.at.most(0);
      const box = await phone.page.locator('#notif-panel').boundingBox();
      expect(box!.x).to.be.at.least(0);
      expect(box!.x + box!.width).to.be.at.most(390);
      await screenshot(phone.page, 'supervision-bell-phone');
      await phone.page.keyboard.press('Escape');
      await phone.page.goto(`${base}/stats`);
      await phone.page.locator('.stats-page .chart-box canvas').first().waitFor();
      expect(await phone.page.evaluate(overflow), 'no horizontal scrolling').to.be.at.most(0);
      await screenshot(phone.page, 'supervision-stats-phone', { fullPage: true });
      expect(phone.errors).to.deep.equal([]);
    } finally {
      await phone.close();
    }
  });
});
