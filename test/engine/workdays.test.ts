import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { parseTimeLimit } from '../../src/lib/time-limits.ts';
import { EngineService } from '../../src/engine/service.ts';
import { beijingDate } from '../../src/lib/workdays.ts';
import { setCalendarDay } from '../../src/store/calendar.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { flow, process, userTask } from '../helpers/bpmn.ts';

const at = (iso: string) => Date.parse(iso);

describe('engine: time limits in working days', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let engine: EngineService;

  before(async () => {
    t = await freshDatabase();
    clock = new ManualClock(at('2026-09-30T10:00:00+08:00'));
    engine = await EngineService.create({ db: t.db, clock });
    await engine.deploy(
      [
        {
          name: 'limit.bpmn',
          content: process(
            'limit',
            `<bpmn:startEvent id="start" />
            ${flow('f0', 'start', 'review')}
            ${userTask('review', '审查', 'camunda:candidateGroups="legal" camunda:dueDate="P3D"')}
            ${flow('f1', 'review', 'end')}
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

  it('skips the 2026 National Day holiday and counts the adjusted Saturday (10-10) as a working day', async () => {
    const { tasks } = await engine.start('limit', { by: { id: 'zhang', groups: [] } });
    const [task] = tasks;
    // 10-01..10-07 are holidays; 10-08 (Thu), 10-09 (Fri) and 10-10 (Sat, 调休) are the three working days.
    expect(new Date(task.dueAt!).toISOString()).to.equal(new Date(at('2026-10-11T00:00:00+08:00')).toISOString());
    // 80 % of three working days is 2.4 days: all of 10-08 and 10-09, and 0.4 of 10-10 (09:36).
    expect(new Date(task.yellowAt!).toISOString()).to.equal(new Date(at('2026-10-10T09:36:00+08:00')).toISOString());

    clock.set(at('2026-10-07T23:00:00+08:00'));
    expect((await engine.getTask(task.id))!.warning).to.equal('green');
    clock.set(at('2026-10-10T09:36:00+08:00'));
    expect((await engine.getTask(task.id))!.warning).to.equal('yellow');
    clock.set(at('2026-10-11T00:00:01+08:00'));
    expect((await engine.getTask(task.id))!.warning).to.equal('red');
  });

  it('uses days an administrator adds to the calendar (a year the package does not know)', async () => {
    expect(engine.calendar.knowsYear('2027-01-01')).to.equal(false);
    expect(engine.calendar.isWorkday('2027-01-01')).to.equal(true);
    await setCalendarDay(t.db, '2027-01-01', 'holiday', '元旦', 'admin', clock.now());
    await engine.reloadCalendar();
    expect(engine.calendar.isWorkday('2027-01-01')).to.equal(false);
    // From Thursday 2026-12-31, one working day skips Friday 2027-01-01 and the weekend.
    const due = engine.calendar.addWorkdays(at('2026-12-31T15:00:00+08:00'), 1);
    expect(beijingDate(due - 1)).to.equal('2027-01-04');
  });

  it('reads the documented forms of a time limit', () => {
    expect(parseTimeLimit('P5D')).to.deep.equal({ kind: 'workdays', days: 5 });
    expect(parseTimeLimit('P2W')).to.deep.equal({ kind: 'workdays', days: 10 });
    expect(parseTimeLimit('PT4H')).to.deep.equal({ kind: 'duration', months: 0, ms: 4 * 3_600_000 });
    expect(parseTimeLimit('2026-12-31')).to.deep.equal({ kind: 'instant', at: at('2027-01-01T00:00:00+08:00') });
    expect(parseTimeLimit('next week')).to.equal(null);
  });

  it('computes calendar days in Beijing time, not UTC', () => {
    // 2026-10-08 00:30 Beijing is still 10-07 in UTC: the Beijing date decides.
    expect(beijingDate(at('2026-10-08T00:30:00+08:00'))).to.equal('2026-10-08');
    expect(engine.calendar.isWorkday('2026-10-07')).to.equal(false);
    expect(engine.calendar.isWorkday('2026-10-08')).to.equal(true);
  });
});
