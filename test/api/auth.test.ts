import { expect } from 'chai';
import { LOCK_MS, PASSWORD_MAX_AGE_MS, SESSION_IDLE_MS } from '../../src/domain/auth.ts';
import { DEMO_PASSWORD } from '../../src/domain/sign-ins.ts';
import { startServer, type TestServer } from '../helpers/api.ts';

describe('API: sign-in, sessions and passwords (Art. 11)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(async () => {
    await s.close();
  });

  it('signs in with the demo password: token, HttpOnly cookie, user with groups and unit', async () => {
    const res = await s.anonymous().post('/api/auth/login', { username: 'head', password: DEMO_PASSWORD });
    expect(res.status).to.equal(200);
    expect(res.body.token).to.be.a('string').with.length.greaterThan(30);
    expect(res.body.mustChangePassword).to.equal(false);
    expect(res.body.user).to.include({ id: 'head', displayName: '王建国', unitId: 'inspection-brigade' });
    expect(res.body.groups.map((g: any) => g.id)).to.include('unit-heads');
    expect(res.body.unit.name).to.equal('监察大队');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).to.match(/pcp_session=/).and.match(/httponly/i).and.match(/samesite=strict/i);

    // The cookie alone signs the request in, as does the Bearer token alone.
    const byCookie = await s.anonymous().get('/api/me', { headers: { cookie: cookie.split(';')[0] } });
    expect(byCookie.status).to.equal(200);
    expect(byCookie.body.user.id).to.equal('head');
    const byBearer = await s.anonymous().get('/api/me', { headers: { authorization: `Bearer ${res.body.token}` } });
    expect(byBearer.body.user.id).to.equal('head');
  });

  it('answers 401 without a session, with a bad token, and the same 401 for a wrong password or unknown user', async () => {
    const none = await s.anonymous().get('/api/tasks');
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal('UNAUTHORIZED');
    const bad = await s.anonymous().get('/api/tasks', { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).to.equal(401);
    const wrong = await s.anonymous().post('/api/auth/login', { username: 'legal', password: 'Wrong@2026!x' });
    const unknown = await s.anonymous().post('/api/auth/login', { username: 'nobody', password: 'Wrong@2026!x' });
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(wrong.body).to.deep.equal(unknown.body);
    expect(wrong.body.error.code).to.equal('INVALID_CREDENTIALS');
    expect(JSON.stringify(wrong.body)).not.to.match(/at .*\.ts|stack/i);
  });

  it('refuses malformed sign-in requests: 400 per field, 400 bad JSON, 415 not JSON, 413 too large', async () => {
    const c = s.anonymous();
    const missing = await c.post('/api/auth/login', { username: 'staff' });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details).to.deep.include({ field: 'password', message: '必填' });
    const typed = await c.post('/api/auth/login', { username: 5, password: 'x' });
    expect(typed.status).to.equal(400);
    expect(typed.body.error.details[0].field).to.equal('username');
    const badJson = await c.post('/api/auth/login', undefined, { raw: '{"username": ', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).to.equal(400);
    expect(badJson.body.error.code).to.equal('BAD_REQUEST');
    const form = await c.post('/api/auth/login', undefined, { raw: 'username=staff&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).to.equal(415);
    expect(form.body.error.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
    const huge = await c.post('/api/auth/login', { username: 'staff', password: 'x'.repeat(600 * 1024) });
    expect(huge.status).to.equal(413);
    expect(huge.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('records every sign-in attempt with its IP address (a client cannot forge it with X-Forwarded-For)', async () => {
    await s.anonymous().post('/api/auth/login', { username: 'legal', password: 'Forged@2026!x' }, { headers: { 'x-forwarded-for': '6.6.6.6' } });
    const sup = await s.login('supervisor');
    const res = await sup.get('/api/login-events?username=legal');
    expect(res.status).to.equal(200);
    const failed = res.body.items.find((e: any) => !e.success);
    expect(failed).to.include({ username: 'legal', reason: 'bad-password' });
    expect(failed.ip).to.match(/127\.0\.0\.1/);
    expect(res.body.items.filter((e: any) => !e.success).map((e: any) => e.ip)).not.to.include('6.6.6.6');
    const unknown = await sup.get('/api/login-events?username=nobody');
    expect(unknown.body.items[0]).to.include({ success: false, reason: 'unknown-user' });
    const ok = await sup.get('/api/login-events?username=supervisor&success=true');
    expect(ok.body.total).to.be.greaterThan(0);
    // Only supervision reads them.
    const staff = await s.login('staff');
    expect((await staff.get('/api/login-events')).status).to.equal(403);
  });

  it('locks the account for 15 minutes after 5 wrong passwords, refusing even the right one', async () => {
    const c = s.anonymous();
    for (let i = 1; i <= 4; i++) {
      const r = await c.post('/api/auth/login', { username: 'engineer', password: `Wrong-pass-${i}` });
      expect(r.status, `attempt ${i}`).to.equal(401);
    }
    const fifth = await c.post('/api/auth/login', { username: 'engineer', password: 'Wrong-pass-5' });
    expect(fifth.status).to.equal(403);
    expect(fifth.body.error.code).to.equal('ACCOUNT_LOCKED');
    expect(fifth.body.error.message).to.match(/锁定/);
    const right = await c.post('/api/auth/login', { username: 'engineer', password: DEMO_PASSWORD });
    expect(right.status).to.equal(403);
    expect(right.body.error.code).to.equal('ACCOUNT_LOCKED');

    s.clock.advance(LOCK_MS + 1000);
    const later = await c.post('/api/auth/login', { username: 'engineer', password: DEMO_PASSWORD });
    expect(later.status).to.equal(200);
  });

  it('ends a session after 30 idle minutes, and keeps an active one alive', async () => {
    const c = await s.login('itc');
    s.clock.advance(SESSION_IDLE_MS - 60e3);
    expect((await c.get('/api/me')).status).to.equal(200);
    s.clock.advance(SESSION_IDLE_MS - 60e3); // 58 minutes after sign-in, 29 after the last request
    expect((await c.get('/api/me')).status).to.equal(200);
    s.clock.advance(SESSION_IDLE_MS + 1000);
    const expired = await c.get('/api/me');
    expect(expired.status).to.equal(401);
    expect(expired.body.error.code).to.equal('SESSION_EXPIRED');
  });

  it('logs out: the token stops working and the cookie is cleared', async () => {
    const c = await s.login('party');
    const out = await c.post('/api/auth/logout');
    expect(out.status).to.equal(204);
    expect(out.headers.get('set-cookie')).to.match(/pcp_session=;/);
    expect((await c.get('/api/me')).status).to.equal(401);
  });

  it('forces a password change after 90 days: every other endpoint answers 403 PASSWORD_CHANGE_REQUIRED', async () => {
    const clock = s.clock;
    clock.advance(PASSWORD_MAX_AGE_MS + 24 * 3600e3);
    const login = await s.anonymous().post('/api/auth/login', { username: 'discipline', password: DEMO_PASSWORD });
    expect(login.status).to.equal(200);
    expect(login.body.mustChangePassword).to.equal(true);
    const c = await s.login('discipline');
    for (const path of ['/api/tasks', '/api/me', '/api/process-definitions']) {
      const r = await c.get(path);
      expect(r.status, path).to.equal(403);
      expect(r.body.error.code).to.equal('PASSWORD_CHANGE_REQUIRED');
    }

    // Rules: length and character classes, per field (422); the old password must match.
    const weak = await c.post('/api/auth/password', { oldPassword: DEMO_PASSWORD, newPassword: 'short1' });
    expect(weak.status).to.equal(422);
    expect(weak.body.error.code).to.equal('VALIDATION_FAILED');
    expect(weak.body.error.details.map((d: any) => d.field)).to.deep.equal(['newPassword', 'newPassword']);
    const oneClass = await c.post('/api/auth/password', { oldPassword: DEMO_PASSWORD, newPassword: 'abcdefghijkl' });
    expect(oneClass.status).to.equal(422);
    expect(oneClass.body.error.details[0].message).to.match(/三类/);
    const wrongOld = await c.post('/api/auth/password', { oldPassword: 'Not-the-old-1', newPassword: 'Brand-new-2026' });
    expect(wrongOld.status).to.equal(422);
    expect(wrongOld.body.error.details).to.deep.equal([{ field: 'oldPassword', message: '原密码不正确' }]);
    const same = await c.post('/api/auth/password', { oldPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD });
    expect(same.status).to.equal(422);
    expect(same.body.error.details[0].message).to.match(/最近 5 次/);

    const changed = await c.post('/api/auth/password', { oldPassword: DEMO_PASSWORD, newPassword: 'Brand-new-2026' });
    expect(changed.status).to.equal(200);
    expect(changed.body.mustChangePassword).to.equal(false);
    expect((await c.get('/api/tasks')).status).to.equal(200);
    // The session signed in before the change ended; the new password signs in.
    const other = await s.anonymous().get('/api/me', { headers: { authorization: `Bearer ${login.body.token}` } });
    expect(other.status).to.equal(401);
    expect((await s.login('discipline', 'Brand-new-2026')).token).to.be.a('string');
  });

  it('does not let any of the last five passwords be reused', async () => {
    const c = await s.login('vendor');
    const passwords = [DEMO_PASSWORD, 'Second-pass-1', 'Third-pass-2', 'Fourth-pass-3', 'Fifth-pass-4', 'Sixth-pass-5'];
    for (let i = 1; i < passwords.length; i++) {
      const r = await c.post('/api/auth/password', { oldPassword: passwords[i - 1], newPassword: passwords[i] });
      expect(r.status, `change ${i}`).to.equal(200);
    }
    // Current is Sixth; the last five are Second … Sixth: all refused. The demo one is sixth back: allowed.
    for (const old of passwords.slice(1)) {
      const r = await c.post('/api/auth/password', { oldPassword: 'Sixth-pass-5', newPassword: old });
      expect(r.status, old).to.equal(422);
    }
    const back = await c.post('/api/auth/password', { oldPassword: 'Sixth-pass-5', newPassword: DEMO_PASSWORD });
    expect(back.status).to.equal(200);
  });

  it('writes audit rows for sign-in, failure, lock, logout and password change', async () => {
    // 90 days have passed in this file: the supervisor changes the expired password first.
    const sup = await s.login('supervisor');
    expect((await sup.post('/api/auth/password', { oldPassword: DEMO_PASSWORD, newPassword: 'Supervise-2027' })).status).to.equal(200);
    const actions = async (actor: string) => (await sup.get(`/api/audit?actor=${actor}&limit=200`)).body.items.map((a: any) => a.action);
    expect(await actions('engineer')).to.include.members(['auth.login.failed', 'auth.locked', 'auth.login']);
    expect(await actions('party')).to.include.members(['auth.login', 'auth.logout']);
    expect(await actions('discipline')).to.include('auth.password.change');
    const change = (await sup.get('/api/audit?actor=discipline&action=auth.password.change')).body.items[0];
    expect(change.ip).to.match(/127\.0\.0\.1/);
    expect(change.after.mustChangePassword).to.equal(false);
    expect(JSON.stringify(change)).not.to.match(/scrypt|Brand-new/);
  });
});
