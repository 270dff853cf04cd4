import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { limitEnd, yellowAt } from '../lib/time-limits.ts';
import { beijingDate, type DayKind, type WorkCalendar } from '../lib/workdays.ts';
import { BadRequestError, type FieldError } from '../errors.ts';
import { calendarStamp, getCalendarYear, loadCalendar, openWorkdayTasks, replaceYear, setTaskDue, yearDays, type WorkdayLimitedTask } from '../store/calendar.ts';
import { insertNotifications, type NotificationRow } from '../store/notifications.ts';
import { activeMembers } from '../store/warnings.ts';
import type { AuditEntry } from './audit.ts';

/**
 * The working calendar as data the bureau maintains (issue 13, item 11): the State Council's
 * holidays and adjusted working days per year, entered by process owners or supervision; saving a
 * year counts the due dates of the open tasks it concerns again; a warning when the calendar does
 * not cover the next 90 days.
 */

/** Who may read and change the calendar. */
export const CALENDAR_GROUPS = ['process-owners', 'supervision'] as const;
/** The calendar must know the holidays this many days ahead. */
export const COVERAGE_DAYS = 90;
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2099;
const MAX_DAYS = 366;
const DAY = 86_400_000;

export interface CalendarDayInput {
  date: string;
  kind: DayKind;
  name: string | null;
}

/**
 * Checks a year and the body of `PUT /api/calendar/:year`; every problem is named by field
 * (`year`, `days`, `days[3].date` …) in one 400. Usage: `const { year, days } = checkYearInput('2027', body)`.
 */
export function checkYearInput(yearText: string, body: { days?: unknown }): { year: number; days: CalendarDayInput[] } {
  const errors: FieldError[] = [];
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) errors.push({ field: 'year', message: `年份应为 ${MIN_YEAR} 到 ${MAX_YEAR} 之间的四位数字` });
  const days: CalendarDayInput[] = [];
  if (!Array.isArray(body.days)) errors.push({ field: 'days', message: '必填，应为数组' });
  else if (body.days.length > MAX_DAYS) errors.push({ field: 'days', message: `一年最多 ${MAX_DAYS} 天` });
  else {
    const seen = new Set<string>();
    body.days.forEach((d: any, i) => {
      const at = `days[${i}]`;
      if (!d || typeof d !== 'object' || Array.isArray(d)) return errors.push({ field: at, message: '应为对象 {date, kind, name}' });
      const dateOk = typeof d.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d.date) && new Date(d.date + 'T00:00:00Z').toISOString().startsWith(d.date);
      if (!dateOk) errors.push({ field: `${at}.date`, message: '应为有效日期 YYYY-MM-DD' });
      else if (Number.isFinite(year) && !d.date.startsWith(`${year}-`)) errors.push({ field: `${at}.date`, message: `${d.date} 不在 ${year} 年内` });
      else if (seen.has(d.date)) errors.push({ field: `${at}.date`, message: `${d.date} 重复` });
      if (d.kind !== 'holiday' && d.kind !== 'workday') errors.push({ field: `${at}.kind`, message: '应为 holiday（放假）或 workday（上班）' });
      const nameOk = d.name === undefined || d.name === null || (typeof d.name === 'string' && d.name.length <= 50);
      if (!nameOk) errors.push({ field: `${at}.name`, message: '应为不超过 50 字的文字' });
      if (dateOk) seen.add(d.date);
      days.push({ date: d.date, kind: d.kind, name: typeof d.name === 'string' && d.name.trim() ? d.name.trim() : null });
    });
  }
  if (errors.length) throw new BadRequestError('工作日历数据有误', errors, 'INVALID_CALENDAR');
  return { year, days: days.sort((a, b) => (a.date < b.date ? -1 : 1)) };
}

/** A year's days as the API shows them, with whether the calendar knows the year at all. */
export async function calendarYear(db: Knex, calendar: WorkCalendar, year: number) {
  const days = await yearDays(db, year);
  const entered = await getCalendarYear(db, year);
  return {
    year,
    known: calendar.knowsYear(`${year}-01-01`),
    source: entered ? ('admin' as const) : days.length ? ('package' as const) : null,
    updatedAt: entered ? new Date(entered.updatedAt).toISOString() : null,
    updatedBy: entered?.updatedBy ?? null,
    days: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name })),
  };
}

/** Writes an audit row in the caller's transaction (the API's, with actor and client). */
export type CalendarAudit = (trx: Knex.Transaction, entry: Omit<AuditEntry, 'actor' | 'ip' | 'requestId'>) => Promise<void>;

/**
 * Replaces a year's days and, in the same transaction, counts the due dates of the open tasks it
 * concerns again; one audit row for the year (before/after) and one per moved task. Reload the
 * engine's calendar after it returns. Usage: `await saveCalendarYear(db, 2027, days, { by, now, audit })`.
 */
