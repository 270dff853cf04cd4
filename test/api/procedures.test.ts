import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Each procedure of processes/ walked end to end through HTTP only: every actor signs in with the
 * demo password, finds the task in their inbox, claims it and completes it with the form's data.
 * (Service tasks run as jobs; the test runs due jobs where the server's poller would.)
 */
describe('API: every procedure end to end, each actor signed in over HTTP', () => {
  let s: TestServer;
  const clients = new Map<string, Client>();
  let completed = 0;

  before(async () => {
    // Monday 30 November 2026, 09:00 Beijing time.
    s = await startServer({ procedures: true, clock: new ManualClock(Date.parse('2026-11-30T09:00:00+08:00')) });
  });
  after(async () => {
    await s.close();
  });

  const as = async (user: string) => {
    let c = clients.get(user);
    if (!c) clients.set(user, (c = await s.login(user)));
    return c;
  };
  const settle = async () => {
    for (let i = 0; i < 20 && (await s.engine.jobs.runDue()) > 0; i++);
  };

  /** Starts a process (or a catalog item's case) as `user` over HTTP; returns the instance id. */
  async function start(user: string, path: string, variables: Record<string, unknown>): Promise<string> {
    const res = await (await as(user)).post(path, { variables });
    expect(res.status, `${path}: ${res.text}`).to.equal(201);
    await settle();
    return res.body.id;
  }

  /** `user` finds the open task of `elementId` in their inbox, claims it and completes it. */
  async function work(user: string, instanceId: string, elementId: string, variables: Record<string, unknown>): Promise<void> {
    const c = await as(user);
    const inbox = await c.get(`/api/tasks?instance=${instanceId}`);
    expect(inbox.status).to.equal(200);
    const task = inbox.body.items.find((t: any) => t.elementId === elementId);
    expect(task, `${user} sees ${elementId} in the inbox (has: ${inbox.body.items.map((t: any) => t.elementId)})`).to.not.equal(undefined);
    const detail = await c.get(`/api/tasks/${task.id}`);
    expect(detail.status).to.equal(200);
    if (!task.assignee) expect((await c.post(`/api/tasks/${task.id}/claim`)).status, `claim ${elementId}`).to.equal(200);
    const done = await c.post(`/api/tasks/${task.id}/complete`, { variables });
    expect(done.status, `${user} completes ${elementId}: ${done.text}`).to.equal(200);
    completed++;
    await settle();
  }

  /** The open tasks of an instance, as the supervision office sees it. */
  async function open(instanceId: string): Promise<string[]> {
    const res = await (await as('supervisor')).get(`/api/process-instances/${instanceId}`);
    return res.body.tasks.filter((t: any) => t.status === 'open').map((t: any) => t.elementId).sort();
  }

  async function status(user: string, instanceId: string): Promise<string> {
    const res = await (await as(user)).get(`/api/process-instances/${instanceId}`);
    expect(res.status).to.equal(200);
    return res.body.status;
  }

  /** A user who is not a candidate of the element's open task gets 403 on claim and complete. */
  async function outsiderRefused(user: string, instanceId: string, elementId: string): Promise<void> {
    const sup = await as('supervisor');
    const detail = await sup.get(`/api/process-instances/${instanceId}`);
    const task = detail.body.tasks.find((t: any) => t.elementId === elementId && t.status === 'open');
    const c = await as(user);
    expect((await c.get('/api/tasks?all=false')).body.items.map((t: any) => t.id)).not.to.include(task.id);
    for (const action of ['claim', 'complete']) {
      const r = await c.post(`/api/tasks/${task.id}/${action}`, { variables: {} });
      expect(r.status, `${user} ${action} ${elementId}`).to.equal(403);
    }
  }

  const approve = { decision: 'approve', comment: '同意' };

  it('item change (Art. 8): engineer applies; legal, leader, supervision and the vendor approve; the catalog changes', async () => {
    const before = await (await as('engineer')).get('/api/power-items/XK-0001');
    expect(before.body).to.include({ version: 1, promisedDays: 10 });
    const id = await start('engineer', '/api/process-definitions/item-change/start', {
      changeType: 'change-info',
      itemCode: 'XK-0001',
      itemPatch: { promisedDays: 7 },
      legalGround: 'law-amended',
      groundDocument: '《中华人民共和国人民防空法》第二十二条',
      sunshineRef: 'CZSHY-2026-000123',
      sunshineDate: '2026-11-25',
      reason: '根据市政府法制办审定的新版行政权力职权目录调整本事项',
    });
    expect(await open(id)).to.deep.equal(['Task_LegalReview']);
    await outsiderRefused('staff2', id, 'Task_LegalReview');
    await work('legal', id, 'Task_LegalReview', approve);
    await work('leader', id, 'Task_LeaderApproval', approve);
    await work('supervisor', id, 'Task_Filing', { decision: 'approve', comment: '予以备案' });
    await outsiderRefused('engineer', id, 'Task_VendorApply');
    await work('vendor', id, 'Task_VendorApply', { applied: true, vendorNote: '已在平台调整' });
    expect(await status('engineer', id)).to.equal('completed');
    const after = await (await as('engineer')).get('/api/power-items/XK-0001');
    expect(after.body).to.include({ version: 2, promisedDays: 7 });
    expect(after.body.versions.map((v: any) => v.changeType)).to.deep.equal(['create', 'change-info']);
  });

  it('user and role change (Art. 9): the head applies, the leader approves, supervision files, the vendor applies', async () => {
    const id = await start('head', '/api/process-definitions/user-role-change/start', {
      branch: 'department',
      unitId: 'inspection-brigade',
      reason: '大队内部岗位调整，新进执法人员一名',
      changes: [{ op: 'create', userId: 'zhaolei', displayName: '赵磊', unitId: 'inspection-brigade', title: '执法队员', groups: ['staff'] }],
    });
    await outsiderRefused('head', id, 'Task_LeaderApproval');
    await work('leader', id, 'Task_LeaderApproval', approve);
    await work('supervisor', id, 'Task_Filing', { decision: 'approve', comment: '已备案' });
    await work('vendor', id, 'Task_VendorApply', { applied: true, vendorNote: '已按名单调整' });
    expect(await status('head', id)).to.equal('completed');
    // The new colleague exists now, without a password: the vendor sets a first one, which
    // 赵磊 must change at his first sign-in.
    expect(await s.db('users').where({ id: 'zhaolei' }).first()).to.include({ display_name: '赵磊', status: 'active' });
    expect((await s.anonymous().post('/api/auth/login', { username: 'zhaolei', password: 'First-Pass-2026' })).status).to.equal(401);
    const notVendor = await (await as('head')).post('/api/users/zhaolei/password', { password: 'First-Pass-2026' });
    expect(notVendor.status).to.equal(403);
    const vendor = await as('vendor');
    expect((await vendor.post('/api/users/nobody/password', { password: 'First-Pass-2026' })).status).to.equal(404);
    const weak = await vendor.post('/api/users/zhaolei/password', { password: 'short' });
    expect(weak.status).to.equal(422);
    expect(weak.body.error.details[0].field).to.equal('password');
    expect((await vendor.post('/api/users/zhaolei/password', { password: 'First-Pass-2026' })).status).to.equal(200);
    const zhao = await s.login('zhaolei', 'First-Pass-2026');
    expect((await zhao.get('/api/tasks')).body.error.code).to.equal('PASSWORD_CHANGE_REQUIRED');
    expect((await zhao.post('/api/auth/password', { oldPassword: 'First-Pass-2026', newPassword: 'Zhao-Lei-Own-2026' })).status).to.equal(200);
    expect((await zhao.get('/api/me')).body.user).to.include({ id: 'zhaolei', displayName: '赵磊' });
    const set = (await (await as('supervisor')).get('/api/audit?objectId=zhaolei&action=auth.password.set')).body.items[0];
    expect(set).to.include({ actor: 'vendor' });
  });

  it('data deletion (Art. 7): the person who entered it asks, the head agrees, supervision files and deletes', async () => {
    // The start form offers staff the records staff entered, and nobody else's.
    const staff = await as('staff');
    const form = (await staff.get('/api/process-definitions/data-deletion/start-form')).body;
    const offered = form.formData.myRecords.map((o: any) => o.value);
    const entered = (await s.db('power_records').where({ entered_by: 'staff' }).select('id')).map((r: any) => r.id);
    expect(offered).to.include.members(entered).and.include('QL-2026-0002');
    const foreign = (await s.db('power_records').whereNot({ entered_by: 'staff' }).first())?.id;
    expect(foreign, 'a record someone else entered').to.be.a('string');
    expect(offered).to.not.include(foreign);
    const refused = await staff.post('/api/process-definitions/data-deletion/start', {
      variables: { records: [{ kind: 'power-record', recordId: foreign }], content: '他人录入的数据', reason: '试图删除他人录入的数据，应被拒绝' },
    });
    expect(refused.status).to.equal(422);
    expect(refused.body.error.details).to.deep.equal([{ field: 'records[0].recordId', message: '“记录编号”不是有效的选项' }]);
    const id = await start('staff', '/api/process-definitions/data-deletion/start', {
      records: [{ kind: 'power-record', recordId: 'QL-2026-0002' }],
      content: '重复录入的权力运行记录一条',
      reason: '同一案件被重复录入两次，删除重复的一条以保证数据准确',
    });
    await outsiderRefused('maint', id, 'Task_HeadApproval');
    await work('head', id, 'Task_HeadApproval', approve);
    await work('supervisor', id, 'Task_Filing', { decision: 'approve', comment: '已备案' });
    await work('supervisor2', id, 'Task_Delete', { confirmDelete: true, deleteNote: '核对无误后删除' });
    expect(await status('staff', id)).to.equal('completed');
    expect(await s.db('power_records').where({ id: 'QL-2026-0002' }).first()).to.equal(undefined);
  });

  it('fault report (Art. 10): reported the same day, the information centre repairs, the reporter confirms', async () => {
    const id = await start('staff', '/api/process-definitions/fault-report/start', {
      device: 'computer',
      assetNo: 'CZMF-PC-0123',
      occurredAt: '2026-11-30T08:30+08:00',
      description: '开机后蓝屏，无法登录内控平台',
      contactPhone: '8123',
    });
    await outsiderRefused('staff2', id, 'Task_Repair');
    await work('itc', id, 'Task_Repair', { repairResult: 'repaired', repairNote: '更换内存条，系统恢复正常' });
    await work('staff', id, 'Task_Confirm', { resolved: 'yes' });
    expect(await status('staff', id)).to.equal('completed');
  });

  it('accountability review (Art. 13): supervision opens and drafts, both committees agree, the appraisal records it', async () => {
    const id = await start('supervisor', '/api/process-definitions/accountability-review/start', {
      category: '2',
      subjectKind: 'person',
      subjectUserId: 'staff',
      facts: '2026年11月受理的人防工程拆除审批事项超过承诺时限5个工作日未在网上办结',
    });
    await work('supervisor2', id, 'Task_Draft', {
      draftAction: 'propose',
      opinion: '经核查，当事人未按流程时限要求在网上办理，建议通报批评并扣减年度考核分',
      outcome: 'criticize',
      deduction: 2,
      serious: false,
    });
    expect(await open(id)).to.deep.equal(['Task_DisciplineReview', 'Task_PartyReview']);
    await outsiderRefused('discipline', id, 'Task_PartyReview');
    await work('discipline', id, 'Task_DisciplineReview', { disciplineDecision: 'agree', disciplineComment: '同意' });
    await work('party', id, 'Task_PartyReview', { partyDecision: 'agree', partyComment: '同意监察室意见' });
    expect(await status('supervisor', id)).to.equal('completed');
  });

  it('a catalog item case (power-case): started from the catalog, reviewed, decided, delivered', async () => {
    const items = await (await as('engineer')).get('/api/power-items?status=active');
    expect(items.body.items.find((i: any) => i.code === 'XK-0001')).to.include({ processKey: 'power-case', canStart: true });
    const id = await start('engineer', '/api/power-items/XK-0001/start', {
      partyType: 'organisation',
      partyName: '常州新城房地产开发有限公司',
      partyCreditCode: '91320400MA1Q3RTY0A',
      partyAddress: '常州市天宁区青龙东路8号',
      contactPhone: '13912345678',
      projectName: '青龙地块住宅项目',
      applicationSummary: '项目所在地块地质条件复杂，不宜修建防空地下室，申请易地建设',
      materialsComplete: true,
    });
    // The clerk who accepted it may not review it (separation of duties).
    const review = (await (await as('engineer')).get(`/api/tasks?instance=${id}`)).body.items.find((t: any) => t.elementId === 'Task_Review');
    const selfClaim = await (await as('engineer')).post(`/api/tasks/${review.id}/claim`);
    expect(selfClaim.status).to.equal(403);
    expect(selfClaim.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    await work('engineer-head', id, 'Task_Review', { decision: 'approve', comment: '材料齐全，符合易地建设条件' });
    await work('leader', id, 'Task_Decide', { grant: 'yes', decisionComment: '准予易地建设' });
    await work('engineer-head', id, 'Task_Deliver', { documentNo: '常民防审〔2026〕30号', deliveredOn: '2026-12-02' });
    expect(await status('engineer', id)).to.equal('completed');
    const missing = await (await as('engineer')).post('/api/power-items/NO-0000/start', { variables: {} });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('ITEM_NOT_FOUND');
  });

  it('an administrative penalty case: four different people from registration to archive', async () => {
    const id = await start('staff', '/api/power-items/CF-0001/start', {
      caseSource: 'inspection',
      foundOn: '2026-11-20',
      partyType: 'organisation',
      partyName: '常州某置业有限公司',
      partyCreditCode: '91320400MA1P2XYW3T',
      partyAddress: '常州市新北区太湖东路101号',
      facts: '该公司在小区地下车库改造中擅自拆除人防工程防护密闭门及部分口部结构，拆除面积约300平方米',
    });
    await work('head', id, 'Task_Filing', { decision: 'file', filingNo: '常民防立〔2026〕15号', comment: '符合立案条件，同意立案' });
    await work('staff', id, 'Task_Investigate', {
      coInvestigator: 'staff2',
      evidence: '现场检查笔录、照片12张、询问笔录2份、设计图纸复印件，证实拆除面积约300平方米',
      investigationResult: 'propose',
      proposedTier: 'org-general',
      proposedAmount: 25000,
    });
    await work('legal', id, 'Task_LegalReview', { legalDecision: 'approve', legalOpinion: '事实清楚，证据确凿，适用依据正确，程序合法，裁量适当' });
    // A fine outside its discretion tier is refused at once, per field, and the task stays open.
    const leader = await as('leader');
    const decide = (await leader.get(`/api/tasks?instance=${id}`)).body.items.find((t: any) => t.elementId === 'Task_Decide');
    const tooHigh = await leader.post(`/api/tasks/${decide.id}/complete`, {
      variables: { decision: 'penalize', tier: 'org-general', amount: 990000, decisionNo: '常民防罚决字〔2026〕8号', decisionComment: '作出行政处罚决定' },
    });
    expect(tooHigh.status).to.equal(422);
    expect(tooHigh.body.error.details[0].field).to.equal('amount');
    expect(tooHigh.body.error.details[0].message).to.match(/超出裁量档次/);
    expect(await open(id)).to.deep.equal(['Task_Decide']);
    await work('leader', id, 'Task_Decide', { decision: 'penalize', tier: 'org-general', amount: 25000, decisionNo: '常民防罚决字〔2026〕8号', decisionComment: '同意法制审核意见，作出行政处罚决定' });
    await work('staff2', id, 'Task_Serve', { serviceMethod: 'direct', servedOn: '2026-12-03', serviceReceipt: 'SD-2026-015' });
    await work('staff', id, 'Task_Execute', { executionResult: 'paid', paidAmount: 25000, paymentReceipt: '3204001234567', executionNote: '当事人已按期缴纳' });
    await work('staff3', id, 'Task_Archive', { archiveNo: '2026-CF-0015', pages: 46, closingSummary: '当事人已缴纳罚款并完成补建，案件办结归档' });
    expect(await status('staff', id)).to.equal('completed');
  });

  it('leaves an intact audit trail with a row for every step taken above', async () => {
    const sup = await as('supervisor');
    const v = await sup.get('/api/audit/verify');
    expect(v.body.ok).to.equal(true);
    const completes = await sup.get('/api/audit?action=task.complete&limit=1');
    expect(completes.body.total).to.equal(completed);
    expect(completed).to.equal(25);
  });
});
