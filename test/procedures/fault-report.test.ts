import { expect } from 'chai';
import { beijingDay, parseFaultTime, sameDayCheck } from '../../src/domain/faults.ts';
import { listCases } from '../../src/store/accountability.ts';
import { faultOfInstance } from '../../src/store/faults.ts';
import { expectError } from '../helpers/expect.ts';
import { START, world, type World } from '../helpers/procedures.ts';

/** Art. 10: faults are reported the same day (Beijing time); late reports are the reporter's. */
describe('procedure: fault report (fault-report.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });
  afterEach(() => w.clock.set(START));

  const report = (occurredAt: string, extra: Record<string, unknown> = {}) => ({
    device: 'computer',
    assetNo: 'CZMF-PC-0123',
    occurredAt,
    description: '开机后蓝屏，无法登录内控平台',
    contactPhone: '8123',
    ...extra,
  });
  const repaired = { repairResult: 'repaired', repairNote: '更换内存条，系统恢复正常' };

  it('a same-day report: the information centre repairs, the reporter confirms, nobody is responsible', async () => {
    // Monday 30 November 2026, 09:00: 张明's computer failed at 08:30
    const { instance } = await w.start('fault-report', 'staff', report('2026-11-30T08:30+08:00'));
    expect(await w.variables(instance.id)).to.include({ timeValid: true, sameDay: true, lateReport: false });
    const repair = await w.task(instance.id, 'Task_Repair');
    expect(repair.candidateGroups).to.deep.equal(['info-centre']);
    await expectError(w.engine.claim(repair.id, { by: await w.as('staff2') }), 'NOT_CANDIDATE');
    await w.engine.claim(repair.id, { by: await w.as('itc') });
    await w.complete(instance.id, 'Task_Repair', 'itc', repaired);
    const confirm = await w.task(instance.id, 'Task_Confirm');
    expect(confirm.assignee).to.equal('staff');
    await expectError(w.engine.complete(confirm.id, { by: await w.as('itc'), variables: { resolved: 'yes' } }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_Confirm', 'staff', { resolved: 'yes' });
    expect(await w.status(instance.id)).to.equal('completed');
    const fault = await faultOfInstance(w.db, instance.id);
    expect(fault).to.include({ reporter: 'staff', unitId: 'inspection-brigade', sameDay: true, responsibility: null, status: 'closed', repairedBy: 'itc', accountability: 'none' });
    expect(fault!.occurredAt).to.equal(Date.parse('2026-11-30T00:30:00Z'));
  });

  it('a late report that affected online operation is the reporter’s responsibility and opens an accountability case', async () => {
    // The fault happened on Sunday afternoon, reported on Monday morning
    const { instance } = await w.start('fault-report', 'staff2', report('2026-11-29T16:00+08:00', { device: 'usb-key', assetNo: undefined }));
    const v = await w.variables(instance.id);
    expect(v).to.include({ sameDay: false, lateReport: true });
    expect(v.responsibility).to.contain('未在故障发生当天（2026-11-29）报修').and.to.contain('由报修人负责');
    expect((await faultOfInstance(w.db, instance.id))!.responsibility).to.equal(v.responsibility);
    await w.complete(instance.id, 'Task_Repair', 'itc-head', { repairResult: 'replaced', repairNote: '数字证书U盘损坏，已重新制发', affectedOperation: true });
    await w.complete(instance.id, 'Task_Confirm', 'staff2', { resolved: 'yes' });
    expect(await w.variables(instance.id)).to.include({ accountabilityOpened: true });
    const fault = (await faultOfInstance(w.db, instance.id))!;
    expect(fault).to.include({ affectedOperation: true, accountability: 'opened' });
    // The message started the accountability review (after the step committed), for 李娜
    const reviews = await w.engine.listInstances({ processKey: 'accountability-review' });
    const review = reviews.rows.find((r) => r.businessKey === `FAULT-${fault.id}`)!;
    expect(review).to.include({ startEventId: 'StartEvent_Message', status: 'running' });
    expect(await w.open(review.id)).to.deep.equal(['Task_Draft']);
    const [c] = (await listCases(w.db, { userId: 'staff2' })).filter((x) => x.instanceId === review.id);
    expect(c).to.include({ category: 5, subjectKind: 'person', unitId: 'inspection-brigade', source: 'fault-report', sourceRef: fault.id, status: 'open' });
    expect(c.facts).to.contain('U盘（数字证书）故障未在当天报修');
  });

  it('a late report that did not affect operation is flagged but opens no case', async () => {
    const cases = (await listCases(w.db)).length;
    const { instance } = await w.start('fault-report', 'engineer', report('2026-11-27T17:30+08:00', { device: 'webcam', assetNo: 'CZMF-CAM-0007' }));
    await w.complete(instance.id, 'Task_Repair', 'itc', { ...repaired, affectedOperation: false });
    await w.complete(instance.id, 'Task_Confirm', 'engineer', { resolved: 'yes' });
    expect(await faultOfInstance(w.db, instance.id)).to.include({ sameDay: false, affectedOperation: false, accountability: 'none' });
    expect((await listCases(w.db)).length).to.equal(cases);
  });

  it('goes back to the information centre when the reporter says it is not fixed', async () => {
    const { instance } = await w.start('fault-report', 'staff', report('2026-11-30T08:50+08:00', { device: 'network', assetNo: undefined }));
    await w.complete(instance.id, 'Task_Repair', 'itc', { repairResult: 'repaired', repairNote: '重启交换机' });
    await w.complete(instance.id, 'Task_Confirm', 'staff', { resolved: 'no', confirmComment: '下午仍然断网' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Repair']);
    expect((await w.variables(instance.id)).confirmComment).to.equal('下午仍然断网');
    await w.complete(instance.id, 'Task_Repair', 'itc-head', { repairResult: 'replaced', repairNote: '更换楼层交换机端口模块' });
    await w.complete(instance.id, 'Task_Confirm', 'staff', { resolved: 'yes' });
    expect(await faultOfInstance(w.db, instance.id)).to.include({ status: 'closed', repairedBy: 'itc-head', repairNote: '更换楼层交换机端口模块' });
  });

  it('asks the reporter to correct a fault time later than the report', async () => {
    const { instance } = await w.start('fault-report', 'staff', report('2026-11-30T15:00+08:00'));
    expect(await w.variables(instance.id)).to.include({ timeValid: false });
    expect((await w.task(instance.id, 'Task_CorrectTime')).assignee).to.equal('staff');
    expect(await faultOfInstance(w.db, instance.id)).to.equal(undefined);
    // A time without an offset is Beijing wall-clock time
    await w.complete(instance.id, 'Task_CorrectTime', 'staff', { occurredAt: '2026-11-30T07:45' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Repair']);
    expect((await faultOfInstance(w.db, instance.id))!.occurredAt).to.equal(Date.parse('2026-11-30T07:45:00+08:00'));
  });

  it('judges "the same day" in Beijing time, not UTC', async () => {
    // 23:30 and 00:10 Beijing are one UTC day but two Beijing days: late
    w.clock.set(Date.parse('2026-12-01T00:10:00+08:00'));
    const late = await w.start('fault-report', 'staff', report('2026-11-30T23:30+08:00'));
    expect(await w.variables(late.instance.id)).to.include({ sameDay: false });
    // 00:05 and 23:50 Beijing are two UTC days but one Beijing day: on time
    w.clock.set(Date.parse('2026-12-01T23:50:00+08:00'));
    const onTime = await w.start('fault-report', 'staff', report('2026-11-30T16:05Z'));
    expect(await w.variables(onTime.instance.id)).to.include({ sameDay: true });
    expect(beijingDay(Date.parse('2026-11-30T16:05Z'))).to.equal('2026-12-01');
    expect(sameDayCheck(parseFaultTime('not a time'), START)).to.deep.equal({ timeValid: false, sameDay: false, responsibility: null });
  });

  it('refuses a report with missing or malformed fields, per field, and starts nothing', async () => {
    const before = (await w.engine.listInstances({ processKey: 'fault-report' })).total;
    const err = await expectError(
      w.engine.start('fault-report', { by: await w.as('staff'), variables: { device: 'other', occurredAt: '2026-11-30T08:00+08:00', contactPhone: 'abc' } }),
      'VALIDATION_FAILED',
    );
    expect(err.details.map((d: { field: string }) => d.field)).to.have.members(['deviceOther', 'description', 'contactPhone']);
    const bad = await expectError(w.engine.start('fault-report', { by: await w.as('staff'), variables: report('昨天下午') }), 'VALIDATION_FAILED');
    expect(bad.details).to.deep.equal([{ field: 'occurredAt', message: '“故障发生日期”不是有效的日期/时间' }]);
    expect((await w.engine.listInstances({ processKey: 'fault-report' })).total).to.equal(before);
  });
});
