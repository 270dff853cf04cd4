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
    if (n <= 0) return from;
    return (this.nthWorkdayAfter(dayIndex(from), n) + 1) * DAY - BEIJING;
  }

  /** Milliseconds of working days (whole days count 24 h) between two instants. */
  workingMsBetween(a: number, b: number): number {
    if (b <= a) return 0;
    const da = dayIndex(a);
    const db = dayIndex(b);
    if (da === db) return this.isWorkdayIndex(da) ? b - a : 0;
    let total = this.countWorkdays(da + 1, db) * DAY;
    if (this.isWorkdayIndex(da)) total += (da + 1) * DAY - BEIJING - a;
    if (this.isWorkdayIndex(db)) total += b - (db * DAY - BEIJING);
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
    const first = dayIndex(from);
    if (this.isWorkdayIndex(first)) {
      const used = Math.min(due, (first + 1) * DAY - BEIJING) - from;
      if (used >= need) return Math.ceil(from + need);
      need -= used;
    }
    // Whole working days of 24 h each until the one in which the rest of `need` falls.
    const skipped = Math.max(0, Math.ceil(need / DAY) - 1);
    const d = this.nthWorkdayAfter(first, skipped + 1);
    const s = d * DAY - BEIJING;
    if (s >= due) return due;
    need -= skipped * DAY;
    return Math.min(due, s + DAY) - s >= need ? Math.ceil(s + need) : due;
  }

  /** Whether the Beijing day with this index (days since 1970-01-01) is a working day. */
  private isWorkdayIndex(d: number): boolean {
    return this.isWorkday(new Date(d * DAY).toISOString().slice(0, 10));
  }

  /**
   * Per year, prefix[i] = working days among its first i days. Built once per year on first use
   * (366 look-ups), so every later question costs a few array reads instead of a day-by-day walk.
   */
  private readonly years = new Map<number, { first: number; prefix: Int32Array }>();

  private year(y: number): { first: number; prefix: Int32Array } {
    let e = this.years.get(y);
    if (!e) {
      const first = Date.UTC(y, 0, 1) / DAY;
      const days = Date.UTC(y + 1, 0, 1) / DAY - first;
      const prefix = new Int32Array(days + 1);
      for (let i = 0; i < days; i++) prefix[i + 1] = prefix[i] + (this.isWorkdayIndex(first + i) ? 1 : 0);
      e = { first, prefix };
      this.years.set(y, e);
    }
    return e;
  }

  /** Working days among day indices [lo, hi): O(years spanned), a handful at most. */
  private countWorkdays(lo: number, hi: number): number {
    let total = 0;
    while (lo < hi) {
      const { first, prefix } = this.year(yearOf(lo));
      const end = Math.min(hi, first + prefix.length - 1);
      total += prefix[end - first] - prefix[lo - first];
      lo = end;
    }
    return total;
  }

  /** The day index of the nth (n ≥ 1) working day after day `d`. */
  private nthWorkdayAfter(d: number, n: number): number {
    let lo = d + 1;
    let left = n;
    for (;;) {
      const { first, prefix } = this.year(yearOf(lo));
      const base = prefix[lo - first];
      const inYear = prefix[prefix.length - 1] - base;
      if (inYear < left) {
        left -= inYear;
        lo = first + prefix.length - 1;
        continue;
      }
      // Smallest i with prefix[i + 1] - base >= left: binary search over the year.
      let a = lo - first;
      let b = prefix.length - 2;
      while (a < b) {
        const m = (a + b) >> 1;
        if (prefix[m + 1] - base >= left) b = m;
        else a = m + 1;
      }
      return first + a;
    }
  }

  /** Working days left until `due` (negative when past), to one decimal, for display. */
  workdaysLeft(now: number, due: number): number {
    const ms = now <= due ? this.workingMsBetween(now, due) : -this.workingMsBetween(due, now);
    return Math.round((ms / DAY) * 10) / 10;
  }
}

/** Days since 1970-01-01 of the Beijing day containing `ms`. */
function dayIndex(ms: number): number {
  return Math.floor((ms + BEIJING) / DAY);
}

function yearOf(d: number): number {
  return new Date(d * DAY).getUTCFullYear();
}

/** The Beijing calendar date (YYYY-MM-DD) of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING).toISOString().slice(0, 10);
}

/** The instant of 00:00 Beijing time on the day containing `ms`. */
export function beijingDayStart(ms: number): number {
  return Math.floor((ms + BEIJING) / DAY) * DAY - BEIJING;
}
