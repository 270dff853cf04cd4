import { expect } from 'chai';
import { verifyAudit } from '../../src/domain/audit.ts';
import { auditHead } from '../../src/store/audit.ts';
import { startServer, type Client, type TestServer } from '../helpers/api.ts';

/**
 * Issue 10, finding 2: the vendor took over any account by setting its password. Now the vendor
 * sets only a new account's first password alone; every other reset is a request a leader or
 * supervision (neither the vendor nor the owner) approves, carried out once within a day, and the
 * owner is told and signed out.
 */
describe('security: the vendor cannot take over an account by setting its password', () => {
  let s: TestServer;
  let vendor: Client;
  let leader: Client;
  let sup: Client;

  const settle = async () => {
    for (let i = 0; i < 20 && (await s.engine.jobs.runDue()) > 0; i++);
  };
  /** What a refused reset must leave alone: the account's credential, history, sessions, the requests, the audit chain. */
  const snapshot = async (userId: string) => ({
    credential: await s.db('users').where({ id: userId }).first('password_hash', 'must_change_password', 'password_changed_at'),
    history: await s.db('password_history').where({ user_id: userId }).orderBy('id').select('id'),
    sessions: await s.db('sessions').where({ user_id: userId }).orderBy('id').select('id', 'ended_at'),
    requests: await s.db('password_reset_requests').orderBy('id').select(),
    approvals: Number((await s.db('process_instances').where({ process_key: 'platform-password-reset' }).count({ n: '*' }))[0].n),
    audit: await auditHead(s.db),
  });
  const approvalTask = async (approvalInstanceId: string) => {
    const tasks = await s.engine.tasksOfInstance(approvalInstanceId);
    return tasks.find((t) => t.elementId === 'Task_Approval' && t.status === 'open')!;
  };
  const notes = async (c: Client, kind: string) => ((await c.get('/api/notifications')).body.items as any[]).filter((n) => n.kind === kind);
  const NEW_PASSWORD = 'Reset-Pass-2026!';

  before(async () => {
    s = await startServer({ procedures: true });
    [vendor, leader, sup] = await Promise.all(['vendor', 'leader', 'supervisor'].map((u) => s.login(u)));
  });
  after(async () => {
    await s.close();
  });

  it('refuses the vendor setting a supervisor’s password alone, changing nothing (the attack of finding 2)', async () => {
    // Given 何静 of supervision is signed in
    const victim = await s.login('supervisor2');
    const before = await snapshot('supervisor2');
    // When the vendor sets her password
    const res = await vendor.post('/api/users/supervisor2/password', { password: NEW_PASSWORD });
    // Then it is refused for want of a second person's approval
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    // And nothing changed: her password, history and session, no request, the audit chain
    expect(await snapshot('supervisor2')).to.deep.equal(before);
    expect((await victim.get('/api/me')).status).to.equal(200);
    expect((await s.anonymous().post('/api/auth/login', { username: 'supervisor2', password: NEW_PASSWORD })).status).to.equal(401);
    expect((await s.anonymous().post('/api/auth/login', { username: 'supervisor2', password: 'Demo@2026!' })).status).to.equal(200);
  });

  it('refuses an ordinary account that existed before, the vendor’s own, and anyone but the vendor', async () => {
    const owner = await s.login('owner');
    const staff2 = await snapshot('staff2');
    const ordinary = await vendor.post('/api/users/staff2/password', { password: NEW_PASSWORD });
    expect(ordinary.status).to.equal(403);
    expect(ordinary.body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    expect(await snapshot('staff2')).to.deep.equal(staff2);
    const own = await snapshot('vendor');
    const self = await vendor.post('/api/users/vendor/password', { password: NEW_PASSWORD });
    expect(self.status).to.equal(403);
    expect(self.body.error.code).to.equal('PASSWORD_RESET_SELF');
    expect((await vendor.post('/api/users/vendor/password-reset-requests', { reason: '忘记密码' })).body.error.code).to.equal('PASSWORD_RESET_SELF');
    expect(await snapshot('vendor')).to.deep.equal(own);
    const notVendor = await owner.post('/api/users/staff2/password-reset-requests', { reason: '忘记密码' });
    expect(notVendor.status).to.equal(403);
    expect(notVendor.body.error.code).to.equal('FORBIDDEN');
    expect(await snapshot('staff2')).to.deep.equal(staff2);
  });

  it('resets after a leader approves: once, signing the owner out and telling her', async () => {
    // Given 何静 is signed in, and the vendor asks to reset her password
    const victim = await s.login('supervisor2');
    const asked = await vendor.post('/api/users/supervisor2/password-reset-requests', { reason: '本人电话告知忘记密码' });
    expect(asked.status, asked.text).to.equal(202);
    expect(asked.body).to.include({ status: 'pending', userId: 'supervisor2', userName: '何静', requestedBy: 'vendor' });
    // Then she is told at once, and a second request meanwhile is 409
    expect(await notes(victim, 'password.reset-requested')).to.have.length(1);
    const again = await vendor.post('/api/users/supervisor2/password-reset-requests', { reason: '再次申请' });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('PASSWORD_RESET_PENDING');
    // And while it is pending the vendor still cannot set the password
    const before = await snapshot('supervisor2');
    expect((await vendor.post('/api/users/supervisor2/password', { password: NEW_PASSWORD })).body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    expect(await snapshot('supervisor2')).to.deep.equal(before);
    // And neither the vendor (not a candidate) nor 何静 herself (supervision, but the owner) may approve
    const task = await approvalTask(asked.body.approvalInstanceId);
    expect((await vendor.post(`/api/tasks/${task.id}/claim`)).body.error.code).to.equal('NOT_CANDIDATE');
    const byOwner = await victim.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '同意重置' } });
    expect(byOwner.status).to.equal(403);
    expect(byOwner.body.error.code).to.equal('SEPARATION_OF_DUTIES');
    expect(await snapshot('supervisor2')).to.deep.equal(before);
    // When 陈立新 approves
    const approved = await leader.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'approve', comment: '已电话核实本人' } });
    expect(approved.status, approved.text).to.equal(200);
    await settle();
    const listed = (await sup.get('/api/password-reset-requests?userId=supervisor2')).body.items;
    expect(listed[0]).to.include({ status: 'approved', decidedBy: 'leader', comment: '已电话核实本人' });
    expect(await notes(vendor, 'password.reset-approved')).to.have.length(1);
    // And the vendor sets the password, twice at once: only one of the two uses the approval
    const live = (await s.db('sessions').where({ user_id: 'supervisor2' }).whereNull('ended_at')).length;
    expect(live).to.be.at.least(1);
    const [a, b] = await Promise.all([
      vendor.post('/api/users/supervisor2/password', { password: NEW_PASSWORD }),
      vendor.post('/api/users/supervisor2/password', { password: 'Other-Pass-2026!' }),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 403]);
    const done = a.status === 200 ? a : b;
    const password = a.status === 200 ? NEW_PASSWORD : 'Other-Pass-2026!';
    expect(done.body).to.include({ mode: 'approved-reset', mustChangePassword: true, sessionsEnded: live });
    // Then her session ended and she was told why; the new password must be changed at once
    expect((await victim.get('/api/me')).status).to.equal(401);
    const fresh = await s.login('supervisor2', password);
    expect((await fresh.get('/api/tasks')).body.error.code).to.equal('PASSWORD_CHANGE_REQUIRED');
    expect((await s.db('notifications').where({ user_id: 'supervisor2', kind: 'password.reset' })).length).to.equal(1);
    // And the request is used up: a further set is refused
    expect((await vendor.post('/api/users/supervisor2/password', { password: 'Third-Pass-2026!' })).body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    expect(await s.db('password_reset_requests').where({ id: asked.body.id }).first()).to.include({ status: 'used', decided_by: 'leader' });
    // And every step is in the audit trail, which is intact
    const actions = (await sup.get('/api/audit?objectId=supervisor2')).body.items.map((r: any) => `${r.action}:${r.actor}`);
    expect(actions).to.include.members(['auth.password.reset-requested:vendor', 'auth.password.reset-approved:leader', 'auth.password.reset:vendor', 'auth.password.set:vendor']);
    expect((await verifyAudit(s.db)).ok).to.equal(true);
  });

  it('sets nothing when the approver rejects, and nothing after the approval has lapsed', async () => {
    // A rejected request: the vendor and the owner are told, and the password cannot be set
    const asked = await vendor.post('/api/users/staff2/password-reset-requests', { reason: '忘记密码' });
    expect(asked.status).to.equal(202);
    const task = await approvalTask(asked.body.approvalInstanceId);
    expect((await sup.post(`/api/tasks/${task.id}/complete`, { variables: { decision: 'reject', comment: '未核实本人身份' } })).status).to.equal(200);
    await settle();
    const staff2 = await s.login('staff2');
    expect(await notes(staff2, 'password.reset-rejected')).to.have.length(1);
    const before = await snapshot('staff2');
    expect((await vendor.post('/api/users/staff2/password', { password: NEW_PASSWORD })).body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    expect(await snapshot('staff2')).to.deep.equal(before);
    // An approval not used within a day lapses
    const again = await vendor.post('/api/users/staff2/password-reset-requests', { reason: '本人到场核实后再次申请' });
    expect(again.status).to.equal(202);
    const second = await approvalTask(again.body.approvalInstanceId);
    expect((await sup.post(`/api/tasks/${second.id}/complete`, { variables: { decision: 'approve', comment: '已核实' } })).status).to.equal(200);
    await settle();
    s.clock.advance(25 * 3600e3);
    // (every session has lapsed too)
    [vendor, sup] = await Promise.all(['vendor', 'supervisor'].map((u) => s.login(u)));
    const lapsed = await vendor.post('/api/users/staff2/password', { password: NEW_PASSWORD });
    expect(lapsed.body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    expect(await s.db('password_reset_requests').where({ id: again.body.id }).first()).to.include({ status: 'expired' });
    expect((await s.db('users').where({ id: 'staff2' }).first('password_hash')).password_hash).to.equal(before.credential.password_hash);
  });

  it('sets a new account’s first password directly only until it first signs in', async () => {
    // Given an account an approved user/role change created (as org.applyChanges records it), never signed in
    await s.db('org_changes').insert({
      user_id: 'staff3', action: 'create', detail: '{}', instance_id: 'fixture-instance', reason: '新进人员', by: 'vendor', at: s.clock.now(), requested_by: 'head', approved_by: '[]',
    });
    await s.db('sessions').where({ user_id: 'staff3' }).delete();
    // When the vendor sets its first password, it works at once
    const first = await vendor.post('/api/users/staff3/password', { password: NEW_PASSWORD });
    expect(first.status, first.text).to.equal(200);
    expect(first.body).to.include({ mode: 'first-password', mustChangePassword: true });
    // Then, once its owner has signed in, another direct set is refused and changes nothing
    await s.login('staff3', NEW_PASSWORD);
    const before = await snapshot('staff3');
    const second = await vendor.post('/api/users/staff3/password', { password: 'Another-Pass-2026!' });
    expect(second.status).to.equal(403);
    expect(second.body.error.code).to.equal('PASSWORD_RESET_NEEDS_APPROVAL');
    expect(await snapshot('staff3')).to.deep.equal(before);
  });

  it('cannot be approved by starting the approval procedure by hand', async () => {
    const before = await snapshot('staff2');
    const res = await sup.post('/api/process-definitions/platform-password-reset/start', { variables: { requestId: 'x', userId: 'staff2', requestedBy: 'vendor' } });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('NOT_STARTER');
    expect(await snapshot('staff2')).to.deep.equal(before);
  });
});
