import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import {
  clearFailures,
  endSession,
  endSessionsOf,
  getCredential,
  getSessionUser,
  insertLoginEvent,
  insertSession,
  pushPasswordHistory,
  recentPasswordHashes,
  recordFailure,
  setPassword,
  touchSession,
  type CredentialRow,
} from '../store/auth.ts';
import { groupsOf } from '../store/org.ts';
import { appendAudit } from './audit.ts';
import { actorOf, type Person } from './org.ts';
import { hashPassword, passwordProblems, verifyPassword } from './passwords.ts';

/**
 * Sign-in, sessions and passwords under the account rules of Art. 11: passwords expire after 90
 * days, the last five cannot be reused, five failed attempts lock the account for 15 minutes,
 * sessions end after 30 minutes without a request, every attempt is recorded with its address.
 * Usage:
 *   const auth = new AuthService(db, clock);
 *   const { token } = await auth.login('staff', 'Demo@2026!', { ip });
 *   const { person } = await auth.authenticate(token);
 */

export const PASSWORD_MAX_AGE_MS = 90 * 24 * 3600e3;
export const PASSWORD_HISTORY = 5;
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MS = 15 * 60e3;
export const SESSION_IDLE_MS = 30 * 60e3;
/** Last-seen is written at most this often, so that reads do not each cost a write. */
const TOUCH_EVERY_MS = 30e3;

/** Where a request came from: recorded with sign-ins and audit rows. */
export interface ClientInfo {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export interface Authenticated {
  sessionId: string;
  person: Person;
  mustChangePassword: boolean;
  passwordExpiresAt: number | null;
}

export interface LoginResult extends Authenticated {
  token: string;
}

/** The session id stored for a token: its SHA-256, so the table alone signs nobody in. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class AuthService {
  constructor(
    readonly db: Knex,
    readonly clock: Clock,
  ) {}

  /** Whether this credential must be changed before anything else (flagged, or 90 days old). */
  mustChange(c: CredentialRow, now = this.clock.now()): boolean {
    return c.mustChangePassword || c.passwordChangedAt === null || now - c.passwordChangedAt > PASSWORD_MAX_AGE_MS;
  }

  /**
   * Checks a user name and password and opens a session. Unknown names, wrong and missing
   * passwords all answer the same 401; a locked account answers 403 ACCOUNT_LOCKED.
   */
  async login(username: string, password: string, client: ClientInfo): Promise<LoginResult> {
    const name = username.trim().slice(0, 100);
    const now = this.clock.now();
    const cred = name ? await getCredential(this.db, name) : undefined;
    const refuse = async (reason: string) => {
      await insertLoginEvent(this.db, { username: name || '(空)', success: false, reason, ip: client.ip ?? null, userAgent: ua(client), at: now });
      return new UnauthorizedError('用户名或密码错误', 'INVALID_CREDENTIALS');
    };
    if (!cred || cred.status !== 'active' || !cred.passwordHash) {
      await verifyPassword(password, null); // same time as a real check
      throw await refuse(!cred ? 'unknown-user' : cred.status !== 'active' ? 'disabled' : 'no-password');
    }
    if (cred.lockedUntil !== null && cred.lockedUntil > now) {
      await insertLoginEvent(this.db, { username: name, success: false, reason: 'locked', ip: client.ip ?? null, userAgent: ua(client), at: now });
      throw lockedError(cred.lockedUntil, now);
    }
    if (!(await verifyPassword(password, cred.passwordHash))) {
      const lockUntil = await this.countFailure(cred, now, client, 'auth.login.failed');
      if (lockUntil !== null) throw lockedError(lockUntil, now);
      throw new UnauthorizedError('用户名或密码错误', 'INVALID_CREDENTIALS');
    }
    const token = randomBytes(32).toString('base64url');
    const sessionId = sessionIdOf(token);
    await this.db.transaction(async (trx) => {
      if (cred.failedLogins || cred.lockedUntil !== null) await clearFailures(trx, cred.userId);
      await insertSession(trx, { id: sessionId, userId: cred.userId, createdAt: now, lastSeenAt: now, endedAt: null, ip: client.ip ?? null, userAgent: ua(client) });
      await insertLoginEvent(trx, { username: name, success: true, reason: 'ok', ip: client.ip ?? null, userAgent: ua(client), at: now });
      await appendAudit(trx, { actor: cred.userId, action: 'auth.login', objectType: 'user', objectId: cred.userId, ip: client.ip, requestId: client.requestId }, now);
    });
    const person = await actorOf(this.db, cred.userId);
    if (!person) throw new UnauthorizedError('用户名或密码错误', 'INVALID_CREDENTIALS');
    return { token, sessionId, person, mustChangePassword: this.mustChange(cred, now), passwordExpiresAt: expiresAt(cred) };
  }

