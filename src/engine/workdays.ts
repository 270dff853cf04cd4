/**
 * Working-day arithmetic in Asia/Shanghai (no daylight saving: UTC+8 all year).
 *
 * A day is a working day if the calendar says so (an adjusted working day, 调休), else not if the
 * calendar lists it as a holiday, else if it is Monday–Friday. "N working days" from an instant
 * means: counting starts the next day, and the limit ends at 24:00 Beijing time of the Nth working
 * day — the way Chinese administrative time limits are counted (受理之日不计入).
 */
const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;

export type DayKind = 'holiday' | 'workday';

export class WorkCalendar {
  private readonly exceptions: Map<string, DayKind>;
  private readonly knownYears: Set<number>;

  /** Usage: `new WorkCalendar(new Map([['2026-10-01', 'holiday']]))`. */
  constructor(exceptions: Map<string, DayKind>, knownYears?: Iterable<number>) {
    this.exceptions = exceptions;
    this.knownYears = new Set(knownYears ?? [...exceptions.keys()].map((d) => Number(d.slice(0, 4))));
  }

  /** Whether the holiday schedule of the year of `date` (YYYY-MM-DD) is known. */
  knowsYear(date: string | number): boolean {
    const d = typeof date === 'number' ? beijingDate(date) : date;
    return this.knownYears.has(Number(d.slice(0, 4)));
  }

  /** Usage: `calendar.isWorkday('2026-10-08')` → true. */
  isWorkday(date: string): boolean {
    const kind = this.exceptions.get(date);
    if (kind) return kind === 'workday';
    const dow = new Date(date + 'T00:00:00Z').getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /**
   * The end (24:00 Beijing) of the `n`th working day after the Beijing day of `from`.
   * Usage: `calendar.addWorkdays(Date.parse('2026-09-30T10:00:00+08:00'), 1)` → 2026-10-09T00:00+08:00.
   */
  addWorkdays(from: number, n: number): number {
    let dayStart = beijingDayStart(from);
    let left = n;
    while (left > 0) {
      dayStart += DAY;
      if (this.isWorkday(beijingDate(dayStart))) left--;
    }
    return n > 0 ? dayStart + DAY : from;
  }

  /** Milliseconds of working days (whole days count 24 h) between two instants. */
  workingMsBetween(a: number, b: number): number {
    if (b <= a) return 0;
    let total = 0;
    for (let dayStart = beijingDayStart(a); dayStart < b; dayStart += DAY) {
      if (!this.isWorkday(beijingDate(dayStart))) continue;
      total += Math.min(b, dayStart + DAY) - Math.max(a, dayStart);
    }
    return total;
  }

  /**
   * The instant at which `fraction` of the working time between `from` and `due` is used; the
   * warning level turns yellow there. Falls back to calendar time when the span holds no working day.
   */
  instantAtFraction(from: number, due: number, fraction: number): number {
    const total = this.workingMsBetween(from, due);
    if (total <= 0) return from + Math.floor((due - from) * fraction);
    let need = total * fraction;
    for (let dayStart = beijingDayStart(from); dayStart < due; dayStart += DAY) {
      if (!this.isWorkday(beijingDate(dayStart))) continue;
      const s = Math.max(from, dayStart);
      const e = Math.min(due, dayStart + DAY);
      if (e - s >= need) return Math.ceil(s + need);
      need -= e - s;
    }
    return due;
  }

  /** Working days left until `due` (negative when past), to one decimal, for display. */
  workdaysLeft(now: number, due: number): number {
    const ms = now <= due ? this.workingMsBetween(now, due) : -this.workingMsBetween(due, now);
    return Math.round((ms / DAY) * 10) / 10;
  }
}

/** The Beijing calendar date (YYYY-MM-DD) of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING).toISOString().slice(0, 10);
}

/** The instant of 00:00 Beijing time on the day containing `ms`. */
export function beijingDayStart(ms: number): number {
  return Math.floor((ms + BEIJING) / DAY) * DAY - BEIJING;
}