export async function saveCalendarYear(
  db: Knex,
  year: number,
  days: CalendarDayInput[],
  opts: { by: string; now: number; audit: CalendarAudit },
): Promise<{ year: number; days: number; recomputed: number }> {
  return db.transaction(async (trx) => {
    const before = (await yearDays(trx, year)).map((d) => ({ date: d.date, kind: d.kind, name: d.name }));
    await replaceYear(trx, year, days, opts.by, opts.now);
    const moved = await recountDueDates(trx, await loadCalendar(trx), year, opts.now);
    await opts.audit(trx, {
      action: 'calendar.update',
      objectType: 'calendar-year',
      objectId: String(year),
      before: { days: before },
      after: { days, recomputedTasks: moved.length },
    });
    for (const m of moved) {
      await opts.audit(trx, {
        action: 'task.due-recomputed',
        objectType: 'task',
        objectId: m.task.id,
        instanceId: m.task.instanceId,
        before: { dueAt: iso(m.task.dueAt), yellowAt: iso(m.task.yellowAt), warnedLevel: m.task.warnedLevel },
        after: { dueAt: iso(m.dueAt), yellowAt: iso(m.yellowAt), warnedLevel: m.warnedLevel, reason: `工作日历 ${year} 年已更新` },
      });
    }
    return { year, days: days.length, recomputed: moved.length };
  });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const LEVELS = [null, 'yellow', 'red'] as const;

/**
 * Counts again the due date and yellow instant of each open working-day task whose window touches
 * `year`, on `calendar`; a warning already announced is taken back to the level the task has now
 * (so it is announced again when reached on the new dates). Returns the tasks that moved.
 */
async function recountDueDates(trx: Knex, calendar: WorkCalendar, year: number, now: number) {
  const from = Date.parse(`${year}-01-01T00:00:00+08:00`);
  const to = Date.parse(`${year + 1}-01-01T00:00:00+08:00`);
  const moved: Array<{ task: WorkdayLimitedTask; dueAt: number; yellowAt: number; warnedLevel: 'yellow' | 'red' | null }> = [];
  for (const task of await openWorkdayTasks(trx, from, to)) {
    const limit = { kind: 'workdays', days: task.limitDays } as const;
    const dueAt = limitEnd(limit, task.createdAt, calendar);
    const yellow = yellowAt(task.createdAt, dueAt, limit, calendar);
    if (dueAt === task.dueAt && yellow === task.yellowAt) continue;
    const level = now > dueAt ? 'red' : now >= yellow ? 'yellow' : null;
    const warnedLevel = LEVELS[Math.min(LEVELS.indexOf(task.warnedLevel), LEVELS.indexOf(level))];
    await setTaskDue(trx, task.id, dueAt, yellow, warnedLevel);
    moved.push({ task, dueAt, yellowAt: yellow, warnedLevel });
  }
  return moved;
}

/**
 * Whether the calendar knows the holidays of every day up to `COVERAGE_DAYS` ahead: the last day
 * of the known years from now on, the years missing, and the warning to show (null when covered).
 */
export function calendarCoverage(calendar: WorkCalendar, now: number) {
  const first = Number(beijingDate(now).slice(0, 4));
  const horizon = beijingDate(now + COVERAGE_DAYS * DAY);
  const missing: number[] = [];
  for (let y = first; y <= Number(horizon.slice(0, 4)); y++) if (!calendar.knowsYear(`${y}-01-01`)) missing.push(y);
  let last = first - 1;
  while (calendar.knowsYear(`${last + 1}-01-01`) && last < first + 50) last++;
  const coveredUntil = last >= first ? `${last}-12-31` : null;
  const warning = missing.length
    ? `工作日历缺少 ${missing.join('、')} 年的节假日安排（已覆盖至 ${coveredUntil ?? '—'}），未来 ${COVERAGE_DAYS} 天内的期限将只按周一至周五计算。请在“工作日历”页录入国务院办公厅公布的安排。`
    : null;
  return { coveredUntil, horizon, missingYears: missing, warning };
}

/**
 * Tells process owners and supervision, once per missing year, that the calendar does not cover
 * the next 90 days (a unique dedupe key per year and person makes it once across nodes).
 * Usage: on the scheduler's tick, `await warnCalendarCoverage(db, engine.calendar, now)`.
 */
export async function warnCalendarCoverage(db: Knex, calendar: WorkCalendar, now: number): Promise<number> {
  const { missingYears, warning } = calendarCoverage(calendar, now);
  if (!warning) return 0;
  const people = await activeMembers(db, [...CALENDAR_GROUPS]);
  const year = missingYears[0];
  const notes: NotificationRow[] = people.map((userId) => ({
    id: randomUUID(),
    userId,
    kind: 'calendar.uncovered',
    level: 'yellow',
    title: `工作日历缺少 ${year} 年节假日安排`,
    body: warning,
    taskId: null,
    instanceId: null,
    dedupeKey: `calendar:uncovered:${year}:${userId}`,
    createdAt: now,
    readAt: null,
  }));
  await insertNotifications(db, notes);
  return notes.length;
}

/**
 * The scheduler's calendar work on each node: re-read the in-memory calendar when any node saved a
 * year since the last tick, then warn when the next 90 days are not covered.
 * Usage: `extra: [calendarTick(db, engine), …]` in the supervision scheduler.
 */
export function calendarTick(db: Knex, engine: { readonly calendar: WorkCalendar; reloadCalendar(): Promise<void> }) {
  let seen: string | null = null;
  return async (now: number): Promise<number> => {
    const stamp = await calendarStamp(db);
    if (stamp !== seen) await engine.reloadCalendar();
    seen = stamp;
    return warnCalendarCoverage(db, engine.calendar, now);
  };
}
