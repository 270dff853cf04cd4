import { beijingDayStart, type WorkCalendar } from './workdays.ts';

/**
 * Time limits (camunda:dueDate / followUpDate). The rule, as documented in the README:
 * - `PnD` counts n **working days** (Chinese statutory holidays and weekends skipped, adjusted
 *   working days counted); the limit ends at 24:00 Beijing time of the nth working day after the
 *   day the task was created. `PnW` is 5n working days.
 * - Any other ISO-8601 duration (with hours/minutes/seconds, months or years, e.g. `PT4H`,
 *   `P1M`) is calendar time from the moment the task is created.
 * - An absolute date `2026-12-31` means 24:00 Beijing time at the end of that day; a date-time
 *   with an offset (`2026-12-31T17:00:00+08:00`) means that instant.
 */
export type TimeLimit = { kind: 'workdays'; days: number } | { kind: 'duration'; ms: number; months: number } | { kind: 'instant'; at: number };

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Usage: `parseTimeLimit('P5D')` → `{kind: 'workdays', days: 5}`; null if it is not a time limit. */
export function parseTimeLimit(text: string): TimeLimit | null {
  const s = text.trim();
  const m = DURATION.exec(s);
  if (m) {
    const [, y, mo, w, d, h, mi, sec] = m.map((x) => (x === undefined ? 0 : Number(x)));
    if (!y && !mo && !h && !mi && !sec) return { kind: 'workdays', days: d + 5 * w };
    return { kind: 'duration', months: 12 * y + mo, ms: (((w * 7 + d) * 24 + h) * 60 + mi) * 60_000 + sec * 1000 };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const at = Date.parse(`${s}T00:00:00+08:00`);
    return Number.isNaN(at) ? null : { kind: 'instant', at: at + 86_400_000 };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const at = Date.parse(s);
    return Number.isNaN(at) ? null : { kind: 'instant', at };
  }
  return null;
}

/** The instant a time limit ends for something that starts at `from`. */
export function limitEnd(limit: TimeLimit, from: number, calendar: WorkCalendar): number {
  switch (limit.kind) {
    case 'workdays':
      return calendar.addWorkdays(from, limit.days);
    case 'instant':
      return limit.at;
    case 'duration': {
      const d = new Date(from);
      if (limit.months) d.setUTCMonth(d.getUTCMonth() + limit.months);
      return d.getTime() + limit.ms;
    }
  }
}

/** When a task of this limit turns yellow: 80 % of its (working) time used. */
export const YELLOW_FRACTION = 0.8;

/**
 * The instant 80 % of the limit is used. A working-day limit is counted from the next day, so
 * its time is counted from there too: 80 % of "3 working days" is 2.4 working days.
 */
export function yellowAt(from: number, due: number, limit: TimeLimit, calendar: WorkCalendar): number {
  if (limit.kind === 'duration') return from + Math.floor((due - from) * YELLOW_FRACTION);
  const start = limit.kind === 'workdays' ? beijingDayStart(from) + 86_400_000 : from;
  return calendar.instantAtFraction(Math.min(start, due), due, YELLOW_FRACTION);
}
