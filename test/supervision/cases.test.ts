import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { actorOf, seedOrganisation } from '../../src/domain/org.ts';
import { scanCaseWarnings } from '../../src/domain/supervision/cases.ts';
import { EngineService } from '../../src/engine/service.ts';
import { listNotifications } from '../../src/store/notifications.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

const at = (iso: string) => Date.parse(iso);

describe('supervision: a power-item case past its promised limit opens exactly one accountability review', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let a: EngineService;
  let b: EngineService;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(at('2026-11-02T09:00:00+08:00'));
    await seedOrganisation(t.db, clock.now(), true);
    a = await EngineService.create({ db: t.db, clock, nodeId: 'a' });
    b = await EngineService.create({ db: await t.reopen(), clock, nodeId: 'b' });
    await a.deploy(
      [
        {
          name: 'permit.bpmn',
          content: process(
            'permit',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'accept')}
            ${userTask('accept', '受理审查', 'camunda:candidateGroups="staff"')}
            ${flow('f1', 'accept', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
        {
          // Stands in for accountability-review.bpmn: the same message start.
          name: 'review.bpmn',
          content: process(
            'review',
            `<bpmn:startEvent id="auto"><bpmn:messageEventDefinition messageRef="M" /></bpmn:startEvent>
            ${flow('f0', 'auto', 'draft')}
            ${userTask('draft', '监察室提出处理意见', 'camunda:candidateGroups="supervision"')}
            ${flow('f1', 'draft', 'end')}
            <bpmn:endEvent id="end" />`,
            { messages: { M: 'accountability-open' } },
          ),
        },
      ],
      { by: 'owner' },
    );
    await t.db('power_items').insert({
      code: 'RF-XK-001', name: '人防工程易地建设审批', category: '行政许可', unit_id: 'inspection-brigade', legal_basis: '《中华人民共和国人民防空法》第二十二条',
      statutory_days: 20, promised_days: 5, discretion: null, process_key: 'permit', status: 'active', version: 1, created_at: clock.now(), updated_at: clock.now(),
    });
  });
  after(async () => {
    await a.stop();
    await b.stop();
    await t.drop();
  });

  it('goes yellow, then red; the review is opened once with category (2), the overdue step and the person, even with two nodes', async () => {
    const staff2 = (await actorOf(t.db, 'staff2'))!;
    const { instance, tasks } = await a.start('permit', { by: staff2, businessKey: 'XK-2026-088', variables: { itemCode: 'RF-XK-001' } });
    await a.claim(tasks[0].id, { by: staff2 });
    // An internal process without a catalog item is never a case.
    await a.deploy([{ name: 'internal.bpmn', content: process('internal', `<bpmn:startEvent id="s" />${flow('f', 's', 't')}${userTask('t', '内部事项', 'camunda:candidateGroups="staff"')}${flow('g', 't', 'e')}<bpmn:endEvent id="e" />`) }], { by: 'owner' });
    await a.start('internal', { by: staff2, variables: { itemCode: 'RF-XK-001' } });

    // Five working days from Monday 11-02: 11-03…11-06 and 11-09; yellow after four.
    clock.set(at('2026-11-06T23:00:00+08:00'));
    expect(await scanCaseWarnings(t.db, a.calendar, clock.now())).to.deep.equal({ yellow: 0, red: 0, opened: 0 });
    clock.set(at('2026-11-07T00:00:01+08:00'));
    expect(await scanCaseWarnings(t.db, a.calendar, clock.now())).to.deep.equal({ yellow: 1, red: 0, opened: 0 });
    expect((await listNotifications(t.db, 'head')).rows.map((n) => n.title)).to.deep.equal(['办件黄色预警：人防工程易地建设审批（PERMIT-2026-00001）']);

    clock.set(at('2026-11-10T00:00:01+08:00'));
    const [r1, r2] = await Promise.all([scanCaseWarnings(t.db, a.calendar, clock.now()), scanCaseWarnings(await t.reopen(), b.calendar, clock.now())]);
    expect(r1.red + r2.red).to.equal(1);
    expect(r1.opened + r2.opened).to.equal(1);
    await Promise.all([a.jobs.runDue(), b.jobs.runDue()]);
    expect(await scanCaseWarnings(t.db, a.calendar, clock.now() + 86_400_000)).to.deep.equal({ yellow: 0, red: 0, opened: 0 });
    await a.jobs.runDue();

    const reviews = await a.listInstances({ processKey: 'review' });
    expect(reviews.total).to.equal(1);
    expect(reviews.rows[0].variables).to.include({ category: '2', subjectUserId: 'staff2', subjectUnitId: 'inspection-brigade', source: 'overdue-case', sourceRef: instance.id });
    expect(String(reviews.rows[0].variables.facts)).to.include('超期环节：受理审查');
    expect((await listNotifications(t.db, 'supervisor')).rows.map((n) => n.kind)).to.deep.equal(['case.red']);
  });
});
