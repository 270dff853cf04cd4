/**
 * Calendar periods for the supervision pages, in Beijing dates (`2026-11-26`): months, quarters
 * and ISO weeks (`2026-W48`, Monday to Sunday), as the API takes them. Pure date arithmetic on
 * the calendar day, so the browser's own time zone does not matter.
 */
const DAY = 86_400_000;

/** Today in Beijing, `2026-11-26`. */
export function beijingToday(now = Date.now()): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whether `s` is a real calendar date `YYYY-MM-DD`. */
export function isDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && toDate(toUtc(s)) === s;
}

export interface DateRange {
  from: string;
  to: string;
}

/** The month of `date`, moved by `offset` months: `monthRange('2026-11-26', -1)` → 2026-10-01..2026-10-31. */
export function monthRange(date: string, offset = 0): DateRange {
  const [y, m] = date.split('-').map(Number);
  const first = Date.UTC(y, m - 1 + offset, 1);
  const next = Date.UTC(y, m + offset, 1);
  return { from: toDate(first), to: toDate(next - DAY) };
}

/** The quarter of `date`. */
export function quarterRange(date: string): DateRange {
  const [y, m] = date.split('-').map(Number);
  const q = Math.floor((m - 1) / 3);
  return { from: toDate(Date.UTC(y, q * 3, 1)), to: toDate(Date.UTC(y, q * 3 + 3, 1) - DAY) };
}

/** The year of `date` up to its end. */
export function yearRange(date: string): DateRange {
  const y = Number(date.slice(0, 4));
  return { from: `${y}-01-01`, to: `${y}-12-31` };
}

/** The ISO week of a date: `isoWeek('2026-11-26')` → '2026-W48'. */
export function isoWeek(date: string): string {
  const ms = toUtc(date);
  const dow = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  const thursday = ms + (3 - dow) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday and Sunday of an ISO week, or null for a malformed key. */
export function weekRange(week: string): DateRange | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const jan4 = Date.UTC(Number(m[1]), 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY + (Number(m[2]) - 1) * 7 * DAY;
  const range = { from: toDate(monday), to: toDate(monday + 6 * DAY) };
  return isoWeek(range.from) === week ? range : null;
}

/** The week `n` weeks after `week` (before, when negative). */
export function shiftWeek(week: string, n: number): string {
  const r = weekRange(week);
  return r ? isoWeek(toDate(toUtc(r.from) + n * 7 * DAY)) : week;
}

/** `2026-11-01 至 2026-11-30` */
export function rangeText(r: DateRange): string {
  return r.from === r.to ? r.from : `${r.from} 至 ${r.to}`;
}
