import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import {
  clearSignInFailures,
  countSignInFailure,
  endSession,
  endSessionsOf,
  getCredential,
  getSessionUser,
  getSignInFailures,
  insertLoginEvent,
  insertSession,
  pushPasswordHistory,
  lockSignIn,
  recentPasswordHashes,
  setPassword,
  touchSession,
  type CredentialRow,
} from '../store/auth.ts';
import { appendAudit } from './audit.ts';
import { actorOf, type Person } from './org.ts';
import { sharedHasher, type PasswordHasher } from './password-hasher.ts';
import { passwordProblems } from './passwords.ts';
import { SignInThrottle, type ThrottleOptions } from './sign-in-throttle.ts';

/**
 * Sign-in, sessions and passwords under the account rules of Art. 11: passwords expire after 90
 * days, the last five cannot be reused, five failed attempts on a name lock it for 15 minutes
 * (counted atomically, for unknown names too, never ending live sessions), each address is
 * throttled (429), sessions end after 30 minutes without a request and 12 hours after sign-in,
 * every attempt is recorded with its address. Hashing runs in a worker pool (password-hasher.ts).
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
/** Absolute session lifetime (SESSION_MAX_HOURS), however active the session is. */
export const SESSION_MAX_MS = 12 * 3600e3;
/** Extra wait added to the n-th failed attempt on one name: (n-1) × this, capped below. */
export const FAILURE_DELAY_STEP_MS = 250;
export const FAILURE_DELAY_MAX_MS = 2000;
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

export interface AuthOptions {
  /** Where scrypt runs (default: the process's shared pool). Tests pass a cheap one. */
  hasher?: PasswordHasher;
  /** Per-address throttle settings. */
  throttle?: ThrottleOptions;
  /** Absolute session lifetime (default 12 h). */
  sessionMaxMs?: number;
  /** Step of the progressive delay per failed attempt on one name (default 250 ms; 0 off). */
  failureDelayStepMs?: number;
}

export class AuthService {
  /** Not readonly: a test seeds with a cheap hasher, then attacks with the production one. */
  hasher: PasswordHasher;
  readonly throttle: SignInThrottle;
  readonly sessionMaxMs: number;
  private readonly failureDelayStepMs: number;

  constructor(
    readonly db: Knex,
    readonly clock: Clock,
    opts: AuthOptions = {},
  ) {
    this.hasher = opts.hasher ?? sharedHasher();
    this.throttle = new SignInThrottle(clock, opts.throttle);
    this.sessionMaxMs = opts.sessionMaxMs ?? SESSION_MAX_MS;
    this.failureDelayStepMs = opts.failureDelayStepMs ?? FAILURE_DELAY_STEP_MS;
  }

  /** Whether this credential must be changed before anything else (flagged, or 90 days old). */
  mustChange(c: CredentialRow, now = this.clock.now()): boolean {
    return c.mustChangePassword || c.passwordChangedAt === null || now - c.passwordChangedAt > PASSWORD_MAX_AGE_MS;
  }

