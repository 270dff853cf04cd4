import { expect } from 'chai';
import { ManualClock } from '../../src/clock.ts';
import { seedOrganisation } from '../../src/domain/org.ts';
import { SupervisionScheduler } from '../../src/domain/supervision/scheduler.ts';
import { listUploads } from '../../src/store/exchange.ts';
import { listNotifications } from '../../src/store/notifications.ts';
import { lastRuns } from '../../src/store/schedule.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';

const at = (iso: string) => Date.parse(iso);

describe('supervision: the scheduler runs weekly and monthly checks once, on any number of nodes', () => {
  let t: TestDatabase;

  before(async () => {
    t = await freshDatabase();
    await seedOrganisation(t.db, at('2026-11-01T00:00:00+08:00'), true);
  });
  after(async () => {
    await t.drop();
  });

  it('drives a clock from late November into December: one login check per week, one upload package per month', async () => {
    const clock = new ManualClock(at('2026-11-24T10:00:00+08:00'));
    const since = at('2026-11-01T00:00:00+08:00');
    const a = new SupervisionScheduler({ db: t.db, clock, node: 'a', since });
    const b = new SupervisionScheduler({ db: await t.reopen(), clock, node: 'b', since });
    await t.db('login_events').insert({ username: 'supervisor', success: true, reason: 'ok', ip: '10.0.0.9', user_agent: 't', at: at('2026-11-24T09:00:00+08:00') });

    // Every hour for ten days, both nodes tick.
    for (let h = 0; h < 240; h++) {
      await Promise.all([a.tick(clock.now()), b.tick(clock.now())]);
      clock.advance(3_600_000);
    }
    const runs = await lastRuns(t.db, 100);
    const of = (name: string) => runs.filter((r) => r.name === name).map((r) => r.period).sort();
    expect(of('login-check')).to.deep.equal(['2026-W47', '2026-W48']);
    expect(of('monthly-upload')).to.deep.equal(['2026-11']);
    expect(runs.every((r) => r.finishedAt !== null)).to.equal(true);
    const uploads = await listUploads(t.db);
    expect(uploads.map((u) => `${u.month}:${u.trigger}`)).to.deep.equal(['2026-11:job']);
    // Week 48: the supervisor signed in once — supervision hears of it once per supervision member.
    const notes = (await listNotifications(t.db, 'supervisor2')).rows.filter((n) => n.kind === 'logins.short' && n.title.includes('2026-W48'));
    expect(notes.map((n) => n.title)).to.include('登录不足：刘清（监察室，2026-W48）');
    expect(new Set(notes.map((n) => n.title)).size).to.equal(notes.length);
    // November had no recorded upload: one warning per supervision member.
    expect((await listNotifications(t.db, 'supervisor')).rows.filter((n) => n.kind === 'upload.missing').map((n) => n.title)).to.deep.equal(['2026-11 未向省平台上传数据']);
  });
});
