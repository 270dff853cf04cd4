import { expect } from 'chai';
import { AuthService } from '../../src/domain/auth.ts';
import { ensureInitialSignIns } from '../../src/domain/sign-ins.ts';
import { startServer, type TestServer } from '../helpers/api.ts';

describe('API: the first sign-ins of a new database', () => {
  describe('with the demo organisation', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer();
    });
    after(async () => {
      await s.close();
    });

    it('gives every demo user the demo password, not to be changed, once', async () => {
      expect(s.signIns.map((x) => x.username)).to.include.members(['staff', 'head', 'leader', 'supervisor', 'legal', 'itc', 'vendor', 'party', 'discipline', 'engineer', 'owner']);
      expect(s.signIns.every((x) => x.password === 'Demo@2026!' && !x.mustChangePassword)).to.equal(true);
      const owner = await s.login('owner');
      expect((await owner.get('/api/me')).body).to.include({ mustChangePassword: false });
      // A second start prints nothing and changes nothing.
      expect(await ensureInitialSignIns(s.db, new AuthService(s.db, s.clock), { demo: true })).to.deep.equal([]);
    });
  });

  describe('with DEMO=0', () => {
    let s: TestServer;
    before(async () => {
      s = await startServer({ demo: false });
    });
    after(async () => {
      await s.close();
    });

    it('creates the three administrators of 三员分立, each with a one-time password that must be changed', async () => {
      // Given a platform started with DEMO=0
      // Then exactly the system administrator, the security administrator and the auditor exist
      expect(s.signIns.map((x) => x.username)).to.deep.equal(['sysadmin', 'secadmin', 'auditor']);
      for (const x of s.signIns) {
        expect(x.mustChangePassword).to.equal(true);
        expect(x.password).to.have.length.greaterThan(12).and.not.equal('Demo@2026!');
      }
      expect(await s.db('users').count({ n: '*' }).first()).to.deep.equal({ n: 3 });
      expect((await s.anonymous().post('/api/auth/login', { username: 'staff', password: 'Demo@2026!' })).status).to.equal(401);
      // And each holds exactly one of the three roles
      const roles = ['system-admins', 'security-admins', 'security-auditors'];
      for (const [i, x] of s.signIns.entries()) {
        const groups = (await s.db('memberships').where({ user_id: x.username })).map((m: any) => m.group_id);
        expect(groups.filter((g: string) => roles.includes(g))).to.deep.equal([roles[i]]);
      }
      // When the system administrator signs in, the password must be changed first
      const admin = s.signIns[0];
      const c = await s.login('sysadmin', admin.password);
      const blocked = await c.get('/api/process-definitions');
      expect(blocked.status).to.equal(403);
      expect(blocked.body.error.code).to.equal('PASSWORD_CHANGE_REQUIRED');
      expect((await c.post('/api/auth/password', { oldPassword: admin.password, newPassword: 'Secure-Platform-2026' })).status).to.equal(200);
      expect((await c.get('/api/process-definitions')).status).to.equal(200);
      expect((await c.get('/api/me')).body.groups.map((g: any) => g.id)).to.include.members(['process-owners', 'system-admins']);
      expect(await ensureInitialSignIns(s.db, new AuthService(s.db, s.clock), { demo: false })).to.deep.equal([]);
    });
  });
});
