import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { stopNodes, twoNodes, type TwoNodes } from '../helpers/nodes.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const SIGNAL = `<bpmn:signal id="S_flood" name="flood-alert" />`;
const withSignal = (xml: string) => xml.replace('<bpmn:process', `${SIGNAL}\n  <bpmn:process`);

/** A case that waits for the flood alert at an intermediate catch event. */
const waiting = withSignal(
  process(
    'sig-catch',
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'alert')}
    <bpmn:intermediateCatchEvent id="alert" name="等待汛情预警"><bpmn:signalEventDefinition signalRef="S_flood" /></bpmn:intermediateCatchEvent>
    ${flow('f2', 'alert', 'check')}
    ${userTask('check', '巡查堤防', 'camunda:candidateGroups="staff"')}
    ${flow('f3', 'check', 'end')}
    <bpmn:endEvent id="end" />`,
  ),
);

/** A field inspection interrupted by the alert (interrupting signal boundary). */
const boundary = withSignal(
  process(
    'sig-boundary',
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'inspect')}
    ${userTask('inspect', '野外检查', 'camunda:candidateGroups="staff"')}
    <bpmn:boundaryEvent id="recall" name="撤回人员" attachedToRef="inspect"><bpmn:signalEventDefinition signalRef="S_flood" /></bpmn:boundaryEvent>
    ${flow('f2', 'inspect', 'end')}
    ${flow('f3', 'recall', 'evacuate')}
    ${userTask('evacuate', '人员撤离', 'camunda:candidateGroups="staff"')}
    ${flow('f4', 'evacuate', 'end2')}
    <bpmn:endEvent id="end" />
    <bpmn:endEvent id="end2" />`,
  ),
);

/** A flood report started by the alert (signal start event). */
const started = withSignal(
  process(
    'sig-start',
    `<bpmn:startEvent id="start"><bpmn:signalEventDefinition signalRef="S_flood" /></bpmn:startEvent>
    ${flow('f1', 'start', 'report')}
    ${userTask('report', '汛情报告', 'camunda:candidateGroups="staff"')}
    ${flow('f2', 'report', 'end')}
    <bpmn:endEvent id="end" />`,
  ),
);

/** The gauge station's case: after the reading is entered it throws the alert with the level. */
const thrower = withSignal(
  process(
    'sig-throw',
    `<bpmn:startEvent id="start" />
    ${flow('f1', 'start', 'read')}
    ${userTask('read', '录入水位', 'camunda:candidateGroups="staff"')}
    ${flow('f2', 'read', 'raise')}
    <bpmn:intermediateThrowEvent id="raise" name="发布汛情预警">
      <bpmn:extensionElements><camunda:properties><camunda:property name="variables" value="level" /></camunda:properties></bpmn:extensionElements>
      <bpmn:signalEventDefinition signalRef="S_flood" />
    </bpmn:intermediateThrowEvent>
    ${flow('f3', 'raise', 'end')}
    <bpmn:endEvent id="end" />`,
  ),
);

