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
 * password; without, creates `admin` (process owner and supervision) with a random password that
 * must be changed at first sign-in. Returns the sign-ins to print once; [] when already set up.
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
  const now = auth.clock.now();
  if (!(await getUser(db, 'admin'))) {
    await db.transaction(async (trx) => {
      await insertUser(trx, { id: 'admin', displayName: '系统管理员', unitId: 'general-office', title: '系统管理员', phone: null, status: 'active', createdAt: now, updatedAt: now });
      for (const g of ADMIN_GROUPS) await grant(trx, 'admin', g, 'system', now);
    });
  }
  const password = randomPassword();
  await auth.setPassword('admin', password, { mustChange: true, by: 'system' });
  out.push({ username: 'admin', password, displayName: '系统管理员', groups: ADMIN_GROUPS, mustChangePassword: true });
  return out;
}

const ADMIN_GROUPS = ['staff', 'process-owners', 'supervision'];

/** The sign-ins as console lines (printed once by `npm start`). */
export function formatSignIns(list: InitialSignIn[]): string {
  const lines = ['', 'Sign-ins created (user name / password / groups):'];
  for (const s of list) {
    lines.push(`  ${s.username.padEnd(14)} ${s.password.padEnd(22)} ${s.displayName}  [${s.groups.join(', ')}]${s.mustChangePassword ? '  (must change at first sign-in)' : ''}`);
  }
  return lines.join('\n') + '\n';
}
