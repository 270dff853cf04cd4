import { expect } from 'chai';
import { orgChangeProblems } from '../../src/domain/org-changes.ts';
import { auditHead } from '../../src/store/audit.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Issue 19, item 6: 三员分立. The system administrator, the security administrator and the
 * security auditor are three people; the auditor reads the trail and changes nothing.
 */
describe('security: 三员分立 — three administrators, no one holding two roles', () => {
  let s: TestServer;
  const clients: Record<string, Client> = {};

  before(async () => {
    s = await startServer({ demo: false });
    for (const x of s.signIns) {
      const c = await s.login(x.username, x.password);
      const next = `Three-Roles-2026!${x.username.length}`;
      expect((await c.post('/api/auth/password', { oldPassword: x.password, newPassword: next })).status).to.equal(200);
      clients[x.username] = c;
    }
  });
  after(async () => {
    await s.close();
  });

  it('refuses a change of users and roles that gives one person two of the three roles', async () => {
    // Given the auditor and a new account
    // When a change would make the auditor also a system administrator, or create someone with two roles
    const grant = await orgChangeProblems(s.db, [{ op: 'grant', userId: 'auditor', groups: ['system-admins'] }]);
    const create = await orgChangeProblems(s.db, [
      { op: 'create', userId: 'newadmin', displayName: '新管理员', unitId: 'general-office', groups: ['staff', 'security-admins', 'security-auditors'] },
    ]);
    // Then both are refused, naming the roles
    expect(grant).to.have.length(1);
    expect(grant[0]).to.contain('三员分立').and.contain('安全审计员').and.contain('系统管理员');
    expect(create).to.have.length(1);
    expect(create[0]).to.contain('安全管理员和安全审计员');
    // And a grant of one role to someone who holds none is fine
    expect(await orgChangeProblems(s.db, [{ op: 'grant', userId: 'auditor', groups: ['staff'] }])).to.have.length(1); // already has staff
    expect(await orgChangeProblems(s.db, [{ op: 'revoke', userId: 'sysadmin', groups: ['process-owners'] }])).to.deep.equal([]);
  });

  it('lets the auditor read the audit trail and sign-in records, including the administrators’ own actions', async () => {
    const audit = await clients.auditor.get('/api/audit?actor=sysadmin');
    expect(audit.status).to.equal(200);
    expect(audit.body.items.map((r: any) => r.action)).to.include('auth.password.change');
    expect((await clients.auditor.get('/api/audit/verify')).body.ok).to.equal(true);
    const logins = await clients.auditor.get('/api/login-events?username=secadmin');
    expect(logins.status).to.equal(200);
    expect(logins.body.items.length).to.be.greaterThan(0);
  });

  it('refuses the auditor every change: deployments, cancellations, password resets', async () => {
    const before = await auditHead(s.db);
    const deploy = await clients.auditor.post('/api/deployments', { files: [{ name: 'x.bpmn', content: '<x/>' }] });
    expect(deploy.status).to.equal(403);
    const reset = await clients.auditor.post('/api/users/sysadmin/password-reset-requests', { reason: '测试' });
    expect(reset.status).to.equal(403);
    expect(reset.body.error.code).to.equal('FORBIDDEN');
    const set = await clients.auditor.post('/api/users/sysadmin/password', { password: 'Another-Pass-2026!' });
    expect(set.status).to.equal(403);
    expect(await auditHead(s.db)).to.deep.equal(before);
  });

  it('keeps the trail from the system and security administrators: they cannot read it', async () => {
    for (const who of ['sysadmin', 'secadmin']) {
      const res = await clients[who].get('/api/audit');
      expect(res.status, who).to.equal(403);
      expect((await clients[who].get('/api/login-events')).status, who).to.equal(403);
    }
  });

  it('lets the security administrator ask for a reset, which still needs a second person', async () => {
    // The system administrator is protected: no direct set, only a request for approval
    const direct = await clients.secadmin.post('/api/users/sysadmin/password', { password: 'Another-Pass-2026!' });
    expect(direct.status).to.equal(403);
    expect(direct.body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    const asked = await clients.secadmin.post('/api/users/sysadmin/password-reset-requests', { reason: '本人忘记密码，电话核实' });
    expect(asked.status, asked.text).to.equal(202);
    expect(asked.body).to.include({ status: 'pending', requestedBy: 'secadmin' });
  });
});
