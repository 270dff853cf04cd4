import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isAssignee, isCandidate } from '../engine/tasks.ts';
import { AppError, ForbiddenError, NotFoundError } from '../errors.ts';
import { cancelSubstitutions, currentSubstitution, insertSubstitution, listSubstitutions, principalsOf, substitutesFor, type SubstitutionRow } from '../store/substitutes.ts';
import type { TaskRow } from '../store/tasks.ts';
import { actorOf, type Person } from './org.ts';

/**
 * 委托/代理 (issue 13, item 7): a person going away names a substitute for a period; meanwhile
 * their assigned and candidate tasks also reach the substitute, who acts "代 X 办理" (the task
 * keeps whom they acted for). Separation of duties is checked on the substitute. Supervision sees
 * every substitution.
 */

type Audit = (trx: Knex.Transaction, action: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null) => Promise<void>;

/** The longest a substitution may run (days). */
export const MAX_SUBSTITUTION_DAYS = 180;
const DAY = 86_400_000;

/**
 * Names (or replaces) the caller's substitute from `from` to `to` (epoch ms). 422
 * SUBSTITUTE_SELF, SUBSTITUTE_UNKNOWN (unknown or inactive user), SUBSTITUTE_PERIOD (to not after
 * from, already over, or longer than 180 days). Audited as `substitute.set`.
 * Usage: `await setSubstitute(db, me, { userId: 'leader2', from, to }, now, audit)`.
 */
export async function setSubstitute(db: Knex, person: Person, o: { userId: string; from: number; to: number }, now: number, audit: Audit): Promise<SubstitutionRow> {
  if (o.userId === person.id) throw new AppError(422, 'SUBSTITUTE_SELF', '不能委托给自己', [{ field: 'userId', message: '不能委托给自己' }]);
  const target = await actorOf(db, o.userId);
  if (!target) throw new AppError(422, 'SUBSTITUTE_UNKNOWN', `用户 ${o.userId} 不存在或已停用`, [{ field: 'userId', message: '被委托人不存在或已停用' }]);
  const period = (message: string, field: string) => new AppError(422, 'SUBSTITUTE_PERIOD', message, [{ field, message }]);
  if (!(o.to > o.from)) throw period('委托结束时间应晚于开始时间', 'to');
  if (o.to <= now) throw period('委托结束时间已过', 'to');
  if (o.to - o.from > MAX_SUBSTITUTION_DAYS * DAY) throw period(`委托期限不能超过 ${MAX_SUBSTITUTION_DAYS} 天`, 'to');
  const row: SubstitutionRow = { id: randomUUID(), userId: person.id, substituteId: target.id, fromAt: o.from, toAt: o.to, createdBy: person.id, createdAt: now, cancelledAt: null };
  await db.transaction(async (trx) => {
    const before = await currentSubstitution(trx, person.id);
    await cancelSubstitutions(trx, person.id, now);
    await insertSubstitution(trx, row);
    await audit(trx, 'substitute.set', before ? { substituteId: before.substituteId, from: before.fromAt, to: before.toAt } : null, { substituteId: target.id, substituteName: target.displayName, from: o.from, to: o.to });
  });
  return { ...row, userName: person.displayName, substituteName: target.displayName };
}

/** Ends the caller's substitution (404 SUBSTITUTE_NOT_FOUND if none). Audited as `substitute.clear`. */
export async function clearSubstitute(db: Knex, person: Person, now: number, audit: Audit): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await currentSubstitution(trx, person.id);
    if (!before) throw new NotFoundError('当前没有委托', 'SUBSTITUTE_NOT_FOUND');
    await cancelSubstitutions(trx, person.id, now);
    await audit(trx, 'substitute.clear', { substituteId: before.substituteId, from: before.fromAt, to: before.toAt }, null);
  });
}

/** The caller's substitution (current or planned), and whom they stand in for now. */
export async function substitutionsOf(db: Knex, person: Person, now: number): Promise<{ mine: SubstitutionRow | null; actingFor: SubstitutionRow[] }> {
  return { mine: (await currentSubstitution(db, person.id)) ?? null, actingFor: await principalsOf(db, person.id, now) };
}

/** Every substitution (supervision). */
export function allSubstitutions(db: Knex, f: { active?: boolean; now: number; limit: number; offset: number }): ReturnType<typeof listSubstitutions> {
  return listSubstitutions(db, f);
}

/**
 * The actor a person works a task as: themselves when they may, else as the substitute of someone
 * away whose task it is (assigned to them, or offered to them while unclaimed) — `actingFor` set.
 * Usage: `const by = await actorForTask(db, me, task, now)`.
 */
export async function actorForTask(db: Knex, person: Person, task: TaskRow | undefined, now: number): Promise<Person> {
  if (!task || isAssignee(task, person) || (!task.assignee && isCandidate(task, person))) return person;
  for (const p of await principalsOf(db, person.id, now)) {
    const principal = await actorOf(db, p.userId);
    if (!principal) continue;
    if (isAssignee(task, principal) || (!task.assignee && isCandidate(task, principal))) {
      return { ...person, actingFor: { id: principal.id, groups: principal.groups } };
    }
  }
  return person;
}

/** The people standing in now for these users: substitute → the users they stand in for. */
export async function standIns(db: Knex, userIds: string[], now: number): Promise<SubstitutionRow[]> {
  return substitutesFor(db, [...new Set(userIds)], now);
}

/**
 * The person the caller stands in for now (to list their tasks): 403 SUBSTITUTE_NOT_ACTIVE when
 * the caller is not their substitute at this moment.
 */
export async function principalFor(db: Knex, person: Person, userId: string, now: number): Promise<Person> {
  const active = (await principalsOf(db, person.id, now)).some((p) => p.userId === userId);
  const principal = active ? await actorOf(db, userId) : undefined;
  if (!principal) throw new ForbiddenError(`您当前不是 ${userId} 的被委托人`, 'SUBSTITUTE_NOT_ACTIVE');
  return principal;
}