  /** A wrong password: count it, lock at the fifth (ending the user's sessions). Returns the lock end. */
  private async countFailure(cred: CredentialRow, now: number, client: ClientInfo, action: string): Promise<number | null> {
    const failures = cred.failedLogins + 1;
    const lockUntil = failures >= MAX_FAILED_LOGINS ? now + LOCK_MS : null;
    await this.db.transaction(async (trx) => {
      await recordFailure(trx, cred.userId, lockUntil);
      if (lockUntil !== null) await endSessionsOf(trx, cred.userId, now);
      await insertLoginEvent(trx, { username: cred.userId, success: false, reason: lockUntil ? 'bad-password-locked' : 'bad-password', ip: client.ip ?? null, userAgent: ua(client), at: now });
      await appendAudit(
        trx,
        {
          actor: cred.userId,
          action: lockUntil !== null ? 'auth.locked' : action,
          objectType: 'user',
          objectId: cred.userId,
          ip: client.ip,
          requestId: client.requestId,
          after: { failedLogins: failures, lockedUntil: lockUntil },
        },
        now,
      );
    });
    return lockUntil;
  }

  /**
   * The person behind a session token: 401 UNAUTHORIZED for none or an ended session,
   * 401 SESSION_EXPIRED after 30 idle minutes. Moves the session's last-seen time forward.
   */
  async authenticate(token: string | undefined | null): Promise<Authenticated> {
    if (!token) throw new UnauthorizedError();
    const now = this.clock.now();
    const found = await getSessionUser(this.db, sessionIdOf(token));
    if (!found || found.session.endedAt !== null) throw new UnauthorizedError();
    if (now - found.session.lastSeenAt > SESSION_IDLE_MS) throw new UnauthorizedError('登录已超时，请重新登录', 'SESSION_EXPIRED');
    const c = found.credential;
    if (c.status !== 'active' || (c.lockedUntil !== null && c.lockedUntil > now)) throw new UnauthorizedError();
    if (now - found.session.lastSeenAt >= TOUCH_EVERY_MS) await touchSession(this.db, found.session.id, now);
    const person: Person = { id: c.userId, groups: await groupsOf(this.db, c.userId), displayName: found.displayName, unitId: found.unitId };
    return { sessionId: found.session.id, person, mustChangePassword: this.mustChange(c, now), passwordExpiresAt: expiresAt(c) };
  }

