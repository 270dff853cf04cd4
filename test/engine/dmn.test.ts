import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { decisionTable, dmn } from '../helpers/dmn.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

/** Who approves a grant: a UNIQUE table on the amount and the applicant's kind. */
const approvalLevel = (leaderFrom = 100000) =>
  decisionTable({
    id: 'approval-level',
    name: '审批层级',
    inputs: ['amount', 'applicantType'],
    outputs: ['level'],
    rules: [
      { in: [`< ${leaderFrom}`, '"person","organisation"'], out: ['"科室"'] },
      { in: [`>= ${leaderFrom}`, '-'], out: ['"分管领导"'] },
    ],
  });

/** A business rule task decides, an exclusive gateway routes on the result. */
const grant = (extra = '') =>
  process(
    'dmn-grant',
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'decide')}
    <bpmn:businessRuleTask id="decide" name="确定审批层级" camunda:decisionRef="approval-level" camunda:resultVariable="level" camunda:mapDecisionResult="singleEntry" ${extra} />
    ${flow('f2', 'decide', 'gw')}
    <bpmn:exclusiveGateway id="gw" default="f4" />
    ${flow('f3', 'gw', 'leader', '=level = "分管领导"')}
    ${flow('f4', 'gw', 'office')}
    ${userTask('leader', '分管领导审批', 'camunda:candidateGroups="leaders"')}
    ${userTask('office', '科室审批', 'camunda:candidateGroups="staff"')}
    ${flow('f5', 'leader', 'end')}
    ${flow('f6', 'office', 'end')}
    <bpmn:endEvent id="end" />`,
  );

describe('engine: business rule tasks with DMN decision tables (issue 11, item 10)', () => {
  let t: TestDatabase;
  let engine: EngineService;
  let clock: ManualClock;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy([{ name: 'approval-level.dmn', content: dmn(approvalLevel()) }, { name: 'grant.bpmn', content: grant() }], { by: 'owner' });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  async function finishJobs(e: EngineService, instanceId: string): Promise<void> {
    for (let i = 0; i < 10 && (await e.jobsOf(instanceId)).length; i++) await e.jobs.runDue();
  }

  it('decides on a fresh node after a restart, routes on the result and records the decision in the history', async () => {
    // Given a grant of 250,000 yuan started on one node
    const { instance, tasks } = await engine.start('dmn-grant', { by: staff, variables: { amount: 250000, applicantType: 'organisation' } });
    expect(tasks).to.have.length(0);
    // When a freshly started node on the same database runs the decision's job
    const fresh = await EngineService.create({ db: await t.reopen(), clock });
    try {
      await finishJobs(fresh, instance.id);
      // Then the result variable holds the single entry and the leader's task is open
      const after = (await fresh.getInstance(instance.id))!;
      expect(after.variables).to.include({ level: '分管领导' });
      expect((await fresh.tasksOfInstance(instance.id)).map((x) => x.elementId)).to.deep.equal(['leader']);
      // And the history says which decision version, which rule and what result
      const h = (await fresh.history(instance.id)).find((x) => x.type === 'decision.evaluated')!;
      expect(h.elementId).to.equal('decide');
      expect(h.data).to.deep.include({ decisionId: 'approval-level', version: 1, hitPolicy: 'UNIQUE', matchedRules: ['approval-level_r2'], resultVariable: 'level', result: '分管领导' });
      expect(h.data!.inputs).to.deep.equal({ amount: 250000, applicantType: 'organisation' });
    } finally {
      await fresh.stop();
    }
  });

  it('a new version of the table is what the next decision uses; an unchanged file keeps its version; binding "version" stays on the old one', async () => {
    // When the process owner lowers the leaders' threshold to 50,000 and redeploys the table
    const res = await engine.deploy([{ name: 'approval-level.dmn', content: dmn(approvalLevel(50000)) }], { by: 'owner' });
    expect(res.items).to.deep.include({ file: 'approval-level.dmn', kind: 'decision', key: 'approval-level', version: 2, id: 'approval-level:2', unchanged: false });
    const again = await engine.deploy([{ name: 'approval-level.dmn', content: dmn(approvalLevel(50000)) }], { by: 'owner' });
    expect(again.id).to.equal(null);
    expect(again.items[0]).to.include({ kind: 'decision', version: 2, unchanged: true });
    // Then a grant of 80,000 goes to the leaders (version 2)
    const { instance } = await engine.start('dmn-grant', { by: staff, variables: { amount: 80000, applicantType: 'person' } });
    await finishJobs(engine, instance.id);
    expect((await engine.getInstance(instance.id))!.variables.level).to.equal('分管领导');
    // And a process bound to version 1 still sends it to the office
    await engine.deploy([{ name: 'grant.bpmn', content: grant('camunda:decisionRefBinding="version" camunda:decisionRefVersion="1"') }], { by: 'owner' });
    const pinned = await engine.start('dmn-grant', { by: staff, variables: { amount: 80000, applicantType: 'person' } });
    await finishJobs(engine, pinned.instance.id);
    expect((await engine.getInstance(pinned.instance.id))!.variables.level).to.equal('科室');
    const h = (await engine.history(pinned.instance.id)).find((x) => x.type === 'decision.evaluated')!;
    expect(h.data).to.include({ version: 1 });
  });

  describe('hit policies and result mappings', () => {
    const rules = [
      { in: ['> 10'], out: ['"甲"', '30'] },
      { in: ['> 5'], out: ['"乙"', '20'] },
      { in: ['> 0'], out: ['"丙"', '10'] },
    ];
    const cases: Array<{ name: string; table: Partial<Parameters<typeof decisionTable>[0]>; map: string; expected: unknown }> = [
      { name: 'FIRST, singleResult', table: { hitPolicy: 'FIRST' }, map: 'singleResult', expected: { grade: '甲', points: 30 } },
      { name: 'RULE ORDER, resultList', table: { hitPolicy: 'RULE ORDER' }, map: 'resultList', expected: [{ grade: '甲', points: 30 }, { grade: '乙', points: 20 }, { grade: '丙', points: 10 }] },
      { name: 'PRIORITY (output values order), singleResult', table: { hitPolicy: 'PRIORITY', outputs: [{ name: 'grade', values: '"乙","甲","丙"' }, 'points'] }, map: 'singleResult', expected: { grade: '乙', points: 20 } },
      { name: 'COLLECT, resultList', table: { hitPolicy: 'COLLECT' }, map: 'resultList', expected: [{ grade: '甲', points: 30 }, { grade: '乙', points: 20 }, { grade: '丙', points: 10 }] },
      { name: 'COLLECT SUM, singleEntry', table: { hitPolicy: 'COLLECT', aggregation: 'SUM', outputs: ['points'], rules: rules.map((r) => ({ in: r.in, out: [r.out[1]] })) }, map: 'singleEntry', expected: 60 },
      { name: 'COLLECT MIN, singleEntry', table: { hitPolicy: 'COLLECT', aggregation: 'MIN', outputs: ['points'], rules: rules.map((r) => ({ in: r.in, out: [r.out[1]] })) }, map: 'singleEntry', expected: 10 },
      { name: 'COLLECT MAX, singleEntry', table: { hitPolicy: 'COLLECT', aggregation: 'MAX', outputs: ['points'], rules: rules.map((r) => ({ in: r.in, out: [r.out[1]] })) }, map: 'singleEntry', expected: 30 },
      { name: 'COLLECT COUNT, singleEntry', table: { hitPolicy: 'COLLECT', aggregation: 'COUNT', outputs: ['points'], rules: rules.map((r) => ({ in: r.in, out: [r.out[1]] })) }, map: 'singleEntry', expected: 3 },
      { name: 'RULE ORDER, collectEntries', table: { hitPolicy: 'RULE ORDER', outputs: ['grade'], rules: rules.map((r) => ({ in: r.in, out: [r.out[0]] })) }, map: 'collectEntries', expected: ['甲', '乙', '丙'] },
      { name: 'ANY (equal outputs), singleEntry', table: { hitPolicy: 'ANY', outputs: ['grade'], rules: [{ in: ['> 10'], out: ['"甲"'] }, { in: ['> 5'], out: ['"甲"'] }] }, map: 'singleEntry', expected: '甲' },
    ];
    cases.forEach((c, n) => {
      it(`${c.name}: the result variable holds what Camunda 7 maps`, async () => {
        const id = `hp${n}`;
        const table = decisionTable({ id, inputs: ['score'], outputs: ['grade', 'points'], rules, ...c.table });
        const bpmn = process(
          `dmn-${id}`,
          `<bpmn:startEvent id="start" />${flow('f1', 'start', 'rule')}
          <bpmn:businessRuleTask id="rule" name="评定" camunda:decisionRef="${id}" camunda:resultVariable="out" camunda:mapDecisionResult="${c.map}" />
          ${flow('f2', 'rule', 'end')}<bpmn:endEvent id="end" />`,
        );
        await engine.deploy([{ name: `${id}.dmn`, content: dmn(table) }, { name: `${id}.bpmn`, content: bpmn }], { by: 'owner' });
        const { instance } = await engine.start(`dmn-${id}`, { by: staff, variables: { score: 12 } });
        await finishJobs(engine, instance.id);
        const after = (await engine.getInstance(instance.id))!;
        expect(after.status).to.equal('completed');
        expect(after.variables.out).to.deep.equal(c.expected);
      });
    });
  });

  it('Camunda 8: zeebe:calledDecision puts the single output into the result variable', async () => {
    const table = decisionTable({ id: 'c8-risk', hitPolicy: 'FIRST', inputs: ['amount'], outputs: ['risk'], rules: [{ in: ['>= 1000'], out: ['"高"'] }, { in: ['-'], out: ['"低"'] }] });
    const bpmn = process(
      'dmn-c8',
      `<bpmn:startEvent id="start" />${flow('f1', 'start', 'rule')}
      <bpmn:businessRuleTask id="rule" name="风险"><bpmn:extensionElements><zeebe:calledDecision decisionId="c8-risk" resultVariable="risk" /></bpmn:extensionElements></bpmn:businessRuleTask>
      ${flow('f2', 'rule', 'end')}<bpmn:endEvent id="end" />`,
      { attrs: 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"' },
    );
    await engine.deploy([{ name: 'c8.dmn', content: dmn(table) }, { name: 'c8.bpmn', content: bpmn }], { by: 'owner' });
    const { instance } = await engine.start('dmn-c8', { by: staff, variables: { amount: 5000 } });
    await finishJobs(engine, instance.id);
    expect((await engine.getInstance(instance.id))!.variables).to.include({ risk: '高' });
  });

  it('refuses an unknown decisionRef, naming the element; nothing is deployed', async () => {
    const bad = grant().replaceAll('dmn-grant', 'dmn-unknown').replace('decisionRef="approval-level"', 'decisionRef="no-such-table"');
    const err = await engine.deploy([{ name: 'unknown.bpmn', content: bad }], { by: 'owner' }).catch((e) => e);
    expect(err.code).to.equal('DEPLOYMENT_INVALID');
    const problem = err.details.find((d: any) => d.element === 'decide');
    expect(problem.message).to.contain('no-such-table').and.contain('确定审批层级');
    expect(await engine.start('dmn-unknown', { by: staff }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
  });

  it('refuses a table whose input entry is not a FEEL unary test, and a PRIORITY table without output values', async () => {
    const broken = decisionTable({ id: 'broken', inputs: ['x'], outputs: ['y'], rules: [{ in: ['>> 3'], out: ['1'] }] });
    const noOrder = decisionTable({ id: 'no-order', hitPolicy: 'PRIORITY', inputs: ['x'], outputs: ['y'], rules: [{ in: ['> 3'], out: ['1'] }] });
    const err = await engine.deploy([{ name: 'bad.dmn', content: dmn(broken, noOrder) }], { by: 'owner' }).catch((e) => e);
    expect(err.code).to.equal('DEPLOYMENT_INVALID');
    const text = JSON.stringify(err.details);
    expect(text).to.contain('>> 3').and.contain('一元测试').and.contain('PRIORITY');
    expect(await t.db('decision_definitions').where({ key: 'broken' }).first()).to.equal(undefined);
  });

  it('a UNIQUE table matching two rules is an incident at run time, and the process waits there', async () => {
    const overlapping = decisionTable({ id: 'overlap', inputs: ['x'], outputs: ['y'], rules: [{ in: ['> 1'], out: ['1'] }, { in: ['> 2'], out: ['2'] }] });
    const bpmn = process('dmn-overlap', `<bpmn:startEvent id="start" />${flow('f1', 'start', 'rule')}<bpmn:businessRuleTask id="rule" name="重叠" camunda:decisionRef="overlap" camunda:resultVariable="y" camunda:mapDecisionResult="singleEntry" />${flow('f2', 'rule', 'end')}<bpmn:endEvent id="end" />`);
    await engine.deploy([{ name: 'overlap.dmn', content: dmn(overlapping) }, { name: 'overlap.bpmn', content: bpmn }], { by: 'owner' });
    const { instance } = await engine.start('dmn-overlap', { by: staff, variables: { x: 5 } });
    await engine.jobs.runDue();
    const incidents = await engine.incidents({ instanceId: instance.id });
    expect(incidents).to.have.length(1);
    expect(incidents[0].message).to.contain('UNIQUE').and.contain('overlap_r1');
    const after = (await engine.getInstance(instance.id))!;
    expect(after.status).to.equal('running');
    expect(after.variables).to.not.have.property('y');
  });
});
