import { expect } from 'chai';
import { getProject } from '../../src/store/records.ts';
import { ledgerOf } from '../../src/store/projects.ts';
import { expectError } from '../helpers/expect.ts';
import { contracted, initiated, report, warningsOf } from '../helpers/projects.ts';
import { START, world, type World } from '../helpers/procedures.ts';

const at = (iso: string) => Date.parse(iso);
const LOT = { lotName: '防护设备更新', lotBudget: 850000, method: 'comparison' as const, vendor: '常州恒安建设有限公司', amount: 800000, signedOn: '2026-11-28' };

/** Art. 3: the project procedure from 施工 to 归档 (self-built-project.bpmn). */
describe('procedure: self-built project, 施工 → 变更签证 → 竣工验收 → 决算审计 → 归档', () => {
  let w: World;
  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });
  afterEach(() => w.clock.set(START));

  const building = async (by = 'engineer') => {
    const id = await initiated(w, by, { budget: 900000 });
    await contracted(w, id, by, LOT);
    return id;
  };
  const projectOf = async (id: string) => String((await w.variables(id)).projectId);

  it('施工: one progress report a month, never ahead of the calendar; a month without a report is a warning', async () => {
    const id = await building();
    const task = await w.task(id, 'Task_Progress');
    expect(task.assignee).to.equal('engineer');
    // A report for a month not yet begun is refused
    const err = await expectError(w.engine.complete(task.id, { by: await w.as('engineer'), variables: report('2026-12', 10, 0) }), 'VALIDATION_FAILED');
    expect(err.details).to.deep.equal([{ field: 'reportMonth', message: '不能提前报告尚未开始的月份' }]);
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-11', 10, 100000));
    // The same month twice is refused
    const again = await w.task(id, 'Task_Progress');
    await expectError(w.engine.complete(again.id, { by: await w.as('engineer'), variables: report('2026-11', 20, 0) }), 'VALIDATION_FAILED');
    expect(await warningsOf(w, id)).to.deep.equal([]);
    // When a month passes without the next report, the timer raises a warning (the report stays open)
    w.clock.set(at('2026-12-30T08:00:00+08:00'));
    await w.settle();
    expect(await warningsOf(w, id)).to.deep.equal([]);
    w.clock.set(at('2027-01-04T09:00:00+08:00'));
    await w.settle();
    const [missed] = await warningsOf(w, id);
    expect(missed).to.include({ kind: 'missed-report', projectId: await projectOf(id) });
    expect(missed.text).to.contain('上次报告为 2026-11').and.to.contain('截至 2027-01-04 已超过一个月未报告');
    expect(missed.evidence).to.deep.include({ lastReportMonth: '2026-11', reportsFiled: ['2026-11'] });
    const notes = await w.db('notifications').where({ instance_id: id, kind: 'project.missed-report' }).pluck('user_id');
    expect(notes).to.have.members(['supervisor', 'supervisor2', 'engineer-head']);
    expect(await w.open(id)).to.deep.equal(['Task_Progress']);
    // The late report is accepted, and the loop goes on
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-12', 40, 200000));
    const progress = await ledgerOf(w.db, await projectOf(id), 'progress');
    expect(progress.map((e) => [e.entryDate, e.percent])).to.deep.equal([
      ['2026-11', 10],
      ['2026-12', 40],
    ]);
    expect((await w.variables(id)).totalPaid).to.equal(300000);
  });

  it('变更签证: each change order is approved; cumulative changes above 10 % of the contract need the leaders collectively', async () => {
    const id = await building();
    // A change of 50,000 (6.25 %): the unit head approves it alone
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-11', 20, 0, 'change'));
    await w.complete(id, 'Task_ChangeOrder', 'engineer', { changeAmount: 50000, changeDate: '2026-11-30', changeReason: '增加一处防护密闭门' });
    const approve = await w.task(id, 'Task_ChangeApprove');
    expect(approve.candidateUsers).to.deep.equal(['engineer-head']);
    expect(await w.variables(id)).to.include({ needsCollective: false, changeRatioPercent: 6.3 });
    await w.complete(id, 'Task_ChangeApprove', 'engineer-head', { changeDecision: 'approve', changeOpinion: '同意' });
    expect(await w.open(id)).to.deep.equal(['Task_Progress']);
    // A further 40,000 brings the total to 11.25 %: after the unit head, the leaders decide collectively
    w.clock.set(at('2026-12-02T09:00:00+08:00'));
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-12', 40, 0, 'change'));
    await w.complete(id, 'Task_ChangeOrder', 'engineer', { changeAmount: 40000, changeDate: '2026-12-02', changeReason: '通风管道改线' });
    expect(await w.variables(id)).to.include({ needsCollective: true, cumulativeChange: 90000, changeRatioPercent: 11.3 });
    await w.complete(id, 'Task_ChangeApprove', 'engineer-head', { changeDecision: 'approve', changeOpinion: '同意，报局领导集体决策' });
    const collective = await w.task(id, 'Task_ChangeCollective');
    expect(collective.candidateGroups).to.deep.equal(['leaders']);
    await w.complete(id, 'Task_ChangeCollective', 'leader2', { meetingDate: '2026-12-02', minutesNo: '局务会〔2026〕18号', attendees: '杨帆、陈立新', collectiveDecision: 'approve' });
    expect(await w.open(id)).to.deep.equal(['Task_Progress']);
    const changes = await ledgerOf(w.db, await projectOf(id), 'change');
    expect(changes.map((c) => [c.amount, c.status])).to.deep.equal([
      [50000, 'approved'],
      [40000, 'approved'],
    ]);
  });

  it('变更签证: a change order the approver refuses is recorded as refused; the head of a unit who runs it goes to the leader in charge', async () => {
    // 民投公司's manager is its head: his change orders go to the bureau leader in charge
    const id = await building('invest');
    await w.complete(id, 'Task_Progress', 'invest', report('2026-11', 20, 0, 'change'));
    await w.complete(id, 'Task_ChangeOrder', 'invest', { changeAmount: 120000, changeDate: '2026-11-30', changeReason: '展陈内容调整' });
    expect((await w.task(id, 'Task_ChangeApprove')).candidateUsers).to.deep.equal(['leader']);
    await w.complete(id, 'Task_ChangeApprove', 'leader', { changeDecision: 'reject', changeOpinion: '理由不充分' });
    expect(await w.open(id)).to.deep.equal(['Task_Progress']);
    expect((await ledgerOf(w.db, await projectOf(id), 'change')).map((c) => c.status)).to.deep.equal(['rejected']);
  });

  it('竣工验收 → 决算审计 → 归档: the engineering office accepts (a failed acceptance goes back to 施工), supervision audits, the project is archived', async () => {
    const id = await building();
    const task = await w.task(id, 'Task_Progress');
    await expectError(w.engine.complete(task.id, { by: await w.as('engineer'), variables: report('2026-11', 90, 0, 'completed') }), 'VALIDATION_FAILED');
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-11', 100, 700000, 'completed'));
    const acceptance = await w.task(id, 'Task_Acceptance');
    expect(acceptance.candidateGroups).to.deep.equal(['engineering']);
    await expectError(w.engine.complete(acceptance.id, { by: await w.as('engineer'), variables: { acceptedOn: '2026-11-30', acceptanceResult: 'pass', acceptanceOpinion: '合格' } }), 'SEPARATION_OF_DUTIES');
    await w.complete(id, 'Task_Acceptance', 'engineer-head', { acceptedOn: '2026-11-30', acceptanceResult: 'fail', acceptanceOpinion: '密闭门气密性不合格，整改' });
    expect(await w.open(id)).to.deep.equal(['Task_Progress']);
    w.clock.set(at('2026-12-10T09:00:00+08:00'));
    await w.complete(id, 'Task_Progress', 'engineer', report('2026-12', 100, 0, 'completed'));
    await w.complete(id, 'Task_Acceptance', 'engineer-head', { acceptedOn: '2026-12-10', acceptanceResult: 'pass', acceptanceOpinion: '整改后合格' });
    const projectId = await projectOf(id);
    expect(await getProject(w.db, projectId)).to.include({ stage: 'completed' });
    expect((await w.db('self_built_projects').where({ id: projectId }).first()).accepted_on).to.equal('2026-12-10');
    await w.complete(id, 'Task_FinalAccount', 'engineer', { settlementAmount: 800000, finalPayment: 100000 });
    const audit = await w.task(id, 'Task_Audit');
    expect(audit.candidateGroups).to.deep.equal(['supervision']);
    await w.complete(id, 'Task_Audit', 'supervisor', { auditedAmount: 780000, auditResult: 'return', auditOpinion: '决算多计安装费 20000 元' });
    await w.complete(id, 'Task_FinalAccount', 'engineer', { settlementAmount: 780000, finalPayment: 80000 });
    await w.complete(id, 'Task_Audit', 'supervisor', { auditedAmount: 780000, auditResult: 'pass', auditOpinion: '审定' });
    await w.complete(id, 'Task_Archive', 'engineer', { archiveNo: 'GC-2026-007', archiveNote: '资料齐全' });
    expect(await w.status(id)).to.equal('completed');
    const archived = (await w.db('self_built_projects').where({ id: projectId }).first())!;
    expect(archived.stage).to.equal('archived');
    expect(Number(archived.archived_at)).to.equal(at('2026-12-10T09:00:00+08:00'));
    expect((await w.variables(id)).totalPaid).to.equal(880000);
  });
});
