import type { Knex } from 'knex';

/** Sign-in data of one user (columns added to `users` by the credentials migration). */
export interface CredentialRow {
  userId: string;
  status: 'active' | 'disabled';
  passwordHash: string | null;
  passwordChangedAt: number | null;
  mustChangePassword: boolean;
}

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  endedAt: number | null;
  ip: string | null;
}

export interface LoginEventRow {
  id?: number;
  username: string;
  success: boolean;
  reason: string;
  ip: string | null;
  userAgent: string | null;
  at: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toCredential(r: any): CredentialRow {
  return {
    userId: r.id,
    status: r.status,
    passwordHash: r.password_hash,
    passwordChangedAt: num(r.password_changed_at),
    mustChangePassword: Boolean(r.must_change_password),
  };
}

export async function getCredential(db: Knex, userId: string): Promise<CredentialRow | undefined> {
  const r = await db('users')
    .select('id', 'status', 'password_hash', 'password_changed_at', 'must_change_password')
    .where({ id: userId })
    .first();
  return r && toCredential(r);
}

/** Whether any user has a password yet (a database whose sign-ins have been set up). */
export async function anyPasswordSet(db: Knex): Promise<boolean> {
  return Boolean(await db('users').whereNotNull('password_hash').first('id'));
}

export async function setPassword(db: Knex, userId: string, hash: string, at: number, mustChange: boolean): Promise<void> {
  await db('users').where({ id: userId }).update({
    password_hash: hash,
    password_changed_at: at,
    must_change_password: mustChange,
    failed_logins: 0,
    locked_until: null,
    updated_at: at,
  });
}

export interface SignInFailures {
  failures: number;
  lockedUntil: number | null;
}

/** The failure count and lock of a (lower-cased) user name; none when it has no recent failure. */
export async function getSignInFailures(db: Knex, username: string): Promise<SignInFailures | undefined> {
  const r = await db('sign_in_failures').select('failures', 'locked_until').where({ username }).first();
  return r && { failures: Number(r.failures), lockedUntil: num(r.locked_until) };
}

/**
 * Counts one failed attempt in a single statement and returns the new count: parallel attempts
 * each see their own number (on PostgreSQL the row stays locked until the caller commits). A
 * count whose last failure is `windowMs` old starts again at 1.
 */
export async function countSignInFailure(db: Knex, username: string, now: number, windowMs: number): Promise<number> {
  const res: any = await db.raw(
    `INSERT INTO sign_in_failures (username, failures, last_failure_at, locked_until) VALUES (?, 1, ?, NULL)
     ON CONFLICT (username) DO UPDATE SET
       failures = CASE WHEN sign_in_failures.last_failure_at <= ? THEN 1 ELSE sign_in_failures.failures + 1 END,
       last_failure_at = excluded.last_failure_at
     RETURNING failures`,
    [username, now, now - windowMs],
  );
  const rows = Array.isArray(res) ? res : res.rows;
  return Number(rows[0].failures);
}

export async function lockSignIn(db: Knex, username: string, until: number): Promise<void> {
  await db('sign_in_failures').where({ username }).update({ locked_until: until });
}

/** Forgets a name's failures and lock (a successful sign-in, a password reset). */
export async function clearSignInFailures(db: Knex, username: string): Promise<void> {
  await db('sign_in_failures').where({ username }).delete();
}

export async function recentPasswordHashes(db: Knex, userId: string, count: number): Promise<string[]> {
  const rows = await db('password_history').select('password_hash').where({ user_id: userId }).orderBy('id', 'desc').limit(count);
  return rows.map((r: any) => r.password_hash);
}

/** Adds a password to the user's history and keeps only the newest `keep` entries. */
export async function pushPasswordHistory(db: Knex, userId: string, hash: string, at: number, keep: number): Promise<void> {
  await db('password_history').insert({ user_id: userId, password_hash: hash, set_at: at });
  const keepIds = db('password_history').select('id').where({ user_id: userId }).orderBy('id', 'desc').limit(keep);
  // A derived table, because MySQL-style "LIMIT in IN subquery" is refused by some engines.
  await db('password_history')
    .where({ user_id: userId })
    .whereNotIn('id', db.select('id').from(keepIds.as('k')))
    .delete();
}

export async function insertSession(db: Knex, s: SessionRow & { userAgent: string | null }): Promise<void> {
  await db('sessions').insert({
    id: s.id,
    user_id: s.userId,
    created_at: s.createdAt,
    last_seen_at: s.lastSeenAt,
    ended_at: s.endedAt,
    ip: s.ip,
    user_agent: s.userAgent,
  });
}

export async function getSession(db: Knex, id: string): Promise<SessionRow | undefined> {
  const r = await db('sessions').select('id', 'user_id', 'created_at', 'last_seen_at', 'ended_at', 'ip').where({ id }).first();
  return (
    r && {
      id: r.id,
      userId: r.user_id,
      createdAt: Number(r.created_at),
      lastSeenAt: Number(r.last_seen_at),
      endedAt: num(r.ended_at),
      ip: r.ip,
    }
  );
}

/** Moves a live session's last-seen time forward (never backward). */
export async function touchSession(db: Knex, id: string, at: number): Promise<void> {
  await db('sessions').where({ id }).whereNull('ended_at').where('last_seen_at', '<', at).update({ last_seen_at: at });
}

export async function endSession(db: Knex, id: string, at: number): Promise<boolean> {
  return (await db('sessions').where({ id }).whereNull('ended_at').update({ ended_at: at })) === 1;
}

/** Ends every live session of a user except `keep`; returns how many ended. */
export async function endSessionsOf(db: Knex, userId: string, at: number, keep?: string): Promise<number> {
  const q = db('sessions').where({ user_id: userId }).whereNull('ended_at');
  if (keep) q.whereNot('id', keep);
  return q.update({ ended_at: at });
}

export async function insertLoginEvent(db: Knex, e: LoginEventRow): Promise<void> {
  await db('login_events').insert({
    username: e.username,
    success: e.success,
    reason: e.reason,
    ip: e.ip,
    user_agent: e.userAgent,
    at: e.at,
  });
}

export async function listLoginEvents(
  db: Knex,
  f: { username?: string; success?: boolean; from?: number; to?: number; limit?: number; offset?: number },
): Promise<{ rows: LoginEventRow[]; total: number }> {
  const apply = (q: Knex.QueryBuilder) => {
    if (f.username) q.where('username', f.username);
    if (f.success !== undefined) q.where('success', f.success);
    if (f.from !== undefined) q.where('at', '>=', f.from);
    if (f.to !== undefined) q.where('at', '<', f.to);
    return q;
  };
  const [{ n }] = await apply(db('login_events')).count({ n: '*' });
  const rows = await apply(db('login_events').select('*'))
    .orderBy('id', 'desc')
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0);
  return {
    rows: rows.map((r: any) => ({
      id: Number(r.id),
      username: r.username,
      success: Boolean(r.success),
      reason: r.reason,
      ip: r.ip,
      userAgent: r.user_agent,
      at: Number(r.at),
    })),
    total: Number(n),
  };
}

