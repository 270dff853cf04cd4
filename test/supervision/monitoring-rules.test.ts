import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { scanMonitoringRules } from '../../src/domain/supervision/rule-scan.ts';
import { normalizeRule } from '../../src/domain/supervision/rule-kinds.ts';
import { insertPenaltyCase } from '../../src/store/penalties.ts';
import { listRuleWarnings, saveRule } from '../../src/store/monitoring-rules.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { decisionTable, dmn } from '../helpers/dmn.ts';
import { world, type World } from '../helpers/procedures.ts';

/**
 * Monitoring rules as data (issue 18, item 2): each kind of rule raises a 预警 with its evidence on
 * a case constructed to break it, and nothing on a clean case; a hit is raised once however often
 * and on however many nodes the scan runs, and becomes a 督办 case.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A probe procedure: 调查 → 审查 → 决定 → 送达, every step for the brigade's staff. */
function probe(key: string): string {
  const task = (id: string, name: string) => `<bpmn:userTask id="${id}" name="${name}" camunda:candidateGroups="staff" camunda:dueDate="P10D" />`;
  return process(
    key,
    `<bpmn:startEvent id="start" name="发起" />
    ${flow('f0', 'start', 'Task_Investigate')}
    ${task('Task_Investigate', '调查取证')}
    ${flow('f1', 'Task_Investigate', 'Task_Review')}
    ${task('Task_Review', '审查')}
    ${flow('f2', 'Task_Review', 'Task_Decide')}
    ${task('Task_Decide', '作出决定')}
    ${flow('f3', 'Task_Decide', 'Task_Serve')}
    ${task('Task_Serve', '送达')}
    ${flow('f4', 'Task_Serve', 'end')}
    <bpmn:endEvent id="end" name="结束" />`,
  );
}

