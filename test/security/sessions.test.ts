import { expect } from 'chai';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/domain/auth.ts';
import { DEMO_PASSWORD } from '../../src/domain/sign-ins.ts';
import { startServer, type TestServer } from '../helpers/api.ts';
import { snapshot } from './helpers.ts';

/**
 * Issue 10, finding 12 (sessions): cross-site requests are refused, the cookie is Secure and
 * HSTS is sent whenever the request came over HTTPS (also behind a trusted proxy), and a session
 * ends 12 hours after sign-in however active it is.
 */
describe('Security: sessions, cookies and cross-site requests (issue 10, finding 12)', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ trustProxy: true });
  });
  after(async () => {
    await s.close();
  });

  async function cookieLogin(username: string, headers: Record<string, string> = {}) {
    const res = await s.anonymous().post('/api/auth/login', { username, password: DEMO_PASSWORD }, { headers });
    expect(res.status).to.equal(200);
    return { res, cookie: res.headers.get('set-cookie')!.split(';')[0] };
  }

  it('refuses a cross-site form POST to /api/auth/logout with 403 CROSS_SITE_REQUEST; the session stays alive', async () => {
    // Given supervisor2 signed in in the browser (the cookie only)
    const { cookie } = await cookieLogin('supervisor2');
    const before = await snapshot(s.db, ['sessions', 'audit_log']);
    // When a page on evil.example posts an empty form to logout with that cookie
    const attack = await s.anonymous().post('/api/auth/logout', undefined, {
      raw: '',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    });
    // Then it is refused, and nothing changed: the session lives, no logout was audited
    expect(attack.status).to.equal(403);
    expect(attack.body.error.code).to.equal('CROSS_SITE_REQUEST');
    expect(await snapshot(s.db, ['sessions', 'audit_log'])).to.deep.equal(before);
    expect(await s.db('sessions').where({ user_id: 'supervisor2' }).whereNotNull('ended_at')).to.have.length(0);
    expect((await s.anonymous().get('/api/me', { headers: { cookie } })).status).to.equal(200);

    // And a modern browser's Sec-Fetch-Site: cross-site (or same-site sibling) is refused without an Origin too
    for (const site of ['cross-site', 'same-site']) {
      const r = await s.anonymous().post('/api/auth/logout', undefined, { raw: '', headers: { cookie, 'sec-fetch-site': site } });
      expect(r.status, site).to.equal(403);
      expect(r.body.error.code).to.equal('CROSS_SITE_REQUEST');
    }
    // And a cross-site sign-in (login CSRF) is refused as well
    const foreignLogin = await s.anonymous().post('/api/auth/login', { username: 'staff', password: DEMO_PASSWORD }, { headers: { origin: 'http://evil.example' } });
    expect(foreignLogin.status).to.equal(403);
    expect(await snapshot(s.db, ['sessions', 'audit_log'])).to.deep.equal(before);
    expect((await s.anonymous().get('/api/me', { headers: { cookie } })).status).to.equal(200);
  });

  it('lets same-origin browsers and clients without Origin (curl, scripts) change state', async () => {
    const a = await cookieLogin('party');
    const same = await s.anonymous().post('/api/auth/logout', undefined, { raw: '', headers: { cookie: a.cookie, origin: s.url, 'sec-fetch-site': 'same-origin' } });
    expect(same.status).to.equal(204);
    const b = await cookieLogin('discipline');
    const curl = await s.anonymous().post('/api/auth/logout', undefined, { raw: '', headers: { cookie: b.cookie } });
    expect(curl.status).to.equal(204);
    expect((await s.anonymous().get('/api/me', { headers: { cookie: b.cookie } })).status).to.equal(401);
  });

  it('marks the cookie Secure and sends HSTS when the request came over HTTPS through the proxy, not otherwise', async () => {
    const https = await cookieLogin('legal', { 'x-forwarded-proto': 'https' });
    expect(https.res.headers.get('set-cookie')).to.match(/;\s*secure/i).and.match(/httponly/i).and.match(/samesite=strict/i);
    expect(https.res.headers.get('strict-transport-security')).to.match(/max-age=31536000/);
    const http = await cookieLogin('legal');
    expect(http.res.headers.get('set-cookie')).not.to.match(/;\s*secure/i);
    expect(http.res.headers.get('strict-transport-security')).to.equal(null);
  });

  it('ignores X-Forwarded-Proto when the server is not behind a trusted proxy', async () => {
    const direct = await startServer();
    try {
      const res = await direct.anonymous().post('/api/auth/login', { username: 'legal', password: DEMO_PASSWORD }, { headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('set-cookie')).not.to.match(/;\s*secure/i);
      expect(res.headers.get('strict-transport-security')).to.equal(null);
    } finally {
      await direct.close();
    }
  });

  it('ends a session 12 hours after sign-in even when it was never idle', async () => {
    const c = await s.login('itc');
    const login = await s.anonymous().post('/api/auth/login', { username: 'itc', password: DEMO_PASSWORD });
    expect(login.body.maxLifetimeSeconds).to.equal(SESSION_MAX_MS / 1000);
    // Active every 25 minutes for 12 hours
    const step = SESSION_IDLE_MS - 5 * 60e3;
    let elapsed = 0;
    while (elapsed + step < SESSION_MAX_MS) {
      s.clock.advance(step);
      elapsed += step;
      expect((await c.get('/api/me')).status, `after ${elapsed / 60e3} min`).to.equal(200);
    }
    s.clock.advance(SESSION_MAX_MS - elapsed + 1000);
    const expired = await c.get('/api/me');
    expect(expired.status).to.equal(401);
    expect(expired.body.error.code).to.equal('SESSION_EXPIRED');
    // A fresh sign-in works
    expect((await s.login('itc')).token).to.be.a('string');
  });
});
