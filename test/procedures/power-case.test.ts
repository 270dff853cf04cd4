import { expect } from 'chai';
import { startItemCase } from '../../src/domain/catalog.ts';
import { grant } from '../../src/store/org.ts';
import { listPowerRecords } from '../../src/store/records.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/** The general item procedure: licences, levies, inspections and other catalog items run online. */
describe('procedure: general item case (power-case.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const application = {
    partyType: 'organisation',
    partyName: '常州新城房地产开发有限公司',
    partyCreditCode: '91320400MA1Q3RTY0A',
    partyAddress: '常州市天宁区青龙东路8号',
    contactPhone: '13912345678',
    projectName: '青龙地块住宅项目',
    applicationSummary: '项目所在地块地质条件复杂，不宜修建防空地下室，申请易地建设',
    materialsComplete: true,
  };

  it('accepts, reviews in the responsible office, decides by the leader, delivers, and records the operation', async () => {
    const { instance } = await startItemCase(w.engine, w.db, 'XK-0001', { by: await w.as('engineer'), variables: application });
    await w.settle();
    expect(await w.variables(instance.id)).to.include({ itemName: '人防工程易地建设审批', itemVersion: 1, statutoryDays: 20, promisedDays: 10, handlingGroup: 'engineering' });
    const review = await w.task(instance.id, 'Task_Review');
    expect(review.candidateGroups).to.deep.equal(['engineering']);
    // The clerk who accepted it may not review it; someone outside the office may not either
    await expectError(w.engine.claim(review.id, { by: await w.as('engineer') }), 'SEPARATION_OF_DUTIES');
    await expectError(w.engine.claim(review.id, { by: await w.as('staff') }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_Review', 'engineer-head', { decision: 'approve', comment: '材料齐全，符合易地建设条件' });
    await w.complete(instance.id, 'Task_Decide', 'leader', { grant: 'yes', decisionComment: '准予易地建设' });
    await w.complete(instance.id, 'Task_Deliver', 'engineer-head', { documentNo: '常民防审〔2026〕30号', deliveredOn: '2026-12-02' });
    expect(await w.status(instance.id)).to.equal('completed');
    const [record] = (await listPowerRecords(w.db)).filter((r) => r.instanceId === instance.id);
    expect(record).to.include({ itemCode: 'XK-0001', unitId: 'engineering-office', caseNo: instance.businessKey, enteredBy: 'engineer', result: '准予（常民防审〔2026〕30号）' });
  });

  it('routes an item of a unit without its own role to the unit heads; supervision opens it on the unit\'s behalf (audited), revises, then withdraws', async () => {
    const inspection = { ...application, projectName: '万达广场人防工程', applicationSummary: '第四季度公用人防工程维护管理监督检查' };
    const { instance } = await startItemCase(w.engine, w.db, 'JC-0001', { by: await w.as('supervisor'), variables: inspection });
    await w.settle();
    // The head of the maintenance office, not every unit head
    expect((await w.task(instance.id, 'Task_Review'))).to.deep.include({ candidateGroups: [], candidateUsers: ['maint'] });
    await expectError(w.engine.claim((await w.task(instance.id, 'Task_Review')).id, { by: await w.as('invest') }), 'NOT_CANDIDATE');
    expect(await w.db('audit_log').where({ action: 'power-item.start-on-behalf', instance_id: instance.id }).select('actor')).to.deep.equal([{ actor: 'supervisor' }]);
    await w.complete(instance.id, 'Task_Review', 'maint', { decision: 'reject', comment: '请补充检查方案' });
    expect((await w.task(instance.id, 'Task_Revise')).assignee).to.equal('supervisor');
    await w.complete(instance.id, 'Task_Revise', 'supervisor', { ...inspection, action: 'revise', applicationSummary: '第四季度公用人防工程维护管理监督检查（附检查方案）' });
    await w.complete(instance.id, 'Task_Review', 'maint', { decision: 'reject', comment: '本季度检查已由区局完成' });
    await w.complete(instance.id, 'Task_Revise', 'supervisor', { action: 'withdraw', withdrawReason: '区局已完成检查' });
    expect(await w.status(instance.id)).to.equal('completed');
    expect((await listPowerRecords(w.db)).some((r) => r.instanceId === instance.id)).to.equal(false);
  });

  it('gives the decision to the leader in charge of the item\'s unit only, and refuses incomplete applications per field', async () => {
    await grant(w.db, 'engineer-head', 'leaders', 'test', w.clock.now());
    const { instance } = await startItemCase(w.engine, w.db, 'QT-0001', { by: await w.as('engineer'), variables: { ...application, applicationSummary: '人防工程竣工验收备案申请' } });
    await w.settle();
    await w.complete(instance.id, 'Task_Review', 'engineer-head', { decision: 'approve', comment: '同意' });
    const decideTask = await w.task(instance.id, 'Task_Decide');
    expect(decideTask.candidateUsers).to.deep.equal(['leader']);
    // Neither the reviewer (even holding the leaders' role) nor a leader not in charge of the engineering office
    await expectError(w.engine.claim(decideTask.id, { by: await w.as('engineer-head') }), 'NOT_CANDIDATE');
    await expectError(w.engine.claim(decideTask.id, { by: await w.as('leader2') }), 'NOT_CANDIDATE');
    const err = await expectError(startItemCase(w.engine, w.db, 'XK-0002', { by: await w.as('engineer'), variables: { ...application, materialsComplete: false, contactPhone: '123' } }), 'VALIDATION_FAILED');
    expect(err.details.map((d: { field: string }) => d.field)).to.have.members(['contactPhone', 'materialsComplete']);
  });
});
