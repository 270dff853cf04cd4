import { expect } from 'chai';
import { startItemCase } from '../../src/domain/catalog.ts';
import { getItem, itemVersions, listItems } from '../../src/store/catalog.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/** Art. 8: items, their procedures and discretion standards change only through this procedure. */
describe('procedure: item change (item-change.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const ground = {
    legalGround: 'law-amended',
    groundDocument: '《中华人民共和国人民防空法》第二十二条',
    sunshineRef: 'CZSHY-2026-000123',
    sunshineDate: '2026-11-25',
    reason: '根据市政府法制办审定的新版行政权力职权目录调整本事项',
  };
  const newItem = {
    name: '人防工程防护设备质量检测机构备案',
    category: '其他',
    unitId: 'engineering-office',
    legalBasis: '《人民防空工程防护设备产品与安装质量检测管理办法》',
    statutoryDays: 15,
    promisedDays: 5,
    processKey: 'power-case',
  };
  const approve = { decision: 'approve', comment: '同意' };

  /** Legal review, leader approval, filing and the vendor, each by the right person. */
  async function approveAll(id: string) {
    await w.complete(id, 'Task_LegalReview', 'legal', approve);
    await w.complete(id, 'Task_LeaderApproval', 'leader', approve);
    await w.complete(id, 'Task_Filing', 'supervisor', { decision: 'approve', comment: '予以备案' });
    await w.complete(id, 'Task_VendorApply', 'vendor', { applied: true, vendorNote: '已在平台调整' });
  }

  it('adds a new item after legal review, approval, filing and the vendor: version 1 with who, why and the approvals', async () => {
    // Given an engineering officer who has made the change on the 三合一 platform
    const { instance } = await w.start('item-change', 'engineer', { ...ground, changeType: 'add', itemCode: 'QT-0002', newItem });
    // Then the change is checked and waits for the policy & regulations office
    expect(await w.open(instance.id)).to.deep.equal(['Task_LegalReview']);
    expect((await w.task(instance.id, 'Task_LegalReview')).dueAt).to.be.a('number');
    // When everyone approves in turn
    await approveAll(instance.id);
    // Then the instance is done and the catalog has the item as version 1
    expect(await w.status(instance.id)).to.equal('completed');
    const item = await getItem(w.db, 'QT-0002');
    expect(item).to.include({ name: newItem.name, category: '其他', status: 'active', version: 1, processKey: 'power-case', promisedDays: 5 });
    const [v1] = await itemVersions(w.db, 'QT-0002');
    expect(v1).to.include({ changeType: 'add', changedBy: 'engineer', instanceId: instance.id, sunshineRef: 'CZSHY-2026-000123', sunshineDate: '2026-11-25', legalGround: 'law-amended' });
    expect(v1.reason).to.contain('新版行政权力职权目录').and.to.contain('依据：《中华人民共和国人民防空法》');
    expect(v1.approvals.map((a) => [a.step, a.by])).to.deep.equal([
      ['Task_LegalReview', 'legal'],
      ['Task_LeaderApproval', 'leader'],
      ['Task_Filing', 'supervisor'],
      ['Task_VendorApply', 'vendor'],
    ]);
    // And the new item can be started on its procedure
    const started = await startItemCase(w.engine, w.db, 'QT-0002', {
      by: await w.as('engineer'),
      variables: {
        partyType: 'organisation',
        partyName: '江苏某检测技术有限公司',
        partyCreditCode: '91320400MA1XXXXX0D',
        partyAddress: '常州市新北区',
        contactPhone: '0519-85550000',
        projectName: '防护设备检测机构备案',
        applicationSummary: '申请人防工程防护设备质量检测机构备案',
        materialsComplete: true,
      },
    });
    await w.settle();
    expect(await w.variables(started.instance.id)).to.include({ itemName: newItem.name, itemVersion: 1, promisedDays: 5, handlingGroup: 'engineering' });
  });

  it('changes an item (a new version, the old one kept), its procedure note, and a penalty discretion standard', async () => {
    // change-info: a shorter promised time limit
    const a = await w.start('item-change', 'engineer', { ...ground, changeType: 'change-info', itemCode: 'XK-0001', itemPatch: { promisedDays: 7 } });
    await approveAll(a.instance.id);
    expect(await getItem(w.db, 'XK-0001')).to.include({ version: 2, promisedDays: 7, statutoryDays: 20 });
    const versions = await itemVersions(w.db, 'XK-0001');
    expect(versions.map((v) => [v.version, v.changeType, v.snapshot.promisedDays])).to.deep.equal([
      [1, 'create', 10],
      [2, 'change-info', 7],
    ]);

    // change-procedure: the procedure was revised (same binding, with what changed)
    const b = await w.start('item-change', 'engineer', {
      ...ground,
      changeType: 'change-procedure',
      itemCode: 'XK-0002',
      newProcessKey: 'power-case',
      procedureNote: '审查环节增加现场勘验',
    });
    await approveAll(b.instance.id);
    const [, v2] = await itemVersions(w.db, 'XK-0002');
    expect(v2).to.include({ changeType: 'change-procedure', instanceId: b.instance.id });
    expect(v2.reason).to.contain('流程变更：审查环节增加现场勘验');

    // change-discretion: new tiers for a penalty item
    const tiers = [
      { code: 'org-light', name: '单位·轻微', partyType: 'organisation', condition: '拆除面积50平方米以下，限期内补建', min: 10000, max: 15000 },
      { code: 'org-serious', name: '单位·严重', partyType: 'organisation', condition: '其他情形', min: 15000, max: 50000 },
      { code: 'person', name: '个人', partyType: 'person', condition: '个人擅自拆除', min: 0, max: 5000 },
    ];
    const c = await w.start('item-change', 'staff', { ...ground, changeType: 'change-discretion', itemCode: 'CF-0001', majorAmount: 40000, tiers });
    await approveAll(c.instance.id);
    const penalty = (await getItem(w.db, 'CF-0001'))!;
    expect(penalty.version).to.equal(2);
    expect(penalty.discretion!.majorAmount).to.equal(40000);
    expect(penalty.discretion!.tiers.map((t) => t.code)).to.deep.equal(['org-light', 'org-serious', 'person']);
    const old = (await itemVersions(w.db, 'CF-0001'))[0];
    expect(old.snapshot.discretion!.tiers).to.have.length(6);
  });

  it('retires an item without deleting it: retired items cannot be started, every version stays', async () => {
    const { instance } = await w.start('item-change', 'engineer', { ...ground, legalGround: 'power-adjusted', changeType: 'retire', itemCode: 'ZS-0001' });
    await approveAll(instance.id);
    const item = await getItem(w.db, 'ZS-0001');
    expect(item).to.include({ status: 'retired', version: 2 });
    expect((await listItems(w.db, { status: 'active' })).map((i) => i.code)).not.to.include('ZS-0001');
    expect((await itemVersions(w.db, 'ZS-0001')).map((v) => v.changeType)).to.deep.equal(['create', 'retire']);
    await expectError(startItemCase(w.engine, w.db, 'ZS-0001', { by: await w.as('engineer') }), 'ITEM_RETIRED');
    await expectError(startItemCase(w.engine, w.db, 'XK-9999', { by: await w.as('engineer') }), 'ITEM_NOT_FOUND');
    // A started process refuses a retired item too (someone bypassing startItemCase)
    const direct = await w.start('power-case', 'engineer', {
      itemCode: 'ZS-0001',
      partyType: 'person',
      partyName: '李某',
      partyIdCard: '320402198001011234',
      partyAddress: '常州市天宁区',
      contactPhone: '13800000000',
      projectName: '住宅',
      applicationSummary: '缴纳防空地下室易地建设费',
      materialsComplete: true,
    });
    expect(await w.status(direct.instance.id)).to.equal('completed');
    expect(await w.variables(direct.instance.id)).to.include({ itemValid: false });
    // And a retired item cannot be changed again
    const again = await w.start('item-change', 'engineer', { ...ground, changeType: 'change-info', itemCode: 'ZS-0001', itemPatch: { promisedDays: 3 } });
    expect(await w.open(again.instance.id)).to.deep.equal(['Task_Revise']);
    expect((await w.variables(again.instance.id)).comment).to.contain('已取消');
  });

  it('returns a rejected request to the applicant with the comment at each review step; they revise and resubmit', async () => {
    const app = { ...ground, changeType: 'change-info', itemCode: 'JC-0001', itemPatch: { statutoryDays: 25 } };
    const { instance } = await w.start('item-change', 'engineer', app);
    // Legal review rejects
    await w.complete(instance.id, 'Task_LegalReview', 'legal', { decision: 'reject', comment: '请补充法律依据条款' });
    const revise = await w.task(instance.id, 'Task_Revise');
    expect(revise.assignee).to.equal('engineer');
    expect((await w.variables(instance.id)).comment).to.equal('请补充法律依据条款');
    // Only the applicant may act on it
    await expectError(w.engine.complete(revise.id, { by: await w.as('staff'), variables: { action: 'withdraw', withdrawReason: '无' } }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_Revise', 'engineer', { ...app, action: 'revise', groundDocument: '《中华人民共和国人民防空法》第二十五条' });
    // The leader rejects
    await w.complete(instance.id, 'Task_LegalReview', 'legal', approve);
    await w.complete(instance.id, 'Task_LeaderApproval', 'leader2', { decision: 'reject', comment: '时限调整理由不充分' });
    expect((await w.variables(instance.id)).comment).to.equal('时限调整理由不充分');
    await w.complete(instance.id, 'Task_Revise', 'engineer', { ...app, action: 'revise', reason: '检查范围扩大至全市公用人防工程，需延长法定时限' });
    // The supervision office rejects the filing
    await w.complete(instance.id, 'Task_LegalReview', 'legal', approve);
    await w.complete(instance.id, 'Task_LeaderApproval', 'leader', approve);
    await w.complete(instance.id, 'Task_Filing', 'supervisor2', { decision: 'reject', comment: '“三合一”平台变更单号与变更内容不符' });
    await w.complete(instance.id, 'Task_Revise', 'engineer', { ...app, action: 'revise', sunshineRef: 'CZSHY-2026-000456' });
    expect(await getItem(w.db, 'JC-0001')).to.include({ version: 1, statutoryDays: 30 });
    // Third time through: applied
    await approveAll(instance.id);
    expect(await getItem(w.db, 'JC-0001')).to.include({ version: 2, statutoryDays: 25 });
    const v2 = (await itemVersions(w.db, 'JC-0001'))[1];
    expect(v2.sunshineRef).to.equal('CZSHY-2026-000456');
    expect(v2.approvals.filter((a) => a.decision === 'reject').map((a) => a.step)).to.deep.equal(['Task_LegalReview', 'Task_LeaderApproval', 'Task_Filing']);
  });

  it('lets the applicant withdraw a returned request; the catalog does not change', async () => {
    const { instance } = await w.start('item-change', 'engineer', { ...ground, changeType: 'retire', itemCode: 'QT-0001' });
    await w.complete(instance.id, 'Task_LegalReview', 'legal', { decision: 'reject', comment: '该事项仍在法定职权目录中' });
    await w.complete(instance.id, 'Task_Revise', 'engineer', { action: 'withdraw', withdrawReason: '经核实不需取消' });
    expect(await w.status(instance.id)).to.equal('completed');
    const ends = (await w.engine.history(instance.id)).filter((h) => h.type === 'activity.end' && h.elementId === 'EndEvent_Withdrawn');
    expect(ends).to.have.length(1);
    expect(await getItem(w.db, 'QT-0001')).to.include({ status: 'active', version: 1 });
  });

  it('returns a change that cannot be applied: an add with a code in use, a discretion change of a non-penalty item', async () => {
    const taken = await w.start('item-change', 'engineer', { ...ground, changeType: 'add', itemCode: 'XK-0001', newItem: { ...newItem, category: '行政许可' } });
    expect(await w.open(taken.instance.id)).to.deep.equal(['Task_Revise']);
    expect((await w.variables(taken.instance.id)).comment).to.contain('已被“人防工程易地建设审批”使用');
    const wrongPrefix = await w.start('item-change', 'engineer', { ...ground, changeType: 'add', itemCode: 'XK-0100', newItem });
    expect((await w.variables(wrongPrefix.instance.id)).comment).to.contain('应以 QT- 开头');
    const tiers = [{ code: 'a', name: '一般', partyType: 'person', condition: '一般情形', min: 0, max: 100 }];
    const notPenalty = await w.start('item-change', 'engineer', { ...ground, changeType: 'change-discretion', itemCode: 'XK-0002', majorAmount: 100, tiers });
    expect((await w.variables(notPenalty.instance.id)).comment).to.contain('不是行政处罚事项');
  });

  it('returns an approved change the catalog no longer allows when the vendor applies it', async () => {
    // Two requests about one item run at once; the retirement lands first
    const change = await w.start('item-change', 'engineer', { ...ground, changeType: 'change-info', itemCode: 'QT-0001', itemPatch: { promisedDays: 3 } });
    const retire = await w.start('item-change', 'engineer-head', { ...ground, changeType: 'retire', itemCode: 'QT-0001' });
    await approveAll(retire.instance.id);
    await w.complete(change.instance.id, 'Task_LegalReview', 'legal', approve);
    await w.complete(change.instance.id, 'Task_LeaderApproval', 'leader', approve);
    await w.complete(change.instance.id, 'Task_Filing', 'supervisor', approve);
    await w.complete(change.instance.id, 'Task_VendorApply', 'vendor', { applied: true, vendorNote: '调整' });
    expect(await w.open(change.instance.id)).to.deep.equal(['Task_Revise']);
    expect((await w.variables(change.instance.id)).comment).to.contain('目录未能更新').and.to.contain('已取消');
    expect(await getItem(w.db, 'QT-0001')).to.include({ status: 'retired', version: 2 });
  });

  it('refuses an application missing a required field or breaking a pattern, field by field, and starts nothing', async () => {
    const before = (await w.engine.listInstances({ processKey: 'item-change' })).total;
    const missing = await expectError(w.engine.start('item-change', { by: await w.as('engineer'), variables: { ...ground, sunshineRef: undefined, changeType: 'retire', itemCode: 'QT-0001' } }), 'VALIDATION_FAILED');
    expect(missing.details).to.deep.equal([{ field: 'sunshineRef', message: '“三合一平台变更单号”为必填项' }]);
    const bad = await expectError(
      w.engine.start('item-change', { by: await w.as('engineer'), variables: { ...ground, sunshineRef: '2026-123', changeType: 'add', itemCode: 'XK1', newItem: { ...newItem, statutoryDays: 0 } } }),
      'VALIDATION_FAILED',
    );
    expect(bad.details.map((d: { field: string }) => d.field)).to.have.members(['itemCode', 'sunshineRef', 'newItem.statutoryDays']);
    expect((await w.engine.listInstances({ processKey: 'item-change' })).total).to.equal(before);
  });

  it('keeps the applicant off their own review and outsiders off the task', async () => {
    // The head of the legal office asks for a change: someone else in the office must review it
    const { instance } = await w.start('item-change', 'legal', { ...ground, changeType: 'change-info', itemCode: 'CF-0002', itemPatch: { promisedDays: 40 } });
    const review = await w.task(instance.id, 'Task_LegalReview');
    await expectError(w.engine.claim(review.id, { by: await w.as('legal') }), 'SEPARATION_OF_DUTIES');
    await expectError(w.engine.complete(review.id, { by: await w.as('legal'), variables: approve }), 'SEPARATION_OF_DUTIES');
    await expectError(w.engine.claim(review.id, { by: await w.as('staff') }), 'NOT_CANDIDATE');
    expect(await w.open(instance.id)).to.deep.equal(['Task_LegalReview']);
  });
});
