import { expect } from 'chai';
import { screenshot, signIn, signOut, until } from './helpers/browser.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/**
 * More routing actions through the UI (issue 13, item 7): 后加签 — 王建国 approves and 李娜 signs
 * after him before the case moves on; 会签 — both sign in any order; a refused 收回 — the next
 * handler has already acted, so the 已办 row says why in Chinese and nothing changes; and the
 * supervision office sees every substitution on 委托代理.
 */
const APPLY_FORM = JSON.stringify({
  type: 'default',
  id: 'e2e-sign-apply',
  components: [{ type: 'textfield', key: 'title', label: '申请事项', validate: { required: true } }],
});

const SIGN_BPMN = process(
  'e2e-sign',
  `
  <bpmn:startEvent id="start" camunda:formKey="e2e-sign-apply" camunda:initiator="applicant" />
  ${flow('f1', 'start', 'Task_Approve')}
  ${userTask('Task_Approve', '负责人审批', 'camunda:candidateGroups="unit-heads"')}
  ${flow('f2', 'Task_Approve', 'Task_Leader')}
  ${userTask('Task_Leader', '分管领导审批', 'camunda:candidateGroups="leaders"')}
  ${flow('f3', 'Task_Leader', 'Task_Archive')}
  ${userTask('Task_Archive', '归档', 'camunda:assignee="${applicant}"')}
  ${flow('f4', 'Task_Archive', 'end')}
  <bpmn:endEvent id="end" />
`,
);