describe('engine: signals are broadcast to every waiting subscription on every node, exactly once', () => {
  let n: TwoNodes;

  before(async () => {
    n = await twoNodes();
    await n.a.deploy(
      [
        { name: 'catch.bpmn', content: waiting },
        { name: 'boundary.bpmn', content: boundary },
        { name: 'start.bpmn', content: started },
        { name: 'throw.bpmn', content: thrower },
      ],
      { by: 'owner' },
    );
  });
  after(async () => stopNodes(n));

  /** Both nodes run due jobs at once until `check` holds. */
  async function settle(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      await Promise.all([n.a.jobs.runDue(), n.b.jobs.runDue()]);
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('condition not reached');
  }
  const open = async (e: EngineService, id: string) => (await e.tasksOfInstance(id)).filter((t) => t.status === 'open').map((t) => t.elementId);
  const reports = async () => (await n.a.listInstances({ processKey: 'sig-start' } as any)).rows;

  it('a throw event reaches two catch events, a boundary and a signal start, each once, with the carried variables', async () => {
    // Given two cases waiting at the catch event (node a), an inspection under way (node b)
    const w1 = (await n.a.start('sig-catch', { by: staff })).instance;
    const w2 = (await n.a.start('sig-catch', { by: staff })).instance;
    const field = (await n.b.start('sig-boundary', { by: staff })).instance;
    const gauge = await n.a.start('sig-throw', { by: staff });
    // When the gauge station's case throws the alert on node b
    await n.b.complete(gauge.tasks[0].id, { by: staff, variables: { level: 3 } });
    expect((await n.a.history(gauge.instance.id)).filter((h) => h.type === 'signal.thrown')).to.have.length(1);
    // Then, with both nodes running jobs, every subscription gets it
    await settle(async () => (await open(n.a, w1.id)).includes('check') && (await open(n.a, w2.id)).includes('check') && (await open(n.b, field.id)).includes('evacuate') && (await reports()).length > 0);
    await settle(async () => (await n.a.jobs.runDue()) === 0 && (await n.b.jobs.runDue()) === 0);
    // exactly once each: one task per case, one report started, the inspection interrupted
    for (const w of [w1, w2]) {
      expect(await open(n.a, w.id)).to.deep.equal(['check']);
      expect((await n.a.history(w.id)).filter((h) => h.type === 'signal.received')).to.have.length(1);
      expect((await n.a.getInstance(w.id))!.variables).to.deep.equal({ level: 3 });
    }
    expect(await open(n.b, field.id)).to.deep.equal(['evacuate']);
    expect((await n.b.tasksOfInstance(field.id)).find((t) => t.elementId === 'inspect')!.status).to.equal('cancelled');
    const [report] = await reports();
    expect(await reports()).to.have.length(1);
    expect(report.variables).to.deep.equal({ level: 3 });
    expect(await open(n.a, report.id)).to.deep.equal(['report']);
  });

  it('a broadcast from outside survives a restart; a case that begins waiting after the broadcast is not reached', async () => {
    const before = (await n.a.start('sig-catch', { by: staff })).instance;
    const reportsBefore = (await reports()).length;
    // When supervision broadcasts the alert and the node stops before running the job
    await n.a.broadcastSignal('flood-alert', { variables: { level: 2 } });
    n.clock.advance(1000);
    const later = (await n.a.start('sig-catch', { by: staff })).instance;
    // Then a fresh node on the same database delivers it
    const fresh = await EngineService.create({ db: await n.t.reopen(), clock: n.clock, nodeId: 'restarted' });
    try {
      for (let i = 0; i < 50 && !(await open(fresh, before.id)).includes('check'); i++) await fresh.jobs.runDue();
      expect(await open(fresh, before.id)).to.deep.equal(['check']);
      expect((await fresh.getInstance(before.id))!.variables).to.deep.equal({ level: 2 });
      expect((await reports()).length).to.equal(reportsBefore + 1);
      // and the case that began waiting afterwards still waits
      expect(await open(fresh, later.id)).to.deep.equal([]);
      expect((await fresh.history(later.id)).filter((h) => h.type === 'signal.received')).to.have.length(0);
    } finally {
      await fresh.stop();
    }
  });

  it('refuses a signal event without a signal reference, naming the element', async () => {
    const bad = waiting.replaceAll('sig-catch', 'sig-bad').replace('<bpmn:signalEventDefinition signalRef="S_flood" />', '<bpmn:signalEventDefinition />');
    const err = await n.a.deploy([{ name: 'bad.bpmn', content: bad }], { by: 'owner' }).then(
      () => null,
      (e) => e,
    );
    expect(err.code).to.equal('DEPLOYMENT_INVALID');
    expect(JSON.stringify(err.details)).to.contain('alert').and.contain('signalRef');
    expect(await n.a.start('sig-bad', { by: staff }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
  });
});