  /** Ends the session (idempotent). */
  async logout(a: Authenticated, client: ClientInfo): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      if (await endSession(trx, a.sessionId, now)) {
        await appendAudit(trx, { actor: a.person.id, action: 'auth.logout', objectType: 'user', objectId: a.person.id, ip: client.ip, requestId: client.requestId }, now);
      }
    });
  }

  /**
   * Changes the caller's password: the old one must match (a wrong one counts as a failed
   * sign-in), the new one must follow the rules and differ from the last five. Other sessions of
   * the user end; this one stays.
   */
  async changePassword(a: Authenticated, oldPassword: string, newPassword: string, client: ClientInfo): Promise<{ passwordExpiresAt: number }> {
    const userId = a.person.id;
    const cred = await getCredential(this.db, userId);
    if (!cred) throw new UnauthorizedError();
    const now = this.clock.now();
    if (!(await verifyPassword(oldPassword, cred.passwordHash))) {
      const lockUntil = await this.countFailure(cred, now, client, 'auth.password.failed');
      if (lockUntil !== null) throw lockedError(lockUntil, now);
      throw new ValidationError([{ field: 'oldPassword', message: '原密码不正确' }], '原密码不正确');
    }
    const problems = passwordProblems(newPassword, userId);
    if (problems.length) throw new ValidationError(problems, '新密码不符合要求');
    // The history holds every password set (the current one included); the last five count.
    const recent = await recentPasswordHashes(this.db, userId, PASSWORD_HISTORY);
    if (cred.passwordHash && !recent.includes(cred.passwordHash)) recent.unshift(cred.passwordHash);
    const reused = await Promise.all(recent.slice(0, PASSWORD_HISTORY).map((h) => verifyPassword(newPassword, h)));
    if (reused.includes(true)) {
      throw new ValidationError([{ field: 'newPassword', message: `新密码不能与最近 ${PASSWORD_HISTORY} 次使用过的密码相同` }], '新密码不符合要求');
    }
    const hash = await hashPassword(newPassword);
    await this.db.transaction(async (trx) => {
      await setPassword(trx, userId, hash, now, false);
      await pushPasswordHistory(trx, userId, hash, now, PASSWORD_HISTORY);
      const ended = await endSessionsOf(trx, userId, now, a.sessionId);
      await appendAudit(
        trx,
        {
          actor: userId,
          action: 'auth.password.change',
          objectType: 'user',
          objectId: userId,
          ip: client.ip,
          requestId: client.requestId,
          before: { passwordChangedAt: cred.passwordChangedAt, mustChangePassword: this.mustChange(cred, now) },
          after: { passwordChangedAt: now, mustChangePassword: false, otherSessionsEnded: ended },
        },
        now,
      );
    });
    return { passwordExpiresAt: now + PASSWORD_MAX_AGE_MS };
  }

  /**
   * Sets a user's password without the old one (seeding, administrators). The rules still apply.
   * Usage: `await auth.setPassword('admin', pw, { mustChange: true, by: 'system' })`.
   */
  async setPassword(userId: string, password: string, opts: { mustChange: boolean; by: string; client?: ClientInfo }): Promise<void> {
    const problems = passwordProblems(password, userId, 'password');
    if (problems.length) throw new ValidationError(problems, '密码不符合要求');
    const cred = await getCredential(this.db, userId);
    if (!cred) throw new NotFoundError(`用户 ${userId} 不存在`, 'USER_NOT_FOUND');
    const hash = await hashPassword(password);
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      await setPassword(trx, userId, hash, now, opts.mustChange);
      await pushPasswordHistory(trx, userId, hash, now, PASSWORD_HISTORY);
      await endSessionsOf(trx, userId, now);
      await appendAudit(
        trx,
        { actor: opts.by, action: 'auth.password.set', objectType: 'user', objectId: userId, ip: opts.client?.ip, requestId: opts.client?.requestId, after: { mustChangePassword: opts.mustChange } },
        now,
      );
    });
  }
}

function ua(client: ClientInfo): string | null {
  return client.userAgent ? client.userAgent.slice(0, 300) : null;
}

function expiresAt(c: CredentialRow): number | null {
  return c.passwordChangedAt === null ? null : c.passwordChangedAt + PASSWORD_MAX_AGE_MS;
}

function lockedError(until: number, now: number): ForbiddenError {
  const minutes = Math.max(1, Math.ceil((until - now) / 60e3));
  return new ForbiddenError(`连续 ${MAX_FAILED_LOGINS} 次密码错误，账号已锁定，请 ${minutes} 分钟后再试`, 'ACCOUNT_LOCKED', {
    lockedUntil: new Date(until).toISOString(),
  });
}