  /**
   * Checks a user name and password and opens a session. Unknown names, disabled accounts, wrong
   * and missing passwords all answer the same 401 after the same work (one hash, one counted
   * failure); the fifth failure on a name within 15 minutes locks that name, known or not, and
   * answers 403 ACCOUNT_LOCKED. A lock refuses new sign-ins only: live sessions go on.
   */
  async login(username: string, password: string, client: ClientInfo): Promise<LoginResult> {
    this.throttle.enter(client.ip);
    const name = username.trim().slice(0, 100);
    const key = name.toLowerCase();
    const now = this.clock.now();
    const failures = key ? await getSignInFailures(this.db, key) : undefined;
    if (failures?.lockedUntil && failures.lockedUntil > now) {
      await insertLoginEvent(this.db, { username: name, success: false, reason: 'locked', ip: client.ip ?? null, userAgent: ua(client), at: now });
      throw lockedError(failures.lockedUntil, now);
    }
    const cred = name ? await getCredential(this.db, name) : undefined;
    const usable = cred && cred.status === 'active' && cred.passwordHash ? cred : undefined;
    if (!(await this.hasher.verify(password, usable?.passwordHash ?? null))) {
      const reason = !cred ? 'unknown-user' : cred.status !== 'active' ? 'disabled' : !cred.passwordHash ? 'no-password' : 'bad-password';
      const { lockUntil, count } = await this.countFailure(key || '(空)', name || '(空)', cred?.userId ?? null, reason, now, client, 'auth.login.failed');
      await this.failureDelay(count);
      if (lockUntil !== null) throw lockedError(lockUntil, now);
      throw new UnauthorizedError('用户名或密码错误', 'INVALID_CREDENTIALS');
    }
    const user = usable!;
    this.throttle.succeeded(client.ip);
    const token = randomBytes(32).toString('base64url');
    const sessionId = sessionIdOf(token);
    await this.db.transaction(async (trx) => {
      if (failures) await clearSignInFailures(trx, key);
      await insertSession(trx, { id: sessionId, userId: user.userId, createdAt: now, lastSeenAt: now, endedAt: null, ip: client.ip ?? null, userAgent: ua(client) });
      await insertLoginEvent(trx, { username: name, success: true, reason: 'ok', ip: client.ip ?? null, userAgent: ua(client), at: now });
      await appendAudit(trx, { actor: user.userId, action: 'auth.login', objectType: 'user', objectId: user.userId, ip: client.ip, requestId: client.requestId }, now);
    });
    const person = await actorOf(this.db, user.userId);
    if (!person) throw new UnauthorizedError('用户名或密码错误', 'INVALID_CREDENTIALS');
    return { token, sessionId, person, mustChangePassword: this.mustChange(user, now), passwordExpiresAt: expiresAt(user) };
  }

  /**
   * A failed attempt on `key`: counted in one atomic statement (parallel attempts each get their
   * own number), locked from the fifth. Audited for real accounts; every attempt is a login event.
   */
  private async countFailure(
    key: string,
    name: string,
    userId: string | null,
    reason: string,
    now: number,
    client: ClientInfo,
    action: string,
  ): Promise<{ lockUntil: number | null; count: number }> {
    return this.db.transaction(async (trx) => {
      const count = await countSignInFailure(trx, key, now, LOCK_MS);
      const lockUntil = count >= MAX_FAILED_LOGINS ? now + LOCK_MS : null;
      if (lockUntil !== null) await lockSignIn(trx, key, lockUntil);
      const why = lockUntil !== null ? `${reason}-locked` : reason;
      await insertLoginEvent(trx, { username: name, success: false, reason: why.slice(0, 40), ip: client.ip ?? null, userAgent: ua(client), at: now });
      if (userId) {
        await appendAudit(
          trx,
          {
            actor: userId,
            action: lockUntil !== null ? 'auth.locked' : action,
            objectType: 'user',
            objectId: userId,
            ip: client.ip,
            requestId: client.requestId,
            after: { failedLogins: count, lockedUntil: lockUntil },
          },
          now,
        );
      }
      return { lockUntil, count };
    });
  }

