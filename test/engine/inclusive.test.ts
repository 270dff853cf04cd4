import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { stopNodes, twoNodes, type TwoNodes } from '../helpers/nodes.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };

/** 会商: the departments whose conditions hold are consulted in parallel; the join waits for exactly them. */
const consult = process(
  'inclusive-consult',
  `<bpmn:startEvent id="start" />
  ${flow('f0', 'start', 'split')}
  <bpmn:inclusiveGateway id="split" name="需要会商的部门" default="fDefault" />
  ${flow('fLegal', 'split', 'legal', '=needLegal')}
  ${flow('fFinance', 'split', 'finance', '${amount > 10000}')}
  ${flow('fTech', 'split', 'tech', "${reviewers.contains('engineer')}")}
  ${flow('fDefault', 'split', 'office')}
  ${userTask('legal', '法制审核', 'camunda:candidateGroups="staff"')}
  ${userTask('finance', '财务审核', 'camunda:candidateGroups="staff"')}
  ${userTask('tech', '技术审核', 'camunda:candidateGroups="staff"')}
  ${userTask('office', '办公室审核', 'camunda:candidateGroups="staff"')}
  ${flow('j1', 'legal', 'join')}
  ${flow('j2', 'finance', 'join')}
  ${flow('j3', 'tech', 'join')}
  ${flow('j4', 'office', 'join')}
  <bpmn:inclusiveGateway id="join" name="会商汇合" />
  ${flow('f9', 'join', 'decide')}
  ${userTask('decide', '决定', 'camunda:candidateGroups="staff"')}
  ${flow('f10', 'decide', 'end')}
  <bpmn:endEvent id="end" />`,
);

describe('engine: inclusive gateways split on every true condition and join exactly the branches taken', () => {
  let n: TwoNodes;

  before(async () => {
    n = await twoNodes();
    await n.a.deploy([{ name: 'consult.bpmn', content: consult }], { by: 'owner' });
  });
  after(async () => stopNodes(n));

  const open = async (e: EngineService, id: string) => (await e.tasksOfInstance(id)).filter((t) => t.status === 'open');

  it('two of three conditions hold: two tasks; the join waits for both, across a restart', async () => {
    // Given a case needing the legal and the finance review but not the technical one
    const { instance, tasks } = await n.a.start('inclusive-consult', { by: staff, variables: { needLegal: true, amount: 20000, reviewers: ['legal'] } });
    expect(tasks.map((t) => t.elementId).sort()).to.deep.equal(['finance', 'legal']);
    // When the legal review is done
    await n.a.complete(tasks.find((t) => t.elementId === 'legal')!.id, { by: staff });
    // Then the join still waits for finance
    expect((await open(n.a, instance.id)).map((t) => t.elementId)).to.deep.equal(['finance']);
    // When a fresh engine on the same database completes finance
    const fresh = await EngineService.create({ db: await n.t.reopen(), clock: n.clock, nodeId: 'restarted' });
    try {
      const finance = (await open(fresh, instance.id))[0];
      await fresh.complete(finance.id, { by: staff });
      // Then exactly one decision task follows the join
      expect((await open(fresh, instance.id)).map((t) => t.elementId)).to.deep.equal(['decide']);
      const history = await fresh.history(instance.id);
      expect(history.filter((h) => h.type === 'activity.end' && h.elementId === 'join')).to.have.length(1);
    } finally {
      await fresh.stop();
    }
  });

  it('one condition holds: the join passes after that branch alone', async () => {
    const { instance, tasks } = await n.a.start('inclusive-consult', { by: staff, variables: { needLegal: false, amount: 20000, reviewers: ['legal'] } });
    expect(tasks.map((t) => t.elementId)).to.deep.equal(['finance']);
    await n.a.complete(tasks[0].id, { by: staff });
    expect((await open(n.a, instance.id)).map((t) => t.elementId)).to.deep.equal(['decide']);
  });

  it('no condition holds: the default flow is taken', async () => {
    const { instance, tasks } = await n.a.start('inclusive-consult', { by: staff, variables: { needLegal: false, amount: 1, reviewers: ['legal'] } });
    expect(tasks.map((t) => t.elementId)).to.deep.equal(['office']);
    await n.a.complete(tasks[0].id, { by: staff });
    expect((await open(n.a, instance.id)).map((t) => t.elementId)).to.deep.equal(['decide']);
  });

  it('two nodes completing the three branches at once: the join passes exactly once', async () => {
    const { instance, tasks } = await n.a.start('inclusive-consult', { by: staff, variables: { needLegal: true, amount: 20000, reviewers: ['engineer'] } });
    expect(tasks).to.have.length(3);
    // When node a and node b complete the branches concurrently
    await Promise.all(tasks.map((t, i) => (i % 2 ? n.b : n.a).complete(t.id, { by: staff })));
    // Then one decision task exists, whichever node looks
    expect((await open(n.b, instance.id)).map((t) => t.elementId)).to.deep.equal(['decide']);
    const decide = (await n.a.tasksOfInstance(instance.id)).filter((t) => t.elementId === 'decide');
    expect(decide).to.have.length(1);
    const done = await n.b.complete(decide[0].id, { by: staff });
    expect(done.instance.status).to.equal('completed');
  });
});
