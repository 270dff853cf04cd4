import { expect } from 'chai';
import { createPowerRecord, deletionProblems, restoreRecord } from '../../src/domain/records.ts';
import { getPowerRecord, getProject, listArchive, listPowerRecords, listProjects } from '../../src/store/records.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/** Art. 7: entered data is deleted only on request, with the head's consent, by supervision. */
describe('procedure: data deletion (data-deletion.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const approve = { decision: 'approve', comment: '同意' };
  const request = (records: Array<[string, string]>) => ({
    records: records.map(([kind, recordId]) => ({ kind, recordId })),
    content: '重复录入的权力运行记录一条',
    reason: '同一案件被重复录入两次，删除重复的一条以保证数据准确',
  });

  it('the head agrees, supervision files and deletes: the record leaves normal queries for the archive, and supervision can restore it', async () => {
    const before = await getPowerRecord(w.db, 'QL-2026-0002');
    expect(before).to.include({ enteredBy: 'staff', unitId: 'inspection-brigade' });
    // Given 张明, who entered the record, asks for its deletion
    const { instance } = await w.start('data-deletion', 'staff', request([['power-record', 'QL-2026-0002']]));
    // Then the head of his unit (the brigade's 王建国) must agree, and only he
    const agree = await w.task(instance.id, 'Task_HeadApproval');
    expect(agree.candidateUsers).to.deep.equal(['head']);
    expect((await w.variables(instance.id)).recordsSummary).to.equal('权力运行记录 QL-2026-0002：CF-0003 王某，向公用人防工程内倾倒装修垃圾约3立方米（2026-10-09）');
    await expectError(w.engine.claim(agree.id, { by: await w.as('maint') }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_HeadApproval', 'head', approve);
    await w.complete(instance.id, 'Task_Filing', 'supervisor', { decision: 'approve', comment: '已备案' });
    // Nothing is deleted before the supervision officer performs it
    expect(await getPowerRecord(w.db, 'QL-2026-0002')).to.not.equal(undefined);
    await w.complete(instance.id, 'Task_Delete', 'supervisor2', { confirmDelete: true, deleteNote: '核对无误后删除' });
    expect(await w.status(instance.id)).to.equal('completed');
    // The record is gone from normal queries …
    expect(await getPowerRecord(w.db, 'QL-2026-0002')).to.equal(undefined);
    expect((await listPowerRecords(w.db)).map((r) => r.id)).not.to.include('QL-2026-0002');
    // … and kept in the archive with the request, the reason and the approvers
    const [entry] = await listArchive(w.db, { instanceId: instance.id });
    expect(entry).to.deep.include({ recordKind: 'power-record', recordId: 'QL-2026-0002', requestedBy: 'staff', deletedBy: 'supervisor2', status: 'archived' });
    expect(entry.reason).to.contain('重复录入');
    expect(entry.approvals.map((a) => [a.step, a.by])).to.deep.equal([
      ['Task_HeadApproval', 'head'],
      ['Task_Filing', 'supervisor'],
      ['Task_Delete', 'supervisor2'],
    ]);
    // Only supervision restores
    await expectError(restoreRecord(w.db, entry.id, { by: await w.as('staff'), reason: '想恢复', now: w.clock.now() }), 'NOT_SUPERVISION');
    await expectError(restoreRecord(w.db, entry.id, { by: await w.as('supervisor'), reason: ' ', now: w.clock.now() }), 'VALIDATION_FAILED');
    const restored = await restoreRecord(w.db, entry.id, { by: await w.as('supervisor'), reason: '经复核，该记录并非重复录入', now: w.clock.now() });
    expect(restored).to.include({ status: 'restored', restoredBy: 'supervisor' });
    expect(await getPowerRecord(w.db, 'QL-2026-0002')).to.deep.equal(before);
    await expectError(restoreRecord(w.db, entry.id, { by: await w.as('supervisor'), reason: '再次恢复', now: w.clock.now() }), 'ALREADY_RESTORED');
  });

  it('deletes a self-built project the same way and restores it exactly', async () => {
    const before = await getProject(w.db, 'ZJ-2026-002');
    expect(before).to.include({ investment: 260000, onlineRequired: false, enteredBy: 'engineer' });
    const { instance } = await w.start('data-deletion', 'engineer', { ...request([['project', 'ZJ-2026-002']]), content: '天宁片区警报器维护项目' });
    expect((await w.task(instance.id, 'Task_HeadApproval')).candidateUsers).to.deep.equal(['engineer-head']);
    await w.complete(instance.id, 'Task_HeadApproval', 'engineer-head', approve);
    await w.complete(instance.id, 'Task_Filing', 'supervisor2', approve);
    await w.complete(instance.id, 'Task_Delete', 'supervisor', { confirmDelete: true });
    expect((await listProjects(w.db)).map((p) => p.id)).not.to.include('ZJ-2026-002');
    const [entry] = await listArchive(w.db, { instanceId: instance.id });
    expect(entry.snapshot).to.include({ id: 'ZJ-2026-002', investment_fen: 26000000 });
    await restoreRecord(w.db, entry.id, { by: await w.as('supervisor2'), reason: '项目恢复实施', now: w.clock.now() });
    expect(await getProject(w.db, 'ZJ-2026-002')).to.deep.equal(before);
  });

  it('sends a unit head’s own request to the leaders in charge', async () => {
    const { instance } = await w.start('data-deletion', 'maint', { ...request([['power-record', 'QL-2026-0005']]), content: '第三季度检查记录' });
    const agree = await w.task(instance.id, 'Task_HeadApproval');
    expect(agree.candidateUsers).to.deep.equal([]);
    expect(agree.candidateGroups).to.deep.equal(['leaders']);
    await expectError(w.engine.claim(agree.id, { by: await w.as('maint') }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_HeadApproval', 'leader', { decision: 'reject', comment: '检查记录应保留' });
    await w.complete(instance.id, 'Task_Revise', 'maint', { action: 'withdraw', withdrawReason: '同意保留' });
    expect(await getPowerRecord(w.db, 'QL-2026-0005')).to.not.equal(undefined);
  });

  it('returns a rejection to the applicant at the head and at filing; the applicant revises and finally withdraws; nothing is deleted', async () => {
    const first = request([['power-record', 'QL-2026-0001']]);
    const { instance } = await w.start('data-deletion', 'staff', first);
    await w.complete(instance.id, 'Task_HeadApproval', 'head', { decision: 'reject', comment: '请写明重复的记录编号' });
    expect((await w.task(instance.id, 'Task_Revise')).assignee).to.equal('staff');
    expect((await w.variables(instance.id)).comment).to.equal('请写明重复的记录编号');
    await w.complete(instance.id, 'Task_Revise', 'staff', { ...first, action: 'revise', content: 'QL-2026-0001 与纸质台账重复' });
    await w.complete(instance.id, 'Task_HeadApproval', 'head', approve);
    await w.complete(instance.id, 'Task_Filing', 'supervisor', { decision: 'reject', comment: '处罚案件记录不得删除，如有错误请更正' });
    expect((await w.variables(instance.id)).comment).to.contain('不得删除');
    await w.complete(instance.id, 'Task_Revise', 'staff', { action: 'withdraw', withdrawReason: '改为更正' });
    expect(await w.status(instance.id)).to.equal('completed');
    expect(await getPowerRecord(w.db, 'QL-2026-0001')).to.not.equal(undefined);
    expect(await listArchive(w.db, { instanceId: instance.id })).to.have.length(0);
  });

  it('offers the applicant only the records they entered, and refuses any other on its field before anything starts', async () => {
    // Given the engineer's start form: its record picker lists the engineer's own records only.
    const engineer = await w.as('engineer');
    const mine = (await w.engine.formData('data-deletion-apply', engineer)).myRecords as Array<{ value: string; label: string }>;
    const entered = [...(await listPowerRecords(w.db, { enteredBy: 'engineer' })), ...(await listProjects(w.db, { enteredBy: 'engineer' }))].map((r) => r.id);
    expect(mine.map((o) => o.value).sort()).to.deep.equal(entered.sort());
    expect(entered).to.include('ZJ-2026-001');
    expect(mine.map((o) => o.value)).to.not.include('QL-2026-0001'); // entered by staff
    // When the engineer names someone else's record and one that does not exist, Then both are refused per field.
    const before = (await w.engine.listInstances({ processKey: 'data-deletion' })).total;
    const err = await expectError(w.engine.start('data-deletion', { by: engineer, variables: request([['power-record', 'QL-2026-0001'], ['project', 'ZJ-2026-099']]) }), 'VALIDATION_FAILED');
    expect(err.details).to.deep.equal([
      { field: 'records[0].recordId', message: '“记录编号”不是有效的选项' },
      { field: 'records[1].recordId', message: '“记录编号”不是有效的选项' },
    ]);
    expect((await w.engine.listInstances({ processKey: 'data-deletion' })).total).to.equal(before);
    // And the check before the head's review still names what it refuses (a record deleted meanwhile is the next story).
    expect(await deletionProblems(w.db, 'engineer', [{ kind: 'power-record', recordId: 'QL-2026-0001' }])).to.deep.equal(['权力运行记录 QL-2026-0001 不是申请人录入的数据，只能由录入人申请删除']);
  });

  it('returns the second of two requests for one record when the first has already deleted it', async () => {
    const a = await w.start('data-deletion', 'engineer', request([['power-record', 'QL-2026-0004']]));
    const b = await w.start('data-deletion', 'engineer', request([['power-record', 'QL-2026-0004']]));
    for (const id of [a.instance.id, b.instance.id]) {
      await w.complete(id, 'Task_HeadApproval', 'engineer-head', approve);
      await w.complete(id, 'Task_Filing', 'supervisor', approve);
    }
    await w.complete(a.instance.id, 'Task_Delete', 'supervisor2', { confirmDelete: true });
    await w.complete(b.instance.id, 'Task_Delete', 'supervisor2', { confirmDelete: true });
    expect(await w.open(b.instance.id)).to.deep.equal(['Task_Revise']);
    expect((await w.variables(b.instance.id)).comment).to.contain('不存在或已删除');
    expect(await listArchive(w.db, { instanceId: b.instance.id })).to.have.length(0);
  });

  it('keeps a supervision officer who asks off the filing and deletion of their own request', async () => {
    await createPowerRecord(
      w.db,
      { itemCode: 'JC-0001', unitId: 'supervision-office', partyName: '测试', summary: '监察室误录入的检查记录', handledOn: '2026-11-27' },
      { by: 'supervisor2', now: w.clock.now() },
    );
    const [mine] = (await listPowerRecords(w.db, { enteredBy: 'supervisor2' })).map((r) => r.id);
    const { instance } = await w.start('data-deletion', 'supervisor2', { ...request([['power-record', mine]]), content: '误录入的检查记录' });
    // The head of the supervision office agrees and must also file it: the applicant may not
    await w.complete(instance.id, 'Task_HeadApproval', 'supervisor', approve);
    await expectError(w.engine.complete((await w.task(instance.id, 'Task_Filing')).id, { by: await w.as('supervisor2'), variables: approve }), 'SEPARATION_OF_DUTIES');
    await w.complete(instance.id, 'Task_Filing', 'supervisor', approve);
    await expectError(w.engine.claim((await w.task(instance.id, 'Task_Delete')).id, { by: await w.as('supervisor2') }), 'SEPARATION_OF_DUTIES');
    await expectError(w.engine.claim((await w.task(instance.id, 'Task_Delete')).id, { by: await w.as('head') }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_Delete', 'supervisor', { confirmDelete: true });
    expect(await getPowerRecord(w.db, mine)).to.equal(undefined);
  });

  it('refuses a request with missing or malformed fields, per field, and starts nothing; deletion needs the confirmation', async () => {
    const before = (await w.engine.listInstances({ processKey: 'data-deletion' })).total;
    const err = await expectError(
      w.engine.start('data-deletion', { by: await w.as('staff'), variables: { records: [{ kind: 'power-record', recordId: '2026-1' }], content: '重复录入的记录' } }),
      'VALIDATION_FAILED',
    );
    expect(err.details).to.deep.equal([
      { field: 'records[0].recordId', message: '“记录编号”不是有效的选项' },
      { field: 'reason', message: '“删除原因”为必填项' },
    ]);
    expect((await w.engine.listInstances({ processKey: 'data-deletion' })).total).to.equal(before);
    const { instance } = await w.start('data-deletion', 'engineer', request([['project', 'ZJ-2026-001']]));
    await w.complete(instance.id, 'Task_HeadApproval', 'engineer-head', approve);
    await w.complete(instance.id, 'Task_Filing', 'supervisor', approve);
    const del = await w.task(instance.id, 'Task_Delete');
    const e = await expectError(w.engine.complete(del.id, { by: await w.as('supervisor2'), variables: { confirmDelete: false } }), 'VALIDATION_FAILED');
    expect(e.details[0].field).to.equal('confirmDelete');
    expect(await getProject(w.db, 'ZJ-2026-001')).to.not.equal(undefined);
  });
});
