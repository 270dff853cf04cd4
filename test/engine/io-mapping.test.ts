import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { EngineService } from '../../src/engine/service.ts';
import type { Actor } from '../../src/engine/types.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';

const staff: Actor = { id: 'zhang', groups: ['staff'] };
const li: Actor = { id: 'li', groups: [] };

/** Camunda 7: the reviewer comes from an input mapping, the granted amount from an output mapping. */
const camunda7 = process(
  'io-c7',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'review')}
  <bpmn:userTask id="review" name="审核" camunda:assignee="\${reviewer}">
    <bpmn:extensionElements>
      <camunda:inputOutput>
        <camunda:inputParameter name="reviewer">\${applicant.manager}</camunda:inputParameter>
        <camunda:inputParameter name="materials"><camunda:list><camunda:value>\${title}</camunda:value><camunda:value>身份证明</camunda:value></camunda:list></camunda:inputParameter>
        <camunda:inputParameter name="limits"><camunda:map><camunda:entry key="max">=amount * 2</camunda:entry></camunda:map></camunda:inputParameter>
        <camunda:outputParameter name="granted">=if approved then min([amount, limits.max]) else 0</camunda:outputParameter>
        <camunda:outputParameter name="checked">\${materials.size()}</camunda:outputParameter>
      </camunda:inputOutput>
    </bpmn:extensionElements>
  </bpmn:userTask>
  ${flow('f2', 'review', 'end')}
  <bpmn:endEvent id="end" />`,
);

/** Camunda 8: a service task whose handler receives an input and whose result is mapped out. */
const camunda8 = process(
  'io-c8',
  `<bpmn:startEvent id="start" />
  ${flow('f1', 'start', 'score')}
  <bpmn:serviceTask id="score" name="评分">
    <bpmn:extensionElements>
      <zeebe:taskDefinition type="io.score" />
      <zeebe:ioMapping>
        <zeebe:input source="=amount * 2" target="doubled" />
        <zeebe:output source="=score + 1" target="finalScore" />
      </zeebe:ioMapping>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  ${flow('f2', 'score', 'end')}
  <bpmn:endEvent id="end" />`,
  { attrs: 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"' },
);

describe('engine: input/output mappings (camunda:inputOutput, zeebe:ioMapping) without code', () => {
  let t: TestDatabase;
  let engine: EngineService;
  let clock: ManualClock;
  const seen: Array<Record<string, unknown>> = [];

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(Date.parse('2026-11-26T09:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock });
    engine.registerHandler('io.score', ({ variables }) => {
      seen.push(variables);
      return { score: Number(variables.doubled) * 10 };
    });
    await engine.deploy(
      [
        { name: 'c7.bpmn', content: camunda7 },
        { name: 'c8.bpmn', content: camunda8 },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  it('Camunda 7: inputs assign the task; outputs write the instance variables when it completes on a restarted node', async () => {
    // Given an application whose applicant's manager is li
    const { instance, tasks } = await engine.start('io-c7', { by: staff, variables: { applicant: { manager: 'li' }, title: '申请书', amount: 500 } });
    // Then the review task is li's
    expect(tasks.map((x) => x.assignee)).to.deep.equal(['li']);
    // When li approves on a freshly started node
    const fresh = await EngineService.create({ db: await t.reopen(), clock });
    try {
      const done = await fresh.complete(tasks[0].id, { by: li, variables: { approved: true } });
      expect(done.instance.status).to.equal('completed');
      // Then the outputs are the instance's variables; the inputs stayed the task's own
      const vars = (await fresh.getInstance(instance.id))!.variables;
      expect(vars).to.include({ granted: 500, checked: 2 });
      expect(vars).to.not.have.property('reviewer');
      expect(vars).to.not.have.property('materials');
    } finally {
      await fresh.stop();
    }
  });

  it('Camunda 8: the handler receives the input; the output maps its result', async () => {
    const { instance } = await engine.start('io-c8', { by: staff, variables: { amount: 3 } });
    for (let i = 0; i < 10 && (await engine.getInstance(instance.id))!.status === 'running'; i++) await engine.jobs.runDue();
    expect(seen.at(-1)).to.include({ doubled: 6, amount: 3 });
    expect((await engine.getInstance(instance.id))!.variables).to.include({ score: 60, finalScore: 61 });
  });

  it('refuses a script in a mapping and a mapping that does not parse, naming the element; nothing is deployed', async () => {
    const script = camunda7
      .replaceAll('io-c7', 'io-bad')
      .replace('<camunda:inputParameter name="reviewer">${applicant.manager}</camunda:inputParameter>', '<camunda:inputParameter name="reviewer"><camunda:script scriptFormat="javascript">"li"</camunda:script></camunda:inputParameter>')
      .replace('=amount * 2', '=amount * * 2');
    const err = await engine.deploy([{ name: 'bad.bpmn', content: script }], { by: 'owner' }).catch((e) => e);
    expect(err.code).to.equal('DEPLOYMENT_INVALID');
    const text = JSON.stringify(err.details);
    expect(text).to.contain('camunda:script').and.contain('limits');
    expect(await engine.start('io-bad', { by: staff }).then(() => 'started', (e) => e.code)).to.equal('PROCESS_NOT_FOUND');
  });
});
