import { expect } from 'chai';
import type { Knex } from 'knex';
import { seedOrganisation } from '../../src/domain/org.ts';
import { detectSharedAccounts, loginCompliance, runWeeklyLoginCheck } from '../../src/domain/supervision/logins.ts';
import { listSuggestions } from '../../src/store/compliance.ts';
import { grant, insertUser } from '../../src/store/org.ts';
import { listNotifications } from '../../src/store/notifications.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { expectError } from '../helpers/expect.ts';

const at = (iso: string) => Date.parse(iso);

async function signIn(db: Knex, username: string, when: string, opts: { success?: boolean; ip?: string } = {}) {
  await db('login_events').insert({ username, success: opts.success ?? true, reason: opts.success === false ? 'bad-password' : 'ok', ip: opts.ip ?? '10.1.1.1', user_agent: 'test', at: at(when) });
}

describe('supervision: weekly login compliance and suspected account sharing', () => {
  let t: TestDatabase;

  before(async () => {
    t = await freshDatabase();
    await seedOrganisation(t.db, at('2026-11-01T00:00:00+08:00'), true);
  });
  after(async () => {
    await t.drop();
  });

  it('flags a supervisor who signed in twice in week 48, and a silent contact person, and tells supervision once', async () => {
    await signIn(t.db, 'supervisor', '2026-11-23T09:00:00+08:00');
    await signIn(t.db, 'supervisor', '2026-11-25T09:00:00+08:00');
    await signIn(t.db, 'supervisor', '2026-11-22T23:59:00+08:00'); // Sunday of week 47: does not count
    await signIn(t.db, 'supervisor', '2026-11-24T09:00:00+08:00', { success: false }); // failures do not count
    for (const d of ['23', '24', '26']) await signIn(t.db, 'supervisor2', `2026-11-${d}T09:00:00+08:00`);
    await signIn(t.db, 'staff', '2026-11-29T23:00:00+08:00'); // Sunday evening still counts
    await signIn(t.db, 'engineer', '2026-11-27T10:00:00+08:00');

    const { lines } = await loginCompliance(t.db, '2026-W48', at('2026-11-30T08:00:00+08:00'));
    const of = (user: string, role: string) => lines.find((l) => l.userId === user && l.role === role)!;
    expect(of('supervisor', 'supervision')).to.include({ logins: 2, required: 3, ok: false });
    expect(of('supervisor2', 'supervision')).to.include({ logins: 3, ok: true });
    expect(of('staff', 'contact')).to.include({ logins: 1, ok: true, unitName: '监察大队' });
    expect(of('itc', 'contact')).to.include({ logins: 0, ok: false, unitName: '指挥信息保障中心' });

    const short = await runWeeklyLoginCheck(t.db, '2026-W48', at('2026-11-30T08:00:00+08:00'));
    expect(short.map((l) => `${l.role}:${l.userId}`).sort()).to.deep.equal(['contact:itc', 'contact:wujin', 'supervision:supervisor']);
    await runWeeklyLoginCheck(t.db, '2026-W48', at('2026-11-30T09:00:00+08:00'));
    const inbox = (await listNotifications(t.db, 'supervisor2')).rows.filter((n) => n.kind === 'logins.short');
    expect(inbox.map((n) => n.title).sort()).to.deep.equal(['登录不足：刘清（监察室，2026-W48）', '登录不足：孙网（指挥信息保障中心联络员，2026-W48）', '登录不足：武进报送员（武进区民防局联络员，2026-W48）']);
    const recorded = await t.db('login_compliance').where({ week: '2026-W48', ok: false }).count({ n: '*' }).first();
    expect(Number(recorded!.n)).to.equal(3);
    await expectError(loginCompliance(t.db, '2026-W54', 0), 'BAD_PERIOD');
  });

  it('does not count a week against a supervisor whose account was made after it began', async () => {
    // Given 周新 joins the supervision office on Wednesday of week 49 and signs in once.
    const joined = at('2026-12-02T10:00:00+08:00');
    await insertUser(t.db, { id: 'newcomer', displayName: '周新', unitId: 'supervision-office', title: '监察员', phone: null, status: 'active', createdAt: joined, updatedAt: joined });
    await grant(t.db, 'newcomer', 'supervision', 'vendor', joined);
    await signIn(t.db, 'newcomer', '2026-12-03T09:00:00+08:00', { ip: '10.9.9.9' });
    // When week 49 is checked, Then the newcomer is listed as exempt and nobody is told about them.
    const short = await runWeeklyLoginCheck(t.db, '2026-W49', at('2026-12-07T08:00:00+08:00'));
    const { lines } = await loginCompliance(t.db, '2026-W49', at('2026-12-07T08:00:00+08:00'));
    expect(lines.find((l) => l.userId === 'newcomer')).to.include({ exempt: true, required: 0, ok: true, logins: 1 });
    expect(short.map((l) => l.userId)).to.not.include('newcomer');
    expect((await listNotifications(t.db, 'supervisor')).rows.filter((n) => n.title.includes('周新'))).to.deep.equal([]);
    // And from week 50 on, three sign-ins are required of them.
    const w50 = await loginCompliance(t.db, '2026-W50', at('2026-12-14T08:00:00+08:00'));
    expect(w50.lines.find((l) => l.userId === 'newcomer')).to.include({ exempt: false, required: 3, ok: false, logins: 0 });
  });

  it('suggests, never opens, a case when an account signs in from two places at once or after failures on a foreign machine', async () => {
    // 10.2.2.2 is the usual machine of the legal officer (another unit than the brigade's staff2).
    for (const d of ['02', '03', '04']) await signIn(t.db, 'legal', `2026-11-${d}T08:30:00+08:00`, { ip: '10.2.2.2' });
    await signIn(t.db, 'staff2', '2026-11-10T10:00:00+08:00', { ip: '10.2.2.2', success: false });
    await signIn(t.db, 'staff2', '2026-11-10T10:01:00+08:00', { ip: '10.2.2.2', success: false });
    await signIn(t.db, 'staff2', '2026-11-10T10:02:00+08:00', { ip: '10.2.2.2' });
    await signIn(t.db, 'head', '2026-11-11T09:00:00+08:00', { ip: '10.3.3.3' });
    await signIn(t.db, 'head', '2026-11-11T09:10:00+08:00', { ip: '10.4.4.4' });
    await signIn(t.db, 'leader', '2026-11-12T09:00:00+08:00', { ip: '10.5.5.5' });
    await signIn(t.db, 'leader', '2026-11-12T10:00:00+08:00', { ip: '10.6.6.6' }); // an hour apart: not "at once"

    const range = [at('2026-11-09T00:00:00+08:00'), at('2026-11-16T00:00:00+08:00')] as const;
    await detectSharedAccounts(t.db, range[0], range[1], range[1]);
    await detectSharedAccounts(t.db, range[0], range[1], range[1]);
    const open = await listSuggestions(t.db, 'open');
    expect(open.map((s) => `${s.userId}:${s.kind}:${s.category}`).sort()).to.deep.equal(['head:two-ips:3', 'staff2:failed-burst-foreign-machine:3']);
    expect(await t.db('process_instances').count({ n: '*' }).first()).to.deep.include({ n: 0 });
  });
});
