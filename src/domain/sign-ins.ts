import type { Knex } from 'knex';
import { anyPasswordSet } from '../store/auth.ts';
import { getUser, grant, insertUser } from '../store/org.ts';
import type { AuthService } from './auth.ts';
import { DEMO_USERS } from './demo-org.ts';
import { randomPassword } from './passwords.ts';

/** The demo organisation's shared password (README); not forced to change. */
export const DEMO_PASSWORD = 'Demo@2026!';

export interface InitialSignIn {
  username: string;
  password: string;
  displayName: string;
  groups: string[];
  mustChangePassword: boolean;
}

/**
 * On a database where nobody has a password yet: with `demo`, gives every demo user the demo
 * password; without, creates the three administrators of 三员分立 (`sysadmin`, `secadmin`,
 * `auditor`), each with a random password that must be changed at first sign-in. Returns the sign-ins to print once; [] when already set up.
 * Usage: `const signIns = await ensureInitialSignIns(db, auth, { demo: config.demo })`.
 */
export async function ensureInitialSignIns(db: Knex, auth: AuthService, opts: { demo: boolean }): Promise<InitialSignIn[]> {
  if (await anyPasswordSet(db)) return [];
  const out: InitialSignIn[] = [];
  if (opts.demo) {
    const users = [];
    for (const u of DEMO_USERS) {
      const row = await getUser(db, u.id);
      if (row && row.status === 'active') users.push(u);
    }
    // Hashing is the slow part: as many at once as the hasher has workers, never more than its
    // queue takes (a full queue refuses with 503).
    const batch = Math.max(1, auth.hasher.workers);
    for (let i = 0; i < users.length; i += batch) {
      await Promise.all(users.slice(i, i + batch).map((u) => auth.setPassword(u.id, DEMO_PASSWORD, { mustChange: false, by: 'system' })));
    }
    for (const u of users) out.push({ username: u.id, password: DEMO_PASSWORD, displayName: u.displayName, groups: u.groups, mustChangePassword: false });
    if (out.length) return out;
  }
  // 三员分立: three administrators, none holding another's role, each with a one-time password.
  const now = auth.clock.now();
  for (const a of ADMINISTRATORS) {
    if (!(await getUser(db, a.id))) {
      await db.transaction(async (trx) => {
        await insertUser(trx, { id: a.id, displayName: a.displayName, unitId: 'general-office', title: a.displayName, phone: null, status: 'active', createdAt: now, updatedAt: now });
        for (const g of a.groups) await grant(trx, a.id, g, 'system', now);
      });
    }
    const password = randomPassword();
    await auth.setPassword(a.id, password, { mustChange: true, by: 'system' });
    out.push({ username: a.id, password, displayName: a.displayName, groups: a.groups, mustChangePassword: true });
  }
  return out;
}

/**
 * The first administrators of a platform without the demo organisation (DEMO=0): the system
 * administrator also proposes processes (process owner); the auditor also reads what the
 * supervision office reads of the audit trail. None of them approves anything: approvals need
 * leaders, created through user-role-change.
 */
export const ADMINISTRATORS: Array<{ id: string; displayName: string; groups: string[] }> = [
  { id: 'sysadmin', displayName: '系统管理员', groups: ['staff', 'system-admins', 'process-owners'] },
  { id: 'secadmin', displayName: '安全管理员', groups: ['staff', 'security-admins'] },
  { id: 'auditor', displayName: '安全审计员', groups: ['staff', 'security-auditors'] },
];

/** The sign-ins as console lines (printed once by `npm start`). */
export function formatSignIns(list: InitialSignIn[]): string {
  const lines = ['', 'Sign-ins created (user name / password / groups):'];
  for (const s of list) {
    lines.push(`  ${s.username.padEnd(14)} ${s.password.padEnd(22)} ${s.displayName}  [${s.groups.join(', ')}]${s.mustChangePassword ? '  (must change at first sign-in)' : ''}`);
  }
  return lines.join('\n') + '\n';
}