  /** The progressive delay of the n-th failure on one name (real time: it slows guessing). */
  private async failureDelay(count: number): Promise<void> {
    const ms = Math.min(FAILURE_DELAY_MAX_MS, this.failureDelayStepMs * (count - 1));
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * The person behind a session token: 401 UNAUTHORIZED for none or an ended session,
   * 401 SESSION_EXPIRED after 30 idle minutes or 12 hours after sign-in. Moves the session's last-seen time forward.
   */
  async authenticate(token: string | undefined | null): Promise<Authenticated> {
    if (!token) throw new UnauthorizedError();
    const now = this.clock.now();
    const found = await getSessionUser(this.db, sessionIdOf(token));
    if (!found || found.session.endedAt !== null) throw new UnauthorizedError();
    if (now - found.session.lastSeenAt > SESSION_IDLE_MS) throw new UnauthorizedError('登录已超时，请重新登录', 'SESSION_EXPIRED');
    if (now - found.session.createdAt > this.sessionMaxMs) throw new UnauthorizedError('登录已超过最长时限，请重新登录', 'SESSION_EXPIRED');
    const c = found.credential;
    // A locked name does not end live sessions (finding 5): only a disabled account does.
    if (c.status !== 'active') throw new UnauthorizedError();
    if (now - found.session.lastSeenAt >= TOUCH_EVERY_MS) await touchSession(this.db, found.session.id, now);
    const person: Person = { id: c.userId, groups: found.groups, displayName: found.displayName, unitId: found.unitId };
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
    const key = userId.toLowerCase();
    // While the name is locked the old password is not even checked: a borrowed session cannot guess on.
    const failures = await getSignInFailures(this.db, key);
    if (failures?.lockedUntil && failures.lockedUntil > now) throw lockedError(failures.lockedUntil, now);
    if (!(await this.hasher.verify(oldPassword, cred.passwordHash))) {
      const { lockUntil, count } = await this.countFailure(key, userId, userId, 'bad-old-password', now, client, 'auth.password.failed');
      await this.failureDelay(count);
      if (lockUntil !== null) throw lockedError(lockUntil, now);
      throw new ValidationError([{ field: 'oldPassword', message: '原密码不正确' }], '原密码不正确');
    }
    const problems = passwordProblems(newPassword, userId);
    if (problems.length) throw new ValidationError(problems, '新密码不符合要求');
    // The history holds every password set (the current one included); the last five count.
    const recent = await recentPasswordHashes(this.db, userId, PASSWORD_HISTORY);
    if (cred.passwordHash && !recent.includes(cred.passwordHash)) recent.unshift(cred.passwordHash);
    const reused = await Promise.all(recent.slice(0, PASSWORD_HISTORY).map((h) => this.hasher.verify(newPassword, h)));
    if (reused.includes(true)) {
      throw new ValidationError([{ field: 'newPassword', message: `新密码不能与最近 ${PASSWORD_HISTORY} 次使用过的密码相同` }], '新密码不符合要求');
    }
    const hash = await this.hasher.hash(newPassword);
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
   * Sets a user's password without the old one (seeding, a direct first password, an approved
   * reset). The rules still apply, the name's lock is lifted. Live sessions go on unless
   * `endSessions` (a reset never ends them silently: the caller notifies the owner). `within`
   * runs in the same transaction (the reset request's state, the notification).
   * Usage: `await auth.setPassword('admin', pw, { mustChange: true, by: 'system' })`.
   */
  async setPassword(
    userId: string,
    password: string,
    opts: { mustChange: boolean; by: string; client?: ClientInfo; endSessions?: boolean; within?: (trx: Knex.Transaction, now: number) => Promise<void> },
  ): Promise<{ sessionsEnded: number }> {
    const problems = passwordProblems(password, userId, 'password');
    if (problems.length) throw new ValidationError(problems, '密码不符合要求');
    const cred = await getCredential(this.db, userId);
    if (!cred) throw new NotFoundError(`用户 ${userId} 不存在`, 'USER_NOT_FOUND');
    const hash = await this.hasher.hash(password);
    const now = this.clock.now();
    return this.db.transaction(async (trx) => {
      await setPassword(trx, userId, hash, now, opts.mustChange);
      await pushPasswordHistory(trx, userId, hash, now, PASSWORD_HISTORY);
      await clearSignInFailures(trx, userId.toLowerCase());
      const sessionsEnded = opts.endSessions ? await endSessionsOf(trx, userId, now) : 0;
      await appendAudit(
        trx,
        {
          actor: opts.by,
          action: 'auth.password.set',
          objectType: 'user',
          objectId: userId,
          ip: opts.client?.ip,
          requestId: opts.client?.requestId,
          after: { mustChangePassword: opts.mustChange, sessionsEnded },
        },
        now,
      );
      await opts.within?.(trx, now);
      return { sessionsEnded };
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