/** A session with its user's sign-in data and profile, in one query (every request needs it). */
export interface SessionUser {
  session: SessionRow;
  credential: CredentialRow;
  displayName: string;
  unitId: string | null;
  /** The user's group ids, sorted: read in the same statement, one round trip per request. */
  groups: string[];
}

export async function getSessionUser(db: Knex, sessionId: string): Promise<SessionUser | undefined> {
  const r = await db('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .select(
      's.id as session_id', 's.created_at', 's.last_seen_at', 's.ended_at', 's.ip',
      'u.id', 'u.status', 'u.display_name', 'u.unit_id', 'u.password_hash', 'u.password_changed_at', 'u.must_change_password',
      db.raw(`(SELECT ${db.client.config.client === 'pg' ? "string_agg(m.group_id, ',')" : "group_concat(m.group_id, ',')"} FROM memberships m WHERE m.user_id = u.id) AS group_ids`),
    )
    .where('s.id', sessionId)
    .first();
  if (!r) return undefined;
  // Group ids are slugs (no commas); sorted here, as neither aggregate promises an order.
  const groups = r.group_ids ? String(r.group_ids).split(',').sort() : [];
  return {
    session: {
      id: r.session_id,
      userId: r.id,
      createdAt: Number(r.created_at),
      lastSeenAt: Number(r.last_seen_at),
      endedAt: num(r.ended_at),
      ip: r.ip,
    },
    credential: toCredential(r),
    displayName: r.display_name,
    unitId: r.unit_id,
    groups,
  };
}
