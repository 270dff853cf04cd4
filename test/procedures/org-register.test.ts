import { expect } from 'chai';
import { orgFunctions } from '../../src/domain/org-expressions.ts';
import { unitRoles } from '../../src/domain/supervision/unit-work.ts';
import { registerFindings } from '../../src/domain/supervision/register.ts';
import { groupsOf, getUnit, orgChangesOf, organisationSnapshot } from '../../src/store/org.ts';
import { world, type World } from '../helpers/procedures.ts';

/**
 * The organisation register (heads, contact persons, leaders in charge, 执法证) is data kept by the
 * Art. 9 user-role change procedure, and the compliance report reads it (issue 17, item 3).
 */
describe('procedure: the organisation register kept by the user-role change (Art. 5, 9)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const approve = { decision: 'approve', comment: '同意' };
  const throughProcedure = async (changes: unknown[]) => {
    const { instance } = await w.start('user-role-change', 'head', { branch: 'department', unitId: 'inspection-brigade', reason: '大队确定联络员、调整执法证和分管领导', changes });
    return instance.id;
  };

  it('flags in the report the units without a head or contact person, and expired certificates', async () => {
    // Given the demo register: four units name no contact person
    const findings = await registerFindings(w.db, w.clock.now());
    expect(findings).to.deep.equal([{ status: 'attention', text: '4 个单位没有联络员：办公室、政策法规处、维管处、民投公司' }]);
  });

  it('appoints a contact person, records and withdraws 执法证 and names a leader in charge only through an approved change', async () => {
    // When the brigade's head asks for the changes and they are approved, filed and applied
    const id = await throughProcedure([
      { op: 'contact', userId: 'staff2' },
      { op: 'certify', userId: 'staff2', certNumber: '苏执 0400-2026-0199', certScope: '人民防空行政执法', certExpires: '2026-11-15' },
      { op: 'uncertify', userId: 'head' },
      { op: 'leader', userId: 'leader2', unitId: 'inspection-brigade' },
    ]);
    expect(String((await w.variables(id)).changesSummary)).to.contain('登记执法证：李娜（staff2）');
    // Nothing changed before the vendor applies
    expect((await getUnit(w.db, 'inspection-brigade'))!.contactUserId).to.equal('staff');
    await w.complete(id, 'Task_LeaderApproval', 'leader', approve);
    await w.complete(id, 'Task_Filing', 'supervisor', { decision: 'approve', comment: '已备案' });
    await w.complete(id, 'Task_VendorApply', 'vendor', { applied: true, vendorNote: '已按名单调整' });
    expect(await w.status(id)).to.equal('completed');
    // Then the appointed contact person is the unit's contact (isContact true) with the contacts' role
    const brigade = await getUnit(w.db, 'inspection-brigade');
    expect(unitRoles(brigade, 'staff2')).to.deep.equal({ isHead: false, isContact: true });
    expect(await groupsOf(w.db, 'staff2')).to.include('unit-contacts');
    expect(brigade!.leaderUserId).to.equal('leader2');
    // And the organisation expressions follow the register at once
    const fns = orgFunctions(await organisationSnapshot(w.db), w.clock.now());
    expect(fns.leaderInChargeOf('inspection-brigade')).to.equal('leader2');
    expect((fns.certifiedOfficersIn('inspection-brigade') as string[]).sort()).to.deep.equal(['staff', 'staff3']);
    // Every change is recorded with its instance
    expect((await orgChangesOf(w.db, 'head')).map((c) => [c.action, c.instanceId])).to.deep.include(['uncertify', id]);
    // The report flags the certificate that has expired (staff2's, 2026-11-15)
    const findings = await registerFindings(w.db, w.clock.now());
    expect(findings[1]).to.deep.equal({ status: 'attention', text: '1 名人员的执法证已过期：李娜（苏执 0400-2026-0199，2026-11-15 到期）' });
  });

  it('returns a list that names a head of another unit or an incomplete certificate, and changes nothing', async () => {
    const before = await organisationSnapshot(w.db);
    const id = await throughProcedure([
      { op: 'head', userId: 'engineer', unitId: 'inspection-brigade' },
      { op: 'certify', userId: 'staff3', certNumber: '苏执 1', certScope: '' },
      { op: 'leader', userId: 'staff', unitId: 'inspection-brigade' },
    ]);
    const v = await w.variables(id);
    expect(v.changesValid).to.equal(false);
    expect(String(v.comment)).to.contain('任命单位负责人须为监察大队的人员');
    expect(String(v.comment)).to.contain('须填写执法范围');
    expect(String(v.comment)).to.contain('分管局领导须为局领导');
    expect(await organisationSnapshot(w.db)).to.deep.equal(before);
  });
});
