import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { complianceOfWeek, insertSuggestions, loginEvents, saveCompliance, successfulLogins, type ComplianceRow, type LoginEventRow, type SuggestionRow } from '../../store/compliance.ts';
import { insertNotifications } from '../../store/notifications.ts';
import { listUnits, listUsers } from '../../store/org.ts';
import { activeMembers } from '../../store/warnings.ts';
import { weekPeriod, type Period } from './periods.ts';

/**
 * Login compliance (Art. 5): the supervision office must sign in at least three times a week;
 * each unit's contact person must sign in regularly — at least once a week. Weeks are ISO weeks in
 * Beijing time.
 */
export const REQUIRED_LOGINS = { supervision: 3, contact: 1 } as const;

export interface ComplianceLine extends ComplianceRow {
  displayName: string;
  unitName: string | null;
  /** The account was created after the week began: shown, not required (`required` 0, `ok`). */
  exempt: boolean;
}

/**
 * The week's figures computed from the sign-in records. A person is measured from the first week
 * that begins after their account was created: a supervisor who joins on a Thursday (or a platform
 * that goes live on one) is listed as exempt, not short, for that week.
 * Usage: `await loginCompliance(db, '2026-W48', now)`.
 */
export async function loginCompliance(db: Knex, week: string, now: number): Promise<{ week: Period; lines: ComplianceLine[] }> {
  const period = weekPeriod(week);
  const [counts, supervisors, users, units] = await Promise.all([
    successfulLogins(db, period.from, period.to),
    activeMembers(db, ['supervision']),
    listUsers(db, { status: 'active' }),
    listUnits(db),
  ]);
  const lines: ComplianceLine[] = [];
  const line = (userId: string, role: 'supervision' | 'contact', unitId: string | null): ComplianceLine => {
    const logins = counts.get(userId) ?? 0;
    const exempt = (users.find((u) => u.id === userId)?.createdAt ?? 0) > period.from;
    const required = exempt ? 0 : REQUIRED_LOGINS[role];
    return {
      week,
      userId,
      role,
      unitId,
      logins,
      required,
      ok: logins >= required,
      checkedAt: now,
      displayName: users.find((u) => u.id === userId)?.displayName ?? userId,
      unitName: units.find((u) => u.id === unitId)?.name ?? null,
      exempt,
    };
  };
  for (const s of supervisors) lines.push(line(s, 'supervision', users.find((u) => u.id === s)?.unitId ?? null));
  for (const unit of units) {
    if (unit.contactUserId && users.some((u) => u.id === unit.contactUserId)) lines.push(line(unit.contactUserId, 'contact', unit.id));
  }
  return { week: period, lines };
}

/**
 * The weekly check: records who fell short and notifies the supervision office once per person
 * and week (also if several nodes or a restart run it again). Returns the shortfalls.
 */
export async function runWeeklyLoginCheck(db: Knex, week: string, now: number): Promise<ComplianceLine[]> {
  const { lines } = await loginCompliance(db, week, now);
  const short = lines.filter((l) => !l.ok);
  await db.transaction(async (trx) => {
    await saveCompliance(trx, lines.map(({ displayName: _d, unitName: _u, exempt: _e, ...row }) => row));
    const supervision = await activeMembers(trx, ['supervision']);
    await insertNotifications(
      trx,
      short.flatMap((l) =>
        supervision.map((to) => ({
          id: randomUUID(),
          userId: to,
          kind: 'logins.short',
          level: 'yellow' as const,
          title: `登录不足：${l.displayName}（${l.role === 'supervision' ? '监察室' : `${l.unitName ?? ''}联络员`}，${week}）`,
          body: `${l.role === 'supervision' ? '监察室人员每周应登录不少于 3 次' : `${l.unitName ?? ''}联络员应每周登录`}，本周登录 ${l.logins} 次。`,
          taskId: null,
          instanceId: null,
          dedupeKey: `logins:${week}:${l.role}:${l.userId}:${to}`,
          createdAt: now,
          readAt: null,
        })),
      ),
    );
  });
  return short;
}

export { complianceOfWeek };

/**
 * Signs of a shared account or password (Art. 13 (3)), suggested to supervision — never an
 * accountability case by themselves:
 * - two IPs at once: successful sign-ins of one account from two addresses less than 30 minutes
 *   apart (a session lives 30 minutes idle);
 * - a failed burst on a foreign machine: at least two failures and then a success for an account
 *   within 10 minutes from an address that is usually used by somebody of another unit.
 */
export async function detectSharedAccounts(db: Knex, from: number, to: number, now: number): Promise<void> {
  const history = await loginEvents(db, from - 30 * 86_400_000, to);
  const users = await listUsers(db);
  const unitOf = new Map(users.map((u) => [u.id, u.unitId]));
  const events = history.filter((e) => e.at >= from);
  const suggestions: SuggestionRow[] = [];
  const suggest = (userId: string, kind: string, reason: string, evidence: unknown, key: string) =>
    suggestions.push({
      id: randomUUID(),
      userId,
      category: 3,
      kind,
      reason,
      evidence,
      status: 'open',
      dedupeKey: key,
      createdAt: now,
      decidedBy: null,
      decidedAt: null,
      instanceId: null,
    });
  const successes = events.filter((e) => e.success && e.ip);
  for (let i = 0; i < successes.length; i++) {
    for (let j = i + 1; j < successes.length && successes[j].at - successes[i].at < 30 * 60_000; j++) {
      const a = successes[i];
      const b = successes[j];
      if (a.username === b.username && a.ip !== b.ip) {
        suggest(a.username, 'two-ips', `账号 ${a.username} 在 30 分钟内从两个地址（${a.ip}、${b.ip}）登录`, { first: a, second: b }, `two-ips:${a.username}:${a.at}:${b.at}`);
      }
    }
  }
  for (const s of successes) {
    const owner = usualUser(history, s.ip!, s.username, s.at);
    if (!owner || unitOf.get(owner) === unitOf.get(s.username)) continue;
    const failures = events.filter((e) => !e.success && e.username === s.username && e.ip === s.ip && e.at < s.at && s.at - e.at <= 10 * 60_000);
    if (failures.length >= 2) {
      suggest(
        s.username,
        'failed-burst-foreign-machine',
        `账号 ${s.username} 在通常由他单位人员（${owner}）使用的终端 ${s.ip} 上连续失败 ${failures.length} 次后登录成功`,
        { success: s, failures, usualUser: owner },
        `foreign:${s.username}:${s.at}`,
      );
    }
  }
  await insertSuggestions(db, suggestions);
}

/** The person who most often signed in successfully from `ip` before `before`, other than `except`. */
function usualUser(history: LoginEventRow[], ip: string, except: string, before: number): string | null {
  const counts = new Map<string, number>();
  for (const e of history) if (e.success && e.ip === ip && e.at < before && e.username !== except) counts.set(e.username, (counts.get(e.username) ?? 0) + 1);
  let best: string | null = null;
  let most = 0;
  for (const [u, n] of counts) if (n > most) [best, most] = [u, n];
  return most >= 2 ? best : null;
}
