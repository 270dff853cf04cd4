import { expect } from 'chai';
import { SYSTEM } from '../../src/engine/types.ts';
import { appraisalRecords, caseOfInstance } from '../../src/store/accountability.ts';
import { grant } from '../../src/store/org.ts';
import { expectError } from '../helpers/expect.ts';
import { world, type World } from '../helpers/procedures.ts';

/** Art. 13: supervision proposes, the Party and discipline committees review, the appraisal records it. */
describe('procedure: accountability review (accountability-review.bpmn)', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  const open = (extra: Record<string, unknown> = {}) => ({
    category: '2',
    subjectKind: 'person',
    subjectUserId: 'staff',
    facts: '2026年11月受理的人防工程拆除审批事项超过承诺时限5个工作日未在网上办结',
    ...extra,
  });
  const draft = (extra: Record<string, unknown> = {}) => ({
    draftAction: 'propose',
    opinion: '经核查，当事人未按流程时限要求在网上办理，建议通报批评并扣减年度考核分',
    outcome: 'criticize',
    deduction: 2,
    serious: false,
    ...extra,
  });
  const agree = { partyDecision: 'agree', partyComment: '同意监察室意见' };
  const agreeD = { disciplineDecision: 'agree', disciplineComment: '同意' };

  it('opened by supervision: draft, both committees agree in parallel, the decision enters the person’s annual appraisal', async () => {
    const { instance } = await w.start('accountability-review', 'supervisor', open());
    expect(await w.open(instance.id)).to.deep.equal(['Task_Draft']);
    expect(await w.variables(instance.id)).to.include({ caseValid: true, subjectName: '张明（监察大队）', opener: 'supervisor' });
    await w.complete(instance.id, 'Task_Draft', 'supervisor2', draft());
    expect((await w.open(instance.id)).sort()).to.deep.equal(['Task_DisciplineReview', 'Task_PartyReview']);
    // The drafter cannot review, nor can anyone outside the committees
    const party = await w.task(instance.id, 'Task_PartyReview');
    await expectError(w.engine.claim(party.id, { by: await w.as('supervisor2') }), 'NOT_CANDIDATE');
    await expectError(w.engine.claim(party.id, { by: await w.as('discipline') }), 'NOT_CANDIDATE');
    await w.complete(instance.id, 'Task_DisciplineReview', 'discipline', agreeD);
    // The join waits for the Party committee
    expect(await w.open(instance.id)).to.deep.equal(['Task_PartyReview']);
    expect(await appraisalRecords(w.db, { userId: 'staff' })).to.have.length(0);
    await w.complete(instance.id, 'Task_PartyReview', 'party', agree);
    expect(await w.status(instance.id)).to.equal('completed');
    const [record] = await appraisalRecords(w.db, { userId: 'staff', year: 2026 });
    expect(record).to.include({ subjectKind: 'person', unitId: 'inspection-brigade', kind: 'accountability', category: 2, outcome: 'criticize', deduction: 2, serious: false, measures: null, instanceId: instance.id });
    expect(record.decision).to.contain('通报批评').and.to.contain('建议通报批评');
    expect(record.approvals.map((a) => [a.step, a.by])).to.deep.equal([
      ['Task_Draft', 'supervisor2'],
      ['Task_DisciplineReview', 'discipline'],
      ['Task_PartyReview', 'party'],
    ]);
    expect(await caseOfInstance(w.db, instance.id)).to.include({ status: 'decided', outcome: 'criticize', source: 'manual', openedBy: 'supervisor' });
  });

  it('goes back to supervision when either committee disagrees; both review the new opinion again', async () => {
    const { instance } = await w.start('accountability-review', 'supervisor2', open({ subjectUserId: 'engineer', category: '4' }));
    await w.complete(instance.id, 'Task_Draft', 'supervisor', draft({ outcome: 'rectify', deduction: 1 }));
    await w.complete(instance.id, 'Task_PartyReview', 'party', agree);
    await w.complete(instance.id, 'Task_DisciplineReview', 'discipline', { disciplineDecision: 'disagree', disciplineComment: '未及时变更事项信息已造成群众投诉，处理偏轻' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Draft']);
    expect((await w.variables(instance.id)).disciplineComment).to.contain('处理偏轻');
    await w.complete(instance.id, 'Task_Draft', 'supervisor', draft({ outcome: 'admonish', deduction: 3 }));
    expect((await w.open(instance.id)).sort()).to.deep.equal(['Task_DisciplineReview', 'Task_PartyReview']);
    await w.complete(instance.id, 'Task_PartyReview', 'party', { partyDecision: 'disagree', partyComment: '请补充当事人陈述' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_DisciplineReview']);
    await w.complete(instance.id, 'Task_DisciplineReview', 'discipline', agreeD);
    expect(await w.open(instance.id)).to.deep.equal(['Task_Draft']);
    await w.complete(instance.id, 'Task_Draft', 'supervisor', draft({ outcome: 'admonish', deduction: 3, opinion: '当事人陈述已补充：未及时变更事项信息，建议诫勉谈话' }));
    await w.complete(instance.id, 'Task_PartyReview', 'party', agree);
    await w.complete(instance.id, 'Task_DisciplineReview', 'discipline', agreeD);
    const [record] = await appraisalRecords(w.db, { userId: 'engineer' });
    expect(record).to.include({ category: 4, outcome: 'admonish', deduction: 3 });
    expect(record.approvals.filter((a) => a.step === 'Task_Draft')).to.have.length(3);
  });

  it('a serious case goes through the extra handling step, recorded with the appraisal', async () => {
    const { instance } = await w.start('accountability-review', 'supervisor', open({ category: '3', subjectUserId: 'staff2', facts: '将本人账号密码提供给外单位人员使用，导致案件信息被非法获取' }));
    await w.complete(instance.id, 'Task_Draft', 'supervisor2', draft({ outcome: 'no-excellent', deduction: 10, serious: true }));
    await w.complete(instance.id, 'Task_PartyReview', 'party', agree);
    await w.complete(instance.id, 'Task_DisciplineReview', 'discipline', agreeD);
    expect(await w.open(instance.id)).to.deep.equal(['Task_SeriousHandling']);
    expect(await appraisalRecords(w.db, { userId: 'staff2' })).to.have.length(0);
    await w.complete(instance.id, 'Task_SeriousHandling', 'party', { measure: 'party-discipline', measureNote: '移送纪检监察机关，给予政务警告处分' });
    const [record] = await appraisalRecords(w.db, { userId: 'staff2' });
    expect(record).to.include({ serious: true, category: 3, deduction: 10 });
    expect(record.measures).to.equal('移送纪检监察机关给予党纪政务处分：移送纪检监察机关，给予政务警告处分');
    expect(await caseOfInstance(w.db, instance.id)).to.include({ status: 'decided', serious: true });
  });

  it('supervision may find no violation: the case is dismissed only when the discipline committee agrees, and nothing enters the appraisal', async () => {
    const { instance } = await w.start('accountability-review', 'supervisor', open({ subjectUserId: 'staff3' }));
    await w.complete(instance.id, 'Task_Draft', 'supervisor2', { draftAction: 'dismiss', dismissReason: '经核查，超时系系统故障所致，已由信息中心出具说明' });
    // Then the dismissal waits for the discipline committee: the officer alone cannot close the case
    expect(await w.open(instance.id)).to.deep.equal(['Task_DismissReview']);
    const review = await w.task(instance.id, 'Task_DismissReview');
    for (const lone of ['supervisor2', 'supervisor']) {
      await expectError(w.engine.complete(review.id, { by: await w.as(lone), variables: { dismissDecision: 'agree', dismissComment: '同意' } }), 'NOT_CANDIDATE');
    }
    expect(await caseOfInstance(w.db, instance.id)).to.include({ status: 'open' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_DismissReview']);
    // When the committee disagrees, supervision must draft again
    await w.complete(instance.id, 'Task_DismissReview', 'discipline', { dismissDecision: 'disagree', dismissComment: '系统故障说明不充分，请补充信息中心记录' });
    expect(await w.open(instance.id)).to.deep.equal(['Task_Draft']);
    expect(await caseOfInstance(w.db, instance.id)).to.include({ status: 'open' });
    await w.complete(instance.id, 'Task_Draft', 'supervisor2', { draftAction: 'dismiss', dismissReason: '信息中心故障记录（编号 2026-117）证实超时系系统故障所致' });
    await w.complete(instance.id, 'Task_DismissReview', 'discipline', { dismissDecision: 'agree', dismissComment: '同意不予追责' });
    expect(await w.status(instance.id)).to.equal('completed');
    expect(await caseOfInstance(w.db, instance.id)).to.include({ status: 'dismissed' });
    expect(await appraisalRecords(w.db, { userId: 'staff3' })).to.have.length(0);
  });

  it('opened by the platform with a message: a unit case; and a message naming nobody ends as invalid', async () => {
    const res = await w.engine.correlateMessage('accountability-open', {
      businessKey: 'OVERDUE-2026-11-0001',
      variables: { category: 1, subjectKind: 'unit', subjectUnitId: 'maintenance-office', facts: '人防工程维护检查事项未在网上运行', source: 'overdue-check' },
    });
    expect(res.started).to.equal(true);
    await w.settle();
    const id = res.instance.id;
    expect(await w.variables(id)).to.include({ category: '1', subjectName: '维管处' });
    await w.complete(id, 'Task_Draft', 'supervisor', draft({ outcome: 'rectify', deduction: 1 }));
    await w.complete(id, 'Task_PartyReview', 'party', agree);
    await w.complete(id, 'Task_DisciplineReview', 'discipline', agreeD);
    const [record] = await appraisalRecords(w.db, { unitId: 'maintenance-office' });
    expect(record).to.include({ subjectKind: 'unit', userId: null, category: 1, outcome: 'rectify' });
    expect(await caseOfInstance(w.db, id)).to.include({ source: 'overdue-check', openedBy: 'system' });

    const bad = await w.engine.correlateMessage('accountability-open', { variables: { category: 9, subjectKind: 'person', subjectUserId: 'ghost', facts: '' }, by: SYSTEM });
    await w.settle();
    expect(await w.status(bad.instance.id)).to.equal('completed');
    const v = await w.variables(bad.instance.id);
    expect(v.caseValid).to.equal(false);
    expect(v.caseProblem).to.contain('第十三条（一）至（五）').and.to.contain('“ghost”不是平台用户').and.to.contain('缺少违规事实');
    expect(await caseOfInstance(w.db, bad.instance.id)).to.equal(undefined);
  });

  it('only supervision opens a case by hand; bad form data is refused per field', async () => {
    await expectError(w.engine.start('accountability-review', { by: await w.as('staff'), variables: open() }), 'NOT_STARTER');
    const err = await expectError(w.engine.start('accountability-review', { by: await w.as('supervisor'), variables: open({ subjectUserId: '张明', facts: '太短', category: '6' }) }), 'VALIDATION_FAILED');
    expect(err.details.map((d: { field: string }) => d.field)).to.have.members(['category', 'subjectUserId', 'facts']);
  });

  it('keeps the person who opened or drafted a case off the committee reviews', async () => {
    // 郑纪 of the discipline committee also works in the supervision office
    await grant(w.db, 'discipline', 'supervision', 'test', w.clock.now());
    const { instance } = await w.start('accountability-review', 'discipline', open({ subjectUserId: 'staff3' }));
    await w.complete(instance.id, 'Task_Draft', 'supervisor', draft());
    const review = await w.task(instance.id, 'Task_DisciplineReview');
    await expectError(w.engine.complete(review.id, { by: await w.as('discipline'), variables: agreeD }), 'SEPARATION_OF_DUTIES');
    // and a drafter who sits on the committee cannot review their own opinion either
    const second = await w.start('accountability-review', 'supervisor', open({ subjectUserId: 'staff3' }));
    await w.complete(second.instance.id, 'Task_Draft', 'discipline', draft());
    await expectError(w.engine.claim((await w.task(second.instance.id, 'Task_DisciplineReview')).id, { by: await w.as('discipline') }), 'SEPARATION_OF_DUTIES');
  });

  it('keeps the subject of a case off its drafting and committee reviews', async () => {
    // 郑纪 (discipline committee, also in the supervision office) is the subject of this case.
    await grant(w.db, 'discipline', 'supervision', 'test', w.clock.now());
    const { instance } = await w.start('accountability-review', 'supervisor', open({ subjectUserId: 'discipline' }));
    const draftTask = await w.task(instance.id, 'Task_Draft');
    await expectError(w.engine.claim(draftTask.id, { by: await w.as('discipline') }), 'SEPARATION_OF_DUTIES');
    await w.complete(instance.id, 'Task_Draft', 'supervisor2', draft());
    const review = await w.task(instance.id, 'Task_DisciplineReview');
    await expectError(w.engine.complete(review.id, { by: await w.as('discipline'), variables: agreeD }), 'SEPARATION_OF_DUTIES');
  });
});
