import { expect } from 'chai';
import { verifyAudit } from '../../src/domain/audit.ts';
import { startServer, type TestServer } from '../helpers/api.ts';
import { usingPostgres } from '../helpers/db.ts';

/**
 * Issue 19, item 4: audit rows and sign-in records are kept as the law asks — append-only at the
 * database level, whatever code or console tries to change them.
 */
describe('security: the audit trail and sign-in records are append-only in the database', () => {
  let s: TestServer;
  const snapshot = async () => ({
    audit: await s.db('audit_log').orderBy('seq').select(),
    logins: await s.db('login_events').orderBy('id').select(),
  });

  before(async () => {
    s = await startServer();
    await s.login('staff');
    await s.anonymous().post('/api/auth/login', { username: 'staff', password: 'wrong-password-1' });
  });
  after(async () => {
    await s.close();
  });

  for (const table of ['audit_log', 'login_events']) {
    it(`refuses UPDATE and DELETE on ${table}, changing nothing`, async () => {
      // Given rows in the table
      const before = await snapshot();
      expect(before.audit.length).to.be.greaterThan(0);
      expect(before.logins.length).to.be.greaterThan(0);
      // When someone updates or deletes rows directly
      const update = table === 'audit_log' ? { actor: 'mallory' } : { username: 'mallory' };
      const errors: string[] = [];
      for (const attempt of [() => s.db(table).update(update), () => s.db(table).delete()]) {
        try {
          await attempt();
          errors.push('none');
        } catch (err) {
          errors.push(String((err as Error).message));
        }
      }
      // Then both are refused by the database, and every row is as it was
      expect(errors).to.have.length(2);
      for (const e of errors) expect(e).to.match(/append-only/);
      expect(await snapshot()).to.deep.equal(before);
      expect((await verifyAudit(s.db)).ok).to.equal(true);
    });
  }

  it('refuses TRUNCATE on PostgreSQL (SQLite has none)', async function () {
    const before = await snapshot();
    if (usingPostgres) {
      let message = '';
      await s.db.raw('TRUNCATE audit_log').catch((err: Error) => (message = err.message));
      expect(message).to.match(/append-only/);
    } else {
      // SQLite's DELETE without WHERE (its truncate optimisation) still fires the delete trigger
      let message = '';
      await s.db.raw('DELETE FROM audit_log').catch((err: Error) => (message = err.message));
      expect(message).to.match(/append-only/);
    }
    expect(await snapshot()).to.deep.equal(before);
  });

  it('still accepts new rows: signing in and out goes on', async () => {
    const before = await snapshot();
    const c = await s.login('staff2');
    expect((await c.post('/api/auth/logout')).status).to.equal(204);
    const after = await snapshot();
    expect(after.logins.length).to.equal(before.logins.length + 1);
    expect(after.audit.length).to.equal(before.audit.length + 2);
  });
});
