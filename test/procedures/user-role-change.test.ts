import { expect } from 'chai';
import { actorOf } from '../../src/domain/org.ts';
import { getUnit, getUser, orgChangesOf } from '../../src/store/org.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/** Art. 9: the platform's own users and permissions change through this procedure. */
describe('procedure: user and role change (user-role-change.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const approve = { decision: 'approve', comment: '同意' };
  const department = (changes: unknown[]) => ({
    branch: 'department',
    unitId: 'inspection-brigade',
    reason: '大队内部岗位调整，法制员调整至政策法规处，新进执法人员一名',
    changes,
  });

  /** A legal review task to test visibility with: an item change started by someone else. */
  async function legalReviewTask() {
    const { instance } = await w.start('item-change', 'engineer', {
      changeType: 'change-info',
      itemCode: 'XK-0002',
      itemPatch: { promisedDays: 9 },
      legalGround: 'circumstances-changed',
      groundDocument: '市政府优化营商环境工作要求',
      sunshineRef: 'CZSHY-2026-000777',
      sunshineDate: '2026-11-26',
      reason: '压缩承诺办理时限，优化营商环境',
    });
    return w.task(instance.id, 'Task_LegalReview');
  }

  async function visible(userId: string, taskId: string) {
    const a = await actorOf(w.db, userId);
    if (!a) return false;
    const { rows } = await w.engine.listTasks({ status: 'open', visibleTo: { user: a.id, groups: a.groups } });
    return rows.some((t) => t.id === taskId);
  }

  it('department branch: the leader approves, supervision files, the vendor applies — users, units and roles change, and so do their tasks', async () => {
    const review = await legalReviewTask();
    // Before: 李娜 (staff2) is not in the policy & regulations office's group
    expect(await visible('staff2', review.id)).to.equal(false);
    await expectError(w.engine.claim(review.id, { by: await w.as('staff2') }), 'NOT_CANDIDATE');
    expect(await visible('itc', review.id)).to.equal(false);

    const { instance } = await w.start(
      'user-role-change',
      'head',
      department([
        { op: 'create', userId: 'zhaolei', displayName: '赵磊', unitId: 'inspection-brigade', title: '执法队员', groups: ['staff'] },
        { op: 'grant', userId: 'staff2', groups: ['legal'] },
        { op: 'move', userId: 'maint', unitId: 'engineering-office', title: '工程处副处长' },
        { op: 'disable', userId: 'staff3' },
        { op: 'revoke', userId: 'itc', groups: ['info-centre'] },
      ]),
    );
    expect(await w.open(instance.id)).to.deep.equal(['Task_LeaderApproval']);
    // Reviewers read the list in words
    const summary = String((await w.variables(instance.id)).changesSummary);
    expect(summary.split('\n')).to.deep.equal([
      '1. 新增用户：赵磊（zhaolei），监察大队，执法队员，角色：工作人员',
      '2. 授予角色：李娜（staff2），角色：政策法规处',
      '3. 调整所在单位：罗维（maint），调至工程处，工程处副处长',
      '4. 停用用户：黄磊（staff3）',
      '5. 撤销角色：孙网（itc），角色：指挥信息保障中心',
    ]);
    await w.complete(instance.id, 'Task_LeaderApproval', 'leader', approve);
    await w.complete(instance.id, 'Task_Filing', 'supervisor', { decision: 'approve', comment: '已备案' });
    // Nothing changes until the vendor applies it
    expect(await getUser(w.db, 'zhaolei')).to.equal(undefined);
    await w.complete(instance.id, 'Task_VendorApply', 'vendor', { applied: true, vendorNote: '已按名单调整' });
    expect(await w.status(instance.id)).to.equal('completed');

    // Then: the new user exists with their groups
    expect(await actorOf(w.db, 'zhaolei')).to.deep.include({ id: 'zhaolei', displayName: '赵磊', unitId: 'inspection-brigade', groups: ['staff'] });
    // 李娜 now sees and can claim the legal review
    expect(await visible('staff2', review.id)).to.equal(true);
    const claimed = await w.engine.claim(review.id, { by: await w.as('staff2') });
    expect(claimed.assignee).to.equal('staff2');
    await w.engine.unclaim(review.id, { by: await w.as('staff2') });
    // 罗维 moved to the engineering office and is no longer head of the maintenance office
    expect((await getUser(w.db, 'maint'))!.unitId).to.equal('engineering-office');
    expect((await getUnit(w.db, 'maintenance-office'))!.headUserId).to.equal(null);
    // 黄磊 is disabled: no longer an actor
    expect(await actorOf(w.db, 'staff3')).to.equal(undefined);
    // 孙网 lost the information centre role
    expect((await actorOf(w.db, 'itc'))!.groups).not.to.include('info-centre');
    // Every change is recorded with the instance and the reason
    const log = await orgChangesOf(w.db, 'staff2');
    expect(log).to.have.length(1);
    expect(log[0]).to.deep.include({ action: 'grant', instanceId: instance.id, by: 'vendor', requestedBy: 'head', detail: { groups: ['legal'] } });
    expect((log[0].approvedBy as Array<{ element: string; by: string }>).map((a) => [a.element, a.by])).to.deep.equal([
      ['Task_LeaderApproval', 'leader'],
      ['Task_Filing', 'supervisor'],
      ['Task_VendorApply', 'vendor'],
    ]);
    expect(log[0].reason).to.contain('大队内部岗位调整');
  });

  it('bureau-leader branch: backed by the written document, which supervision verifies instead of a leader approval', async () => {
    const { instance } = await w.start('user-role-change', 'supervisor', {
      branch: 'leader',
      docNumber: '常民防〔2026〕12号',
      docIssuer: 'bureau-party',
      docDate: '2026-11-20',
      changes: [{ op: 'create', userId: 'leader3', displayName: '周敏', unitId: 'leadership', title: '副局长', groups: ['staff', 'leaders'] }],
    });
    expect(await w.open(instance.id)).to.deep.equal(['Task_VerifyDocument']);
    // The starter is a supervision officer: a colleague verifies the document and files it
    await expectError(w.engine.complete((await w.task(instance.id, 'Task_VerifyDocument')).id, { by: await w.as('supervisor'), variables: approve }), 'SEPARATION_OF_DUTIES');
    await w.complete(instance.id, 'Task_VerifyDocument', 'supervisor2', { decision: 'approve', comment: '已核对党委文件原件' });
    await expectError(w.engine.complete((await w.task(instance.id, 'Task_Filing')).id, { by: await w.as('supervisor'), variables: approve }), 'SEPARATION_OF_DUTIES');
    await w.complete(instance.id, 'Task_Filing', 'supervisor2', approve);
    await w.complete(instance.id, 'Task_VendorApply', 'vendor', { applied: true, vendorNote: '已新增' });
    expect((await actorOf(w.db, 'leader3'))!.groups).to.deep.equal(['leaders', 'staff']);
    const [created] = await orgChangesOf(w.db, 'leader3');
    expect(created.reason).to.contain('常民防〔2026〕12号').and.to.contain('中共常州市民防局党委');
    // Who asked and who approved are recorded with the change
    expect(created.requestedBy).to.equal('supervisor');
    expect((created.approvedBy as Array<{ element: string; by: string }>).map((a) => [a.element, a.by])).to.deep.equal([
      ['Task_VerifyDocument', 'supervisor2'],
      ['Task_Filing', 'supervisor2'],
      ['Task_VendorApply', 'vendor'],
    ]);
    expect((await w.engine.history(instance.id)).some((h) => h.elementId === 'Task_LeaderApproval')).to.equal(false);
  });

  it('bureau-leader branch with a document supervision cannot verify: returned to the applicant, no role granted', async () => {
    // Given an ordinary applicant who claims the leader branch to skip the leader's approval
    const { instance } = await w.start('user-role-change', 'staff', {
      branch: 'leader',
      docNumber: '常民防〔2026〕99号',
      docIssuer: 'bureau',
      docDate: '2026-11-20',
      changes: [{ op: 'grant', userId: 'staff', groups: ['supervision', 'leaders'] }],
    });
    // Then it does not reach filing or the vendor before supervision has verified the document
    expect(await w.open(instance.id)).to.deep.equal(['Task_VerifyDocument']);
    await w.complete(instance.id, 'Task_VerifyDocument', 'supervisor', { decision: 'reject', comment: '局办公室无此文号，无法核实' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Revise']);
    await w.complete(instance.id, 'Task_Revise', 'staff', { action: 'withdraw', withdrawReason: '撤回' });
    expect((await actorOf(w.db, 'staff'))!.groups).to.deep.equal(['staff']);
    expect(await orgChangesOf(w.db, 'staff')).to.deep.equal([]);
  });

  it('returns a rejection to the applicant at the leader and at filing; the applicant revises, then withdraws', async () => {
    const request = department([{ op: 'grant', userId: 'staff', groups: ['unit-contacts'] }]);
    const { instance } = await w.start('user-role-change', 'head', request);
    await w.complete(instance.id, 'Task_LeaderApproval', 'leader2', { decision: 'reject', comment: '请说明联络员职责' });
    expect((await w.task(instance.id, 'Task_Revise')).assignee).to.equal('head');
    expect((await w.variables(instance.id)).comment).to.equal('请说明联络员职责');
    await w.complete(instance.id, 'Task_Revise', 'head', { ...request, action: 'revise', reason: '张明任大队平台联络员，定期登录并提醒待办（第五条）' });
    await w.complete(instance.id, 'Task_LeaderApproval', 'leader2', approve);
    await w.complete(instance.id, 'Task_Filing', 'supervisor', { decision: 'reject', comment: '联络员已由单位负责人指定，无需授予角色' });
    expect((await w.variables(instance.id)).comment).to.contain('无需授予角色');
    await w.complete(instance.id, 'Task_Revise', 'head', { action: 'withdraw', withdrawReason: '同意监察室意见' });
    expect(await w.status(instance.id)).to.equal('completed');
    expect((await actorOf(w.db, 'staff'))!.groups).not.to.include('unit-contacts');
  });

  it('returns a people list that cannot be applied, naming each problem', async () => {
    const { instance } = await w.start(
      'user-role-change',
      'head',
      department([
        { op: 'grant', userId: 'nobody', groups: ['legal'] },
        { op: 'create', userId: 'head', displayName: '重名', unitId: 'inspection-brigade', groups: [] },
        { op: 'revoke', userId: 'staff', groups: ['legal'] },
      ]),
    );
    expect(await w.open(instance.id)).to.deep.equal(['Task_Revise']);
    const comment = String((await w.variables(instance.id)).comment);
    expect(comment).to.contain('第 1 行（授予角色 nobody）：用户不存在');
    expect(comment).to.contain('第 2 行（新增用户 head）：用户名已存在');
    expect(comment).to.contain('第 3 行（撤销角色 staff）：用户没有角色“legal”');
  });

  it('refuses bad form data per field (the people list row by row) and starts nothing', async () => {
    const before = (await w.engine.listInstances({ processKey: 'user-role-change' })).total;
    const rows = await expectError(
      w.engine.start('user-role-change', { by: await w.as('head'), variables: department([{ op: 'grant', userId: 'Zhang San', groups: ['legal'] }, { op: 'fly', userId: 'ok-user' }]) }),
      'VALIDATION_FAILED',
    );
    expect(rows.details.map((d: { field: string }) => d.field)).to.deep.equal(['changes[0].userId', 'changes[1].op']);
    const doc = await expectError(
      w.engine.start('user-role-change', { by: await w.as('supervisor'), variables: { branch: 'leader', docNumber: '12号', docIssuer: 'bureau', docDate: '2026-11-20', changes: [] } }),
      'VALIDATION_FAILED',
    );
    expect(doc.details).to.deep.equal([{ field: 'docNumber', message: '“文件文号”格式不正确' }]);
    expect((await w.engine.listInstances({ processKey: 'user-role-change' })).total).to.equal(before);
  });

  it('keeps the applying leader off their own approval and outsiders off filing', async () => {
    const { instance } = await w.start('user-role-change', 'leader', department([{ op: 'grant', userId: 'staff', groups: ['unit-contacts'] }]));
    const approval = await w.task(instance.id, 'Task_LeaderApproval');
    await expectError(w.engine.claim(approval.id, { by: await w.as('leader') }), 'SEPARATION_OF_DUTIES');
    await w.complete(instance.id, 'Task_LeaderApproval', 'leader2', approve);
    const filing = await w.task(instance.id, 'Task_Filing');
    await expectError(w.engine.claim(filing.id, { by: await w.as('staff') }), 'NOT_CANDIDATE');
    await expectError(w.engine.claim(filing.id, { by: await w.as('vendor') }), 'NOT_CANDIDATE');
  });
});