describe('E2E: 后加签, 会签, a refused 收回 and supervision of substitutions', function () {
  const s = serverAndBrowser();
  const ids = new Map<string, string>();

  before(async () => {
    const base = s.server.baseUrl;
    const owner = await apiAs(base, 'owner');
    await owner.deploy({ files: [{ name: 'e2e-sign-apply.form', content: APPLY_FORM }, { name: 'e2e-sign.bpmn', content: SIGN_BPMN }] });
    const staff = await apiAs(base, 'staff');
    for (const title of ['采购防毒面具 50 套', '维修人防警报器', '更新疏散指示牌']) ids.set(title, (await staff.post('/api/process-definitions/e2e-sign/start', { variables: { title } })).id);
  });

  const loaded = () => until(async () => (await s.b.page.locator('.inbox-list[aria-busy]').count()) === 0, 'the inbox to load');
  const openSteps = async (title: string) => {
    const supervisor = await apiAs(s.server.baseUrl, 'supervisor');
    return ((await supervisor.get(`/api/tasks?instance=${ids.get(title)}&all=true`)).items as Array<{ elementId: string; assignee: string | null; signParentId?: string }>);
  };

  /** 王建国 opens the request from 待认领 and adds 李娜 as a signer in `mode`. */
  async function addSigner(title: string, mode: 'after' | 'parallel'): Promise<void> {
    const { page } = s.b;
    await page.goto(`${s.server.baseUrl}/inbox?tab=claimable`);
    await loaded();
    await page.locator('.task-row', { hasText: title }).getByRole('link', { name: '办理' }).click();
    await page.waitForURL(/\/tasks\//);
    await page.getByRole('button', { name: '加签' }).click();
    const dialog = page.locator('dialog.dialog');
    await dialog.getByLabel('加签人').selectOption({ label: (await dialog.locator('option', { hasText: '李娜' }).first().textContent())! });
    await dialog.getByLabel('加签方式').selectOption(mode);
    await dialog.getByRole('button', { name: '确认加签' }).click();
    await page.locator('.signers-card .signer', { hasText: '李娜' }).waitFor();
  }

  /** 李娜 signs her 加签 task of `title` from her inbox. */
  async function signAsLina(title: string): Promise<void> {
    const { page } = s.b;
    await signIn(page, s.server.baseUrl, 'staff2');
    await page.goto(`${s.server.baseUrl}/inbox?tab=mine`);
    await loaded();
    const row = page.locator('.task-row', { hasText: title });
    expect(await row.textContent()).to.contain('加签');
    await row.getByRole('link', { name: '办理' }).click();
    await page.waitForURL(/\/tasks\//);
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);
    await signOut(page);
  }

  it('后加签: 王建国 approves, the case waits for 李娜, and moves on when she has signed', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 王建国 asks 李娜 to sign after him on 采购防毒面具 50 套
    await page.goto(`${base}/login`);
    await signIn(page, base, 'head');
    await addSigner('采购防毒面具 50 套', 'after');
    expect(await page.locator('.signers-card .signer', { hasText: '李娜' }).textContent()).to.contain('后加签');

    // When he submits his step
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);
    await signOut(page);

    // Then the case waits for 李娜 at the same step, not yet at 分管领导审批
    await until(async () => (await openSteps('采购防毒面具 50 套')).some((t) => t.assignee === 'staff2'), '李娜’s signing task');
    expect((await openSteps('采购防毒面具 50 套')).map((t) => t.elementId)).to.not.include('Task_Leader');

    // When she signs, Then the case moves on to 分管领导审批
    await signAsLina('采购防毒面具 50 套');
    await until(async () => (await openSteps('采购防毒面具 50 套')).map((t) => t.elementId).join() === 'Task_Leader', 'the case at 分管领导审批');
  });

  it('会签: 李娜 signs first, 王建国 then submits, and only then the case moves on', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 王建国 adds 李娜 as a parallel signer on 维修人防警报器
    await signIn(page, base, 'head');
    await addSigner('维修人防警报器', 'parallel');
    expect(await page.locator('.signers-card .signer', { hasText: '李娜' }).textContent()).to.contain('会签');
    await screenshot(page, 'task-parallel-signer');
    const taskUrl = page.url();
    await signOut(page);

    // When 李娜 signs first, Then the case still waits for 王建国
    await signAsLina('维修人防警报器');
    expect((await openSteps('维修人防警报器')).map((t) => t.elementId)).to.deep.equal(['Task_Approve']);

    // When 王建国 submits, Then the case moves on to 分管领导审批
    await signIn(page, base, 'head');
    await page.goto(taskUrl);
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/inbox/);
    await until(async () => (await openSteps('维修人防警报器')).map((t) => t.elementId).join() === 'Task_Leader', 'the case at 分管领导审批');
    await signOut(page);
  });

  it('refuses 收回 once the next handler has acted, says why in Chinese, and changes nothing', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 王建国 approved 更新疏散指示牌 and 陈立新 has since approved it too
    const head = await apiAs(base, 'head');
    const mine = (await head.get(`/api/tasks?instance=${ids.get('更新疏散指示牌')}`)).items[0];
    await head.post(`/api/tasks/${mine.id}/complete`, { variables: {} });
    const leader = await apiAs(base, 'leader');
    let next = '';
    await until(async () => {
      next = (await leader.get(`/api/tasks?instance=${ids.get('更新疏散指示牌')}`)).items[0]?.id ?? '';
      return Boolean(next);
    }, '分管领导审批');
    await leader.post(`/api/tasks/${next}/complete`, { variables: {} });
    const before = await openSteps('更新疏散指示牌');
    expect(before.map((t) => t.elementId)).to.deep.equal(['Task_Archive']);

    // When 王建国 presses 收回 on its 已办 row
    await signIn(page, base, 'head');
    await page.goto(`${base}/inbox?tab=done`);
    await loaded();
    const row = page.locator('.task-row', { hasText: '更新疏散指示牌' });
    await row.getByRole('button', { name: '收回' }).click();
    await page.locator('dialog.dialog').getByRole('button', { name: '确认收回' }).click();

    // Then the row says in Chinese why it cannot be taken back, and the case is where it was
    const refusal = row.locator('.recall-refused');
    await refusal.waitFor();
    const text = (await refusal.textContent()) ?? '';
    expect(text).to.match(/^不能收回/);
    expect(text).to.not.match(/[A-Za-z]{3,}/);
    await screenshot(page, 'inbox-recall-refused');
    expect(await openSteps('更新疏散指示牌')).to.deep.equal(before);
    const supervisor = await apiAs(base, 'supervisor');
    const audit = await supervisor.get(`/api/audit?instance=${ids.get('更新疏散指示牌')}&limit=50`);
    expect((audit.items as Array<{ action: string }>).some((a) => a.action === 'task.recall')).to.equal(false);
    await signOut(page);
  });

  it('shows the supervision office every substitution, current and cancelled, on 委托代理', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    // Given 王建国 named 李娜 and cancelled it, and 赵法 names 黄磊 now
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const inAWeek = new Date(Date.now() + 8 * 3600e3 + 7 * 86_400_000).toISOString().slice(0, 10);
    const head = await apiAs(base, 'head');
    await head.put('/api/me/substitute', { userId: 'staff2', from: today, to: inAWeek });
    await head.delete('/api/me/substitute');
    const legal = await apiAs(base, 'legal');
    await legal.put('/api/me/substitute', { userId: 'staff3', from: today, to: inAWeek });

    // When 刘清 opens 委托代理 in the monitor
    await signIn(page, base, 'supervisor');
    await page.goto(`${base}/monitor`);
    await page.getByRole('navigation', { name: '监察功能' }).getByRole('link', { name: '委托代理' }).click();
    await page.waitForURL(/\/monitor\/substitutions/);
    const rows = page.locator('.substitution-row');
    await until(async () => (await rows.count()) === 2, 'both substitutions');

    // Then both are listed, the current one 生效中 and the cancelled one 已取消
    expect(await rows.filter({ hasText: '赵法' }).textContent()).to.contain('黄磊').and.contain('生效中').and.contain(today);
    expect(await rows.filter({ hasText: '王建国' }).textContent()).to.contain('李娜').and.contain('已取消');
    await screenshot(page, 'monitor-substitutions');

    // When he keeps only the current ones, Then the cancelled one goes
    await page.getByLabel('只看生效中和未到期的委托').check();
    await until(async () => (await rows.count()) === 1, 'only the current substitution');
    expect(await rows.first().textContent()).to.contain('赵法');
    await signOut(page);
  });
});
