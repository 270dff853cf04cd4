import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { verifyAudit } from '../../src/domain/audit.ts';
import { calendarTick } from '../../src/domain/calendar.ts';
import { scanWarnings } from '../../src/domain/supervision/warnings.ts';
import { seedCalendar } from '../../src/store/calendar.ts';
import { deployViaApi, startServer, type Client, type TestServer } from '../helpers/api.ts';
import { approvalFiles } from './fixtures.ts';

/** The 2027 New Year as the State Council would publish it (Friday 1 to Sunday 3 January). */
const NEW_YEAR_2027 = [
  { date: '2027-01-01', kind: 'holiday', name: '元旦' },
  { date: '2027-01-02', kind: 'holiday', name: '元旦' },
  { date: '2027-01-03', kind: 'holiday', name: '元旦' },
];

describe('API: the working calendar (工作日历) maintained by the bureau', () => {
  let s: TestServer;
  // Wednesday 30 December 2026, 10:00 Beijing: the calendar knows 2026 only (chinese-days).
  const clock = new ManualClock(Date.parse('2026-12-30T10:00:00+08:00'));
  const clients = new Map<string, Client>();
  let taskId: string;
  let instanceId: string;

  const as = async (user: string) => {
    let c = clients.get(user);
    if (!c) clients.set(user, (c = await s.login(user)));
    return c;
  };
  const put = async (user: string, year: string, body: unknown) => (await as(user)).request('PUT', `/api/calendar/${year}`, body);
  const stored = async (year: number) => s.db('calendar_days').whereBetween('date', [`${year}-01-01`, `${year}-12-31`]).orderBy('date').select('date', 'kind', 'name');
  const auditCount = async () => Number((await s.db('audit_log').count({ n: '*' }).first())?.n);
  const task = async () => (await (await as('head')).get(`/api/tasks/${taskId}`)).body.task;

  before(async () => {
    s = await startServer({ clock });
    await deployViaApi(s, approvalFiles);
    // Given staff's request waits for a unit head's approval within three working days (P3D).
    const started = await (await as('staff')).post('/api/process-definitions/api-approval/start', { businessKey: 'CAL-1', variables: { title: '跨年采购' } });
    expect(started.status, started.text).to.equal(201);
    instanceId = started.body.id;
    taskId = (await (await as('head')).get('/api/tasks?candidate=me')).body.items.find((t: any) => t.instanceId === instanceId).id;
  });
  after(async () => {
    await s.close();
  });

  it('shows a year the package knows, and a year nobody entered as unknown', async () => {
    const owner = await as('owner');
    const y2026 = await owner.get('/api/calendar/2026');
    expect(y2026.status, y2026.text).to.equal(200);
    expect(y2026.body).to.include({ year: 2026, known: true, source: 'package', updatedBy: null });
    expect(y2026.body.days).to.deep.include({ date: '2026-10-01', kind: 'holiday', name: '国庆节' });
    expect(y2026.body.days).to.deep.include({ date: '2026-02-28', kind: 'workday', name: '春节' });
    const y2027 = await (await as('supervisor')).get('/api/calendar/2027');
    expect(y2027.body).to.deep.equal({ year: 2027, known: false, source: null, updatedAt: null, updatedBy: null, days: [] });
  });

  it('counts a working-day limit across an unknown New Year as Monday to Friday, and warns that the next 90 days are not covered', async () => {
    // P3D from Wednesday 30 December: Thursday 31, Friday 1 January (no holiday known), Monday 4.
    expect((await task()).dueAt).to.equal('2027-01-04T16:00:00.000Z');
    const summary = await (await as('supervisor')).get('/api/monitor/summary');
    expect(summary.body.calendar).to.include({ coveredUntil: '2026-12-31', horizon: '2027-03-30' });
    expect(summary.body.calendar.missingYears).to.deep.equal([2027]);
    expect(summary.body.calendar.warning).to.contain('工作日历缺少 2027 年的节假日安排');

    // The scheduler's tick tells process owners and supervision once, however often it runs.
    const tick = calendarTick(s.db, s.engine);
    expect(await tick(clock.now())).to.be.greaterThan(0);
    await tick(clock.now());
    const notes = await s.db('notifications').where({ kind: 'calendar.uncovered' }).select('user_id', 'title');
    const people = notes.map((n: any) => n.user_id);
    expect(people).to.include.members(['owner', 'supervisor']);
    expect(new Set(people).size).to.equal(people.length);
    expect(people).to.not.include('staff');
    expect(notes[0].title).to.equal('工作日历缺少 2027 年节假日安排');
  });

  it('refuses anyone but process owners and supervision with 403, changing nothing', async () => {
    const before = await auditCount();
    for (const user of ['staff', 'head']) {
      const read = await (await as(user)).get('/api/calendar/2027');
      expect(read.status).to.equal(403);
      expect(read.body.error.code).to.equal('FORBIDDEN');
      const write = await put(user, '2027', { days: NEW_YEAR_2027 });
      expect(write.status).to.equal(403);
      expect(write.body.error.code).to.equal('FORBIDDEN');
    }
    expect(await stored(2027)).to.deep.equal([]);
    expect(await auditCount()).to.equal(before);
  });

  it('refuses bad years and days with 400 INVALID_CALENDAR naming each field, changing nothing', async () => {
    const before = await auditCount();
    for (const year of ['27', '1999', '2100', 'abcd']) {
      const res = await put('owner', year, { days: [] });
      expect(res.status, year).to.equal(400);
      expect(res.body.error.code).to.equal('INVALID_CALENDAR');
      expect(res.body.error.details.map((d: any) => d.field)).to.deep.equal(['year']);
      expect((await (await as('owner')).get(`/api/calendar/${year}`)).status).to.equal(400);
    }
    const res = await put('owner', '2027', {
      days: [
        { date: '2027-01-01', kind: 'holiday', name: '元旦' },
        { date: '2026-12-31', kind: 'holiday' },
        { date: '2027-02-30', kind: 'holiday' },
        { date: '2027-01-01', kind: 'workday' },
        { date: '2027-05-01', kind: 'vacation' },
        'x',
      ],
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.details).to.deep.equal([
      { field: 'days[1].date', message: '2026-12-31 不在 2027 年内' },
      { field: 'days[2].date', message: '应为有效日期 YYYY-MM-DD' },
      { field: 'days[3].date', message: '2027-01-01 重复' },
      { field: 'days[4].kind', message: '应为 holiday（放假）或 workday（上班）' },
      { field: 'days[5]', message: '应为对象 {date, kind, name}' },
    ]);
    const missing = await put('owner', '2027', {});
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details).to.deep.equal([{ field: 'days', message: '必填，应为数组' }]);
    expect(await stored(2027)).to.deep.equal([]);
    expect(await auditCount()).to.equal(before);
    expect((await task()).dueAt).to.equal('2027-01-04T16:00:00.000Z');
  });

  it('saves 2027 as entered, moves the open task\'s due date across the holiday, takes back an announced warning, and audits both', async () => {
    // Given the task was announced yellow on Monday 4 January at noon (80 % of three working days used)
    clock.set(Date.parse('2027-01-04T12:00:00+08:00'));
    clients.clear();
    expect((await scanWarnings(s.db, clock.now())).yellow).to.equal(1);
    expect((await task()).warning).to.equal('yellow');

    // When a process owner enters the 2027 New Year
    const res = await put('owner', '2027', { days: [...NEW_YEAR_2027, { date: '2027-02-20', kind: 'workday', name: '春节' }] });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ year: 2027, known: true, source: 'admin', updatedBy: 'owner', recomputedTasks: 1 });
    expect(res.body.days).to.have.length(4);
    expect(await stored(2027)).to.have.length(4);

    // Then Friday 1 January no longer counts: Thursday 31, Monday 4, Tuesday 5 → due end of the 5th,
    // and at Monday noon the task is green again, its yellow to be announced anew on Tuesday
    const after = await task();
    expect(after.dueAt).to.equal('2027-01-05T16:00:00.000Z');
    expect(after.warning).to.equal('green');
    expect((await s.db('tasks').where({ id: taskId }).first()).warned_level).to.equal(null);

    const audit = (await (await as('supervisor')).get('/api/audit?action=calendar.update')).body.items;
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ actor: 'owner', objectType: 'calendar-year', objectId: '2027' });
    expect(audit[0].before).to.deep.equal({ days: [] });
    expect(audit[0].after.recomputedTasks).to.equal(1);
    expect(audit[0].after.days[0]).to.deep.equal({ date: '2027-01-01', kind: 'holiday', name: '元旦' });
    const moved = (await (await as('supervisor')).get(`/api/audit?instance=${instanceId}&action=task.due-recomputed`)).body.items;
    expect(moved).to.have.length(1);
    expect(moved[0].before).to.include({ dueAt: '2027-01-04T16:00:00.000Z', warnedLevel: 'yellow' });
    expect(moved[0].after).to.include({ dueAt: '2027-01-05T16:00:00.000Z', warnedLevel: null });
    expect((await verifyAudit(s.db)).ok).to.equal(true);

    // And the monitor no longer warns for the next 90 days
    expect((await (await as('supervisor')).get('/api/monitor/summary')).body.calendar).to.include({ coveredUntil: '2027-12-31', warning: null });
  });

  it('replaces a year as a whole and never lets the package add back a day the bureau removed', async () => {
    // When supervision saves 2026 without 7 October (the package has 1–7 October off)
    const y2026 = (await (await as('supervisor')).get('/api/calendar/2026')).body.days;
    const kept = y2026.filter((d: any) => d.date !== '2026-10-07');
    const res = await put('supervisor', '2026', { days: kept });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.days).to.have.length(y2026.length - 1);
    expect(res.body.recomputedTasks).to.equal(0); // the open task's window lies in 2027
    // Then seeding again at the next start-up leaves the removed day out
    expect(await seedCalendar(s.db, clock.now())).to.equal(0);
    expect((await stored(2026)).map((d: any) => d.date)).to.not.include('2026-10-07');
    // Saving 2027 again unchanged moves nothing, but is audited with before and after
    const again = await put('owner', '2027', { days: (await stored(2027)).map((d: any) => ({ ...d })) });
    expect(again.body.recomputedTasks).to.equal(0);
    const audit = (await (await as('supervisor')).get('/api/audit?action=calendar.update')).body.items;
    expect(audit).to.have.length(3);
  });
});