describe('monitoring rules: each rule fires on a constructed case and not on a clean one (issue 18, item 2)', () => {
  let w: World;
  let n = 0;

  before(async () => {
    w = await world();
  });
  after(async () => {
    await w.stop();
  });

  /** Deploys a fresh probe process and configures one rule on it (as an approved change would). */
  async function ruleOn(kind: string, params: Record<string, unknown>, extra: { elementId?: string; processKey?: string } = {}) {
    const key = extra.processKey ?? `rule-probe-${++n}`;
    if (!extra.processKey) await w.engine.deploy([{ name: `${key}.bpmn`, content: probe(key) }], { by: 'system' });
    const input = normalizeRule({ kind, processKey: key, elementId: extra.elementId, params });
    const id = randomUUID();
    await saveRule(w.db, { id, ...input, version: 1, createdAt: w.clock.now(), updatedAt: w.clock.now(), requestedBy: 'supervisor', approvedBy: 'discipline', changeId: randomUUID() });
    return { id, key };
  }
  const scan = () => scanMonitoringRules(w.db, w.engine.calendar, w.clock.now());
  const warningsOf = (ruleId: string) => listRuleWarnings(w.db, { ruleId });
  async function start(key: string) {
    return (await w.start(key, 'staff', {})).instance.id;
  }
  /** Stops other rules from seeing this test's cases: each test's rule is the only enabled one on its process. */
  afterEach(async () => {
    await w.db('monitoring_rules').update({ enabled: false });
  });

  it('高风险环节限时: an open 审查 past 1 working day is yellow, past 2 red; a 审查 done within the hour raises nothing', async () => {
    const { id, key } = await ruleOn('step-time-limit', { yellowWorkdays: 1, redWorkdays: 2 }, { elementId: 'Task_Review' });
    const late = await start(key);
    await w.complete(late, 'Task_Investigate', 'staff');
    const clean = await start(key);
    await w.complete(clean, 'Task_Investigate', 'staff');
    w.clock.advance(HOUR);
    await w.complete(clean, 'Task_Review', 'staff2');
    // Monday 10:00 + 1 working day ends Tuesday 24:00: Wednesday noon is past yellow, not red.
    w.clock.advance(2 * DAY + HOUR);
    await scan();
    let hits = await warningsOf(id);
    expect(hits.map((h) => [h.instanceId, h.level])).to.deep.equal([[late, 'yellow']]);
    w.clock.advance(DAY);
    await scan();
    hits = await warningsOf(id);
    expect(hits.map((h) => h.level).sort()).to.deep.equal(['red', 'yellow']);
    expect(hits.every((h) => h.instanceId === late && h.elementId === 'Task_Review')).to.equal(true);
    expect(hits[0].evidence).to.include.keys('arrivedAt', 'yellowAt', 'redAt');
  });

  it('同一人连续审查: the same officer investigating and reviewing one case is a warning; two officers are not', async () => {
    const { id, key } = await ruleOn('same-person', { elements: ['Task_Investigate', 'Task_Review'] });
    const bad = await start(key);
    w.clock.advance(HOUR);
    await w.complete(bad, 'Task_Investigate', 'staff2');
    w.clock.advance(HOUR);
    await w.complete(bad, 'Task_Review', 'staff2');
    const good = await start(key);
    await w.complete(good, 'Task_Investigate', 'staff2');
    await w.complete(good, 'Task_Review', 'staff3');
    await scan();
    const hits = await warningsOf(id);
    expect(hits).to.have.length(1);
    expect(hits[0]).to.include({ instanceId: bad, elementId: 'Task_Review' });
    expect(hits[0].people).to.deep.equal(['staff2']);
    expect(hits[0].unitId).to.equal('inspection-brigade');
    expect((hits[0].evidence as any).first.by).to.equal('staff2');
  });

  it('多次退回: returned twice with one allowed is a warning; returned once is not', async () => {
    const { id, key } = await ruleOn('returns', { max: 1 });
    const back = async (instanceId: string) => {
      const t = await w.task(instanceId, 'Task_Review');
      await w.engine.returnTask(t.id, { by: await w.as('staff3'), targetElementId: 'Task_Investigate', comment: '证据不足，请补充' });
      await w.complete(instanceId, 'Task_Investigate', 'staff2');
    };
    const bad = await start(key);
    await w.complete(bad, 'Task_Investigate', 'staff2');
    await back(bad);
    await back(bad);
    const good = await start(key);
    await w.complete(good, 'Task_Investigate', 'staff2');
    await back(good);
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.instanceId)).to.deep.equal([bad]);
    expect(hits[0].evidence).to.include({ count: 2, max: 1 });
    expect(hits[0].people).to.deep.equal(['staff3']);
  });

  async function toDecide(key: string): Promise<string> {
    const id = await start(key);
    await w.complete(id, 'Task_Investigate', 'staff2');
    await w.complete(id, 'Task_Review', 'staff3');
    w.clock.advance(60_000);
    return id;
  }
  async function sendBack(instanceId: string, from: string, to: string) {
    w.clock.advance(60_000);
    const t = await w.task(instanceId, from);
    await w.engine.returnTask(t.id, { by: await w.as('staff3'), targetElementId: to, comment: '请重新决定' });
    w.clock.advance(60_000);
  }

  it('决定记录后被更改: a decision recorded as 不予处罚 and later made 处罚 is a warning; the same decision again is not', async () => {
    const { id, key } = await ruleOn('decision-changed', { field: 'decision' });
    const bad = await toDecide(key);
    await w.complete(bad, 'Task_Decide', 'head', { decision: 'no-penalty' });
    await sendBack(bad, 'Task_Serve', 'Task_Decide');
    // The re-decision comes later (with one clock tick both completions tie on time and their order is arbitrary).
    w.clock.advance(HOUR);
    await w.complete(bad, 'Task_Decide', 'head', { decision: 'penalize' });
    const good = await toDecide(key);
    await w.complete(good, 'Task_Decide', 'head', { decision: 'penalize' });
    await sendBack(good, 'Task_Serve', 'Task_Decide');
    await w.complete(good, 'Task_Decide', 'head', { decision: 'penalize' });
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.instanceId)).to.deep.equal([bad]);
    expect((hits[0].evidence as any).recorded.value).to.equal('no-penalty');
    expect((hits[0].evidence as any).changed.value).to.equal('penalize');
  });

  it('作出决定后撤销: a case cancelled after its decision is a warning; one cancelled before any decision is not', async () => {
    const { id, key } = await ruleOn('cancel-after-decision', { field: 'decision' });
    const bad = await toDecide(key);
    await w.complete(bad, 'Task_Decide', 'head', { decision: 'penalize' });
    await w.engine.cancel(bad, { by: await w.as('supervisor'), reason: '撤销' });
    const good = await toDecide(key);
    await w.engine.cancel(good, { by: await w.as('supervisor'), reason: '当事人已自行改正' });
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.instanceId)).to.deep.equal([bad]);
    expect((hits[0].evidence as any).stop).to.include({ what: '撤销', by: 'supervisor', reason: '撤销' });
    expect(hits[0].people).to.have.members(['supervisor', 'head']);
  });

  it('非工作时间审批: a decision at 21:30 is a warning; one at 10:00 on a working day is not', async () => {
    const { id, key } = await ruleOn('after-hours', { start: '08:30', end: '17:30' }, { elementId: 'Task_Decide' });
    const day = Date.parse('2026-12-07T10:00:00+08:00'); // a Monday
    w.clock.set(day);
    const good = await toDecide(key);
    await w.complete(good, 'Task_Decide', 'head', { decision: 'penalize' });
    const bad = await toDecide(key);
    w.clock.set(day + 11.5 * HOUR);
    await w.complete(bad, 'Task_Decide', 'head', { decision: 'penalize' });
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.instanceId)).to.deep.equal([bad]);
    expect(hits[0].summary).to.contain('21:30');
    expect(hits[0].evidence).to.include({ workday: true, completedBy: 'head' });
  });

  it('办理用时过短: a 审查 done 20 seconds after it arrived is a warning; one done after 10 minutes is not', async () => {
    const { id, key } = await ruleOn('too-fast', { minSeconds: 60 }, { elementId: 'Task_Review' });
    const bad = await start(key);
    await w.complete(bad, 'Task_Investigate', 'staff2');
    w.clock.advance(20_000);
    await w.complete(bad, 'Task_Review', 'staff3');
    const good = await start(key);
    await w.complete(good, 'Task_Investigate', 'staff2');
    w.clock.advance(600_000);
    await w.complete(good, 'Task_Review', 'staff3');
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.instanceId)).to.deep.equal([bad]);
    expect(hits[0].evidence).to.include({ seconds: 20, minSeconds: 60 });
  });

  /** A decided penalty case of CF-0001 (拆除人防工程), constructed as the penalty procedure records it. */
  async function decided(tier: string, amount: number, investigatedBy: string, partyType: 'person' | 'organisation' = 'organisation') {
    const instanceId = randomUUID();
    await insertPenaltyCase(w.db, {
      id: randomUUID(),
      instanceId,
      itemCode: 'CF-0001',
      itemVersion: 1,
      partyType,
      partyName: '常州某公司',
      facts: '擅自拆除人防工程防护设备',
      status: 'decided',
      filingNo: null,
      tier,
      amount,
      major: false,
      decisionNo: null,
      people: { investigatedBy, decidedBy: 'leader' },
      registeredAt: w.clock.now(),
      decidedAt: w.clock.now(),
      closedAt: null,
    });
    return instanceId;
  }

  it('裁量金额贴近档次边界: 19,500 yuan (just under 单位·一般 from 20,000) and 29,000 (under the 30,000 collective-decision line) are warnings; 15,000 is not', async () => {
    const { id } = await ruleOn('tier-edge', { percent: 5 }, { processKey: 'penalty-case' });
    const under = await decided('org-light', 19_500, 'staff');
    const major = await decided('org-general', 29_000, 'staff');
    await decided('org-light', 15_000, 'staff');
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.instanceId)).to.have.members([under, major]);
    expect(hits.find((h) => h.instanceId === under)!.evidence).to.include({ amount: 19_500, edge: 20_000, tier: 'org-light' });
    expect(hits.find((h) => h.instanceId === major)!.evidence).to.include({ edge: 30_000 });
    expect(hits.every((h) => h.unitId === 'inspection-brigade')).to.equal(true);
  });

  it('裁量档次分布偏离: an officer who always picks 单位·严重 while the unit mostly picks 单位·轻微 is a warning; colleagues close to the unit are not', async () => {
    await w.db('penalty_cases').del();
    const { id } = await ruleOn('tier-distribution', { minCases: 5, deviation: 40 }, { processKey: 'penalty-case' });
    for (let i = 0; i < 5; i++) {
      await decided('org-serious', 40_000, 'staff');
      await decided('org-light', 12_000, 'staff2');
      await decided('org-light', 12_000, 'staff3');
    }
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.people)).to.deep.equal([['staff']]);
    expect((hits[0].evidence as any).officerShare).to.deep.equal({ 'org-serious': 100 });
    expect((hits[0].evidence as any).unitShare['org-serious']).to.equal(33.3);
  });

  it('裁量档次与决策表: skipped while no DMN table deriving the tier from the facts is deployed (the shipped range table does not); once it is, a tier other than the table’s is a warning and the table’s own tier is not', async () => {
    await w.db('penalty_cases').del();
    const { id } = await ruleOn('tier-vs-dmn', { decision: 'penalty-tier' }, { processKey: 'penalty-case' });
    const wrong = await decided('org-light', 25_000, 'staff');
    await decided('org-general', 26_000, 'staff2');
    const res = await scan();
    expect(res.skipped).to.include(id);
    expect(await warningsOf(id)).to.deep.equal([]);
    const table = decisionTable({
      id: 'penalty-tier',
      name: '拆除人防工程处罚档次（按事实）',
      inputs: ['amount'],
      outputs: ['tier'],
      rules: [
        { in: ['< 20000'], out: ['"org-light"'] },
        { in: ['>= 20000'], out: ['"org-general"'] },
      ],
    });
    await w.engine.deploy([{ name: 'penalty-tier.dmn', content: dmn(table) }], { by: 'system' });
    await scan();
    const hits = await warningsOf(id);
    expect(hits.map((h) => h.instanceId)).to.deep.equal([wrong]);
    expect(hits[0].evidence).to.include({ tier: 'org-light', expected: 'org-general', decision: 'penalty-tier' });
  });

  it('a hit is raised once however many nodes scan at once, notifies supervision and the unit, and opens one 督办 case', async () => {
    const { id, key } = await ruleOn('too-fast', { minSeconds: 60 }, { elementId: 'Task_Review' });
    const bad = await start(key);
    await w.complete(bad, 'Task_Investigate', 'staff2');
    await w.complete(bad, 'Task_Review', 'staff3');
    const other = await w.t.reopen();
    const [a, b] = await Promise.all([scan(), scanMonitoringRules(other, w.engine.calendar, w.clock.now())]);
    expect(a.raised + b.raised).to.equal(1);
    await scan();
    const hits = await warningsOf(id);
    expect(hits).to.have.length(1);
    const notes = await w.db('notifications').where({ kind: 'rule.warning' }).where('dedupe_key', 'like', `rule:${hits[0].id}:%`).select('user_id');
    expect(notes.map((r: any) => r.user_id)).to.include.members(['supervisor', 'supervisor2', 'head', 'staff']);
    await w.settle();
    const cases = await w.db('process_instances').where({ process_key: 'warning-rectification' }).whereRaw('variables like ?', [`%${hits[0].id}%`]);
    expect(cases).to.have.length(1);
    expect(await w.open(cases[0].id)).to.deep.equal(['Task_Answer']);
    expect((await listRuleWarnings(w.db, { ruleId: id }))[0]).to.include({ stage: 'supervising', caseInstanceId: cases[0].id });
  });
});
