import { expect } from 'chai';
import { EngineService } from '../../src/engine/service.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const withCheck = (name: string) =>
  process(
    'fine',
    `<bpmn:startEvent id="start" />
    ${flow('f0', 'start', 'decide')}
    <bpmn:userTask id="decide" name="作出决定" camunda:candidateGroups="leaders">
      <bpmn:extensionElements><camunda:properties><camunda:property name="completionCheck" value="${name}" /></camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    ${flow('f1', 'decide', 'end')}
    <bpmn:endEvent id="end" />`,
  );

describe('engine: completion checks named on a task', () => {
  let t: TestDatabase;
  let engine: EngineService;
  const leader = { id: 'li', groups: ['leaders'] };

  before(async () => {
    t = await freshDatabase();
    engine = await EngineService.create({ db: t.db });
    engine.registerTaskCheck('fine.range', ({ variables, instance }) => {
      const max = Number(instance.variables.maxAmount);
      return Number(variables.amount) > max ? [{ field: 'amount', message: `罚款金额不能超过 ${max} 元` }] : [];
    });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  it('refuses at deploy a check that is not registered', async () => {
    const err = await expectError(engine.deploy([{ name: 'fine.bpmn', content: withCheck('nobody.knows') }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
    expect(err.details[0]).to.include({ element: 'decide' });
    expect(err.details[0].message).to.match(/完成校验 "nobody.knows" 未注册/);
  });

  it('answers 422 on the field and changes nothing; a value inside the range completes the task', async () => {
    await engine.deploy([{ name: 'fine.bpmn', content: withCheck('fine.range') }], { by: 'owner' });
    const { instance, tasks } = await engine.start('fine', { by: { id: 'zhang', groups: [] }, variables: { maxAmount: 30000 } });
    const err = await expectError(engine.complete(tasks[0].id, { by: leader, variables: { amount: 50000 } }), 'VALIDATION_FAILED');
    expect(err.details).to.deep.equal([{ field: 'amount', message: '罚款金额不能超过 30000 元' }]);
    expect((await engine.getTask(tasks[0].id))!.status).to.equal('open');
    expect((await engine.getInstance(instance.id))!.variables).to.deep.equal({ maxAmount: 30000 });
    const done = await engine.complete(tasks[0].id, { by: leader, variables: { amount: 20000 } });
    expect(done.instance.status).to.equal('completed');
  });
});
