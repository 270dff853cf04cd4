import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { normalizeRule } from '../../src/domain/supervision/rule-kinds.ts';
import { scanMonitoringRules } from '../../src/domain/supervision/rule-scan.ts';
import { getRuleWarning, listRuleWarnings, saveRule } from '../../src/store/monitoring-rules.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { world, type World } from '../helpers/procedures.ts';

/**
 * 预警纠错 with escalation and 整改 (issue 18, item 3), warning-rectification.bpmn: a warning becomes
 * a 督办 case the responsible unit answers within 5 working days; unanswered → 黄牌 to the unit head
 * and the leader in charge; 3 working days later → 红牌 to the discipline committee with an
 * accountability suggestion; supervision closes as 已整改 / 误报 / 立案. Time moves on the platform
 * clock (ManualClock) and due timer jobs run; nothing sleeps.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('预警纠错督办: a warning escalates 黄牌 → 红牌 and is closed (issue 18, item 3)', () => {
  let w: World;
  let ruleId: string;
  let n = 0;

  before(async () => {
    w = await world();
    const key = 'rectify-probe';
    await w.engine.deploy(
      [
        {
          name: `${key}.bpmn`,
          content: process(
            key,
            `<bpmn:startEvent id="start" name="发起" />${flow('f0', 'start', 'Task_Review')}
            <bpmn:userTask id="Task_Review" name="审查" camunda:candidateGroups="staff" />${flow('f1', 'Task_Review', 'end')}
            <bpmn:endEvent id="end" name="结束" />`,
          ),
        },
      ],
      { by: 'system' },
    );
    ruleId = randomUUID();
    const rule = normalizeRule({ kind: 'too-fast', name: '审查用时过短', processKey: key, elementId: 'Task_Review', params: { minSeconds: 60 } });
    await saveRule(w.db, { id: ruleId, ...rule, version: 1, createdAt: w.clock.now(), updatedAt: w.clock.now(), requestedBy: 'supervisor', approvedBy: 'discipline', changeId: randomUUID() });
  });
  after(async () => {
    await w.stop();
  });

  /** A case of the brigade reviewed in 5 seconds: the rule raises a warning and its 督办 case opens. */
  async function warned(): Promise<{ warningId: string; caseId: string }> {
    const id = (await w.start('rectify-probe', 'staff2', {}, `RP-${++n}`)).instance.id;
    w.clock.advance(5000);
    await w.complete(id, 'Task_Review', 'staff3');
    await scanMonitoringRules(w.db, w.engine.calendar, w.clock.now());
    await w.settle();
    const warning = (await listRuleWarnings(w.db, { instanceId: id }))[0];
    expect(warning, 'warning raised').to.not.equal(undefined);
    expect(warning.caseInstanceId, '督办 case opened').to.be.a('string');
    return { warningId: warning.id, caseId: warning.caseInstanceId! };
  }
  const stage = async (id: string) => (await getRuleWarning(w.db, id))!.stage;
  const notesOf = async (kind: string, caseId: string) => (await w.db('notifications').where({ kind, instance_id: caseId }).select('user_id')).map((r: any) => r.user_id).sort();
  /** Moves the platform clock to `ms` and runs the timer jobs that came due. */
  async function at(ms: number) {
    w.clock.set(ms);
    await w.settle();
  }

  it('Stage 1 — 督办: the unit’s head and contact must answer within 5 working days', async () => {
    const { warningId, caseId } = await warned();
    const task = await w.task(caseId, 'Task_Answer');
    expect(task.candidateUsers).to.have.members(['head', 'staff']);
    expect(await stage(warningId)).to.equal('supervising');
    const v = await w.variables(caseId);
    // Monday 30 Nov + 5 working days after that day ends Monday 7 Dec 24:00 Beijing; 红牌 three working days later (Thursday 10 Dec 24:00).
    expect(v.yellowCardAt).to.equal(new Date(Date.parse('2026-12-08T00:00:00+08:00')).toISOString());
    expect(v.redCardAt).to.equal(new Date(Date.parse('2026-12-11T00:00:00+08:00')).toISOString());
  });

  it('Stage 2 — 黄牌: unanswered after 5 working days, the unit head and the leader in charge are told; not before', async () => {
    const { warningId, caseId } = await warned();
    const v = await w.variables(caseId);
    await at(Date.parse(String(v.yellowCardAt)) - HOUR);
    expect(await stage(warningId)).to.equal('supervising');
    await at(Date.parse(String(v.yellowCardAt)) + HOUR);
    expect(await stage(warningId)).to.equal('yellow-card');
    expect(await notesOf('rule.yellow-card', caseId)).to.include.members(['head', 'leader']);
    expect(await w.open(caseId)).to.deep.equal(['Task_Answer']);
  });

  it('Stage 3 — 红牌: still unanswered 3 working days later, the discipline committee is told and an accountability suggestion is filed', async () => {
    const { warningId, caseId } = await warned();
    const v = await w.variables(caseId);
    await at(Date.parse(String(v.yellowCardAt)) + HOUR);
    await at(Date.parse(String(v.redCardAt)) + HOUR);
    const row = (await getRuleWarning(w.db, warningId))!;
    expect(row.stage).to.equal('red-card');
    expect(row.yellowCardAt).to.be.lessThan(row.redCardAt!);
    expect(await notesOf('rule.red-card', caseId)).to.include('discipline');
    const suggestion = await w.db('accountability_suggestions').where({ dedupe_key: `rule-red-card:${warningId}` }).first();
    expect(suggestion).to.include({ user_id: 'head', kind: 'rule-warning-red-card', status: 'open' });
    // The unit may still answer; the case then goes to supervision.
    expect(await w.open(caseId)).to.deep.equal(['Task_Answer']);
  });

  it('Stage 4 — 已整改: after the 红牌 the unit answers with its measures and supervision closes the case as rectified', async () => {
    const { warningId, caseId } = await warned();
    const v = await w.variables(caseId);
    await at(Date.parse(String(v.redCardAt)) + HOUR);
    await w.complete(caseId, 'Task_Answer', 'head', { explanation: '审查人员未认真审查即签批', measures: '已组织重新审查并对审查人员批评教育' });
    expect(await stage(warningId)).to.equal('answered');
    await w.complete(caseId, 'Task_Close', 'supervisor', { closeOutcome: 'rectified', closeComment: '整改到位，予以结案' });
    expect(await w.status(caseId)).to.equal('completed');
    expect(await getRuleWarning(w.db, warningId)).to.include({ stage: 'closed', outcome: 'rectified', closedBy: 'supervisor' });
  });

  it('answered in time: no 黄牌 ever comes, and 误报 closes it', async () => {
    const { warningId, caseId } = await warned();
    w.clock.advance(DAY);
    await w.complete(caseId, 'Task_Answer', 'staff', { explanation: '该审查为系统批量导入的历史数据，非实际审查', measures: '' });
    await at(w.clock.now() + 30 * DAY);
    expect(await stage(warningId)).to.equal('answered');
    expect(await notesOf('rule.yellow-card', caseId)).to.deep.equal([]);
    await w.complete(caseId, 'Task_Close', 'supervisor2', { closeOutcome: 'false-alarm', closeComment: '经核实为误报' });
    expect(await getRuleWarning(w.db, warningId)).to.include({ stage: 'closed', outcome: 'false-alarm' });
  });

  it('立案: supervision files the warning and an accountability case opens against the unit', async () => {
    const { warningId, caseId } = await warned();
    await w.complete(caseId, 'Task_Answer', 'head', { explanation: '情况属实', measures: '正在整改' });
    await w.complete(caseId, 'Task_Close', 'supervisor', { closeOutcome: 'filed', closeComment: '情节较重，立案追责' });
    await w.settle();
    expect(await getRuleWarning(w.db, warningId)).to.include({ outcome: 'filed' });
    const review = await w.db('process_instances').where({ process_key: 'accountability-review', business_key: `ZR-YJ-${warningId.slice(0, 8)}` }).first();
    expect(review, 'accountability-review started').to.not.equal(undefined);
    const c = await w.db('accountability_cases').where({ instance_id: review.id }).first();
    expect(c).to.include({ unit_id: 'inspection-brigade', source: 'rule-warning', source_ref: warningId });
  });

  it('refusal: someone outside the responsible unit cannot answer the 督办 case (nothing changed)', async () => {
    const { warningId, caseId } = await warned();
    const task = await w.task(caseId, 'Task_Answer');
    let code = '';
    try {
      await w.engine.complete(task.id, { by: await w.as('engineer'), variables: { explanation: '代为答复一下', measures: '' } });
    } catch (err) {
      code = (err as { code?: string }).code ?? String(err);
    }
    expect(code).to.match(/FORBIDDEN|NOT_CANDIDATE/);
    expect(await w.open(caseId)).to.deep.equal(['Task_Answer']);
    expect(await stage(warningId)).to.equal('supervising');
  });
});
