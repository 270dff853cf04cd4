import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { actorOf, seedOrganisation } from '../../src/domain/org.ts';
import { remindTask } from '../../src/domain/supervision/reminders.ts';
import { appraisalStats, statsCsv } from '../../src/domain/supervision/stats.ts';
import { EngineService } from '../../src/engine/service.ts';
import { remindersByPerson } from '../../src/store/stats.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

const at = (iso: string) => Date.parse(iso);

describe('supervision: appraisal statistics for a month', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(at('2026-11-02T09:00:00+08:00'));
    await seedOrganisation(t.db, clock.now(), true);
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy(
      [
        {
          name: 'review.bpmn',
          content: process(
            'review',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'check')}
            ${userTask('check', '审核', 'camunda:candidateGroups="legal,unit-heads" camunda:dueDate="P5D"')}
            ${flow('f1', 'check', 'end')}
            <bpmn:endEvent id="end" />`,
          ),
        },
      ],
      { by: 'owner' },
    );
  });
  after(async () => {
    await engine.stop();
    await t.drop();
  });

  /** Starts a case at `start` and has `who` complete it at `done`. */
  async function handled(start: string, done: string | null, who: string) {
    clock.set(at(start));
    const { tasks } = await engine.start('review', { by: (await actorOf(t.db, 'staff'))! });
    const actor = (await actorOf(t.db, who))!;
    if (!done) {
      await engine.claim(tasks[0].id, { by: actor });
      return;
    }
    clock.set(at(done));
    await engine.complete(tasks[0].id, { by: actor });
  }

  it('counts handled, on-time, yellow and red tasks per person and unit, with working-day averages and reminders received', async () => {
    // Monday 11-02 09:00 + P5D: the five working days are 11-03…11-06 and 11-09, so it is due at the
    // end of 11-09 and turns yellow after four of them (from Saturday 11-07 00:00).
    await handled('2026-11-02T09:00:00+08:00', '2026-11-03T09:00:00+08:00', 'legal'); // on time: 1.0 working day
    await handled('2026-11-02T09:00:00+08:00', '2026-11-09T09:00:00+08:00', 'legal'); // yellow: 5.0 (weekend skipped)
    await handled('2026-11-02T09:00:00+08:00', '2026-11-10T09:00:00+08:00', 'legal'); // red: 6.0
    await handled('2026-11-16T09:00:00+08:00', '2026-11-17T21:00:00+08:00', 'head'); // on time: 1.5
    await handled('2026-10-26T09:00:00+08:00', '2026-10-27T09:00:00+08:00', 'head'); // October: not counted
    await handled('2026-11-16T09:00:00+08:00', null, 'maint'); // claimed, still open, overdue by month end
    // Supervision reminds 罗维 (maint) of his task twice in November and once in December; an
    // unclaimed task's reminder goes to all its candidates and counts for nobody.
    const held = (await t.db('tasks').where({ assignee: 'maint', status: 'open' }).first()).id;
    const supervisor = (await actorOf(t.db, 'supervisor'))!;
    for (const when of ['2026-11-24T09:00:00+08:00', '2026-11-27T09:00:00+08:00', '2026-12-01T09:00:00+08:00']) {
      await remindTask(t.db, held, { by: supervisor, now: at(when) });
    }
    clock.set(at('2026-11-25T09:00:00+08:00'));
    const { tasks: [unclaimed] } = await engine.start('review', { by: (await actorOf(t.db, 'staff'))! });
    expect((await remindTask(t.db, unclaimed.id, { by: supervisor, now: clock.now() })).recipients.length).to.be.greaterThan(1);

    const from = at('2026-11-01T00:00:00+08:00');
    const to = at('2026-12-01T00:00:00+08:00');
    const stats = await appraisalStats(t.db, engine.calendar, {
      from,
      to,
      now: at('2026-11-30T12:00:00+08:00'),
      accountability: new Map([['legal', 1]]),
      reminded: await remindersByPerson(t.db, from, to),
    });
    const legal = stats.people.find((p) => p.userId === 'legal')!;
    expect(legal).to.deep.include({ handled: 3, onTime: 1, yellow: 1, red: 1, avgWorkdays: 4, openOverdue: 0, accountability: 1, unitId: 'legal-office' });
    const head = stats.people.find((p) => p.userId === 'head')!;
    expect(head).to.deep.include({ handled: 1, onTime: 1, yellow: 0, red: 0, avgWorkdays: 1.5 });
    expect(stats.people.find((p) => p.userId === 'maint')).to.deep.include({ handled: 0, openOverdue: 1, avgWorkdays: null, reminded: 2 });
    expect(stats.units.find((u) => u.unitId === 'maintenance-office')).to.deep.include({ reminded: 2 });
    expect(stats.people.filter((p) => p.userId !== 'maint').every((p) => p.reminded === 0)).to.equal(true);
    const brigade = stats.units.find((u) => u.unitId === 'inspection-brigade')!;
    expect(brigade).to.deep.include({ unitName: '监察大队', handled: 1, onTime: 1 });
    const legalOffice = stats.units.find((u) => u.unitId === 'legal-office')!;
    expect(legalOffice).to.deep.include({ handled: 3, red: 1, accountability: 1 });

    const csv = statsCsv(stats);
    expect(csv.startsWith('\ufeff类型,编号,名称')).to.equal(true);
    expect(csv).to.include('个人,legal,赵法,legal-office,3,1,1,1,4,0,0,1');
    expect(csv).to.include('个人,maint,罗维,maintenance-office,0,0,0,0,,1,2,0');
  });
});
