import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { actorOf, seedOrganisation } from '../../src/domain/org.ts';
import { orgFunctionsProvider } from '../../src/domain/org-expressions.ts';
import { EngineService } from '../../src/engine/service.ts';
import { setCertificate, updateUnitPeople } from '../../src/store/org.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';
import { expectError } from '../helpers/expect.ts';

const at = (iso: string) => Date.parse(iso);

/** start (initiator) → a task for `candidates` → end. */
const routed = (key: string, candidates: string) =>
  process(
    key,
    `<bpmn:startEvent id="start" camunda:initiator="initiator" />
    ${flow('f0', 'start', 'review')}
    ${userTask('review', '审核', `camunda:candidateUsers="${candidates}"`)}
    ${flow('f1', 'review', 'end')}
    <bpmn:endEvent id="end" />`,
  );

describe('engine: organisation expressions in candidate attributes', () => {
  let t: TestDatabase;
  let engine: EngineService;
  const clock = new ManualClock(at('2026-12-02T09:00:00+08:00'));

  before(async () => {
    t = await freshDatabase();
    await seedOrganisation(t.db, clock.now(), true);
    engine = await EngineService.create({ db: t.db, clock });
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  it('refuses at deploy a function that does not exist, naming the element and the function', async () => {
    const err = await expectError(engine.deploy([{ name: 'x.bpmn', content: routed('typo', '${unitHeadOff(initiator)}') }], { by: 'owner' }), 'DEPLOYMENT_INVALID');
    expect(err.details[0]).to.include({ element: 'review' });
    expect(err.details[0].message).to.contain('未知函数“unitHeadOff”');
    expect(await t.db('process_definitions').where({ key: 'typo' }).first()).to.equal(undefined);
  });

  it('without the organisation (a bare engine) a start is refused with 409, never a 500, and nothing is stored', async () => {
    await engine.deploy([{ name: 'bare.bpmn', content: routed('bare-head', '${unitHeadOf(initiator)}') }], { by: 'owner' });
    const err = await expectError(engine.start('bare-head', { by: (await actorOf(t.db, 'staff'))! }), 'EXPRESSION_FAILED');
    expect(err.status).to.equal(409);
    expect(err.message).to.contain('unitHeadOf');
    expect(await t.db('process_instances').where({ process_key: 'bare-head' })).to.have.length(0);
  });

  it('routes to the head of the starter\'s unit, the unit\'s leader in charge and its certified officers', async () => {
    // Given the organisation functions, a leader in charge of the brigade and one valid, one expired 执法证
    engine.setExpressionFunctions(orgFunctionsProvider(clock));
    await updateUnitPeople(t.db, 'inspection-brigade', { leaderUserId: 'leader' });
    await setCertificate(t.db, 'staff', { number: '32040012345', scope: '人防行政执法', expires: '2027-12-31' }, clock.now());
    await setCertificate(t.db, 'head', { number: '32040012346', scope: '人防行政执法', expires: '2026-11-30' }, clock.now());
    await engine.deploy(
      [
        { name: 'a.bpmn', content: routed('by-head', '${unitHeadOf(initiator)}') },
        { name: 'b.bpmn', content: routed('by-leader', '${leaderInChargeOf(unitId)}') },
        { name: 'c.bpmn', content: routed('by-cert', '${certifiedOfficersIn(unitId)}') },
      ],
      { by: 'owner' },
    );
    const staff = (await actorOf(t.db, 'staff'))!;
    // When cases start, Then each task's candidates come from the register
    expect((await engine.start('by-head', { by: staff })).tasks[0].candidateUsers).to.deep.equal(['head']);
    expect((await engine.start('by-leader', { by: staff, variables: { unitId: 'inspection-brigade' } })).tasks[0].candidateUsers).to.deep.equal(['leader']);
    // (the demo brigade's officers hold valid certificates; the head's was set to expire on 11-30)
    expect((await engine.start('by-cert', { by: staff, variables: { unitId: 'inspection-brigade' } })).tasks[0].candidateUsers.sort()).to.deep.equal(['staff', 'staff2', 'staff3']);
    // A unit with nobody certified: refused with the reason, nothing started
    const before = await t.db('process_instances').count({ n: '*' }).first();
    const err = await expectError(engine.start('by-cert', { by: staff, variables: { unitId: 'legal-office' } }), 'EXPRESSION_FAILED');
    expect(err.message).to.contain('没有持有效执法证的人员');
    expect(await t.db('process_instances').count({ n: '*' }).first()).to.deep.equal(before);
  });
});
