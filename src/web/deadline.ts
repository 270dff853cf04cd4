/**
 * Deadlines and weeks in natural Chinese, one rendering everywhere (inbox, task, instance,
 * history, supervision): "12月8日（周二）前", "剩余 5 个工作日", "今日到期", "已超期 2 个工作日",
 * "2026年第49周（12月1日–12月7日）". Pure functions of instants and Beijing calendar dates;
 * the browser's own time zone and language play no part.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BEIJING = 8 * HOUR;
const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

interface BeijingDay {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

function beijing(ms: number): BeijingDay {
  const d = new Date(ms + BEIJING);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/** Days since 1970-01-01 of the Beijing day holding `ms`. */
function dayIndex(ms: number): number {
  return Math.floor((ms + BEIJING) / DAY);
}

function toMs(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * The last instant that still counts as "on time": a limit at Beijing midnight belongs to the day
 * before (a limit "by 12月8日" is stored as 12月9日 00:00).
 */
function lastDayOf(due: number): { at: number; endOfDay: boolean } {
  const b = beijing(due);
  return b.hour === 0 && b.minute === 0 ? { at: due - 1, endOfDay: true } : { at: due, endOfDay: false };
}

/**
 * "12月8日（周二）前" — or "12月8日（周二）17:30 前" for a limit within the day, with the year
 * when it is not this year's. Usage: `dueDateText(task.dueAt)`; '无时限' without a limit.
 */
export function dueDateText(dueAt: number | string | null | undefined, now = Date.now()): string {
  const due = toMs(dueAt);
  if (due === null) return '无时限';
  const { at, endOfDay } = lastDayOf(due);
  const b = beijing(at);
  const year = b.year === beijing(now).year ? '' : `${b.year}年`;
  const time = endOfDay ? '' : `${String(b.hour).padStart(2, '0')}:${String(b.minute).padStart(2, '0')} `;
  return `${year}${b.month}月${b.day}日（${WEEKDAY[b.weekday]}）${time}前`;
}

/**
 * Whole working days, never fractions: "剩余 5 个工作日" (today counts while it lasts),
 * "今日到期", "已超期 2 个工作日", "已超期". `workdaysLeft` is the server's count (working
 * calendar with holidays; negative when past); without it Monday–Friday are counted.
 * Usage: `timeLeftText(task.dueAt, task.workdaysLeft)`.
 */
export function timeLeftText(dueAt: number | string | null | undefined, workdaysLeft?: number | null, now = Date.now()): string {
  const due = toMs(dueAt);
  if (due === null) return '无时限';
  const days = typeof workdaysLeft === 'number' ? workdaysLeft : weekdaysBetween(now, due);
  if (now >= due) {
    const n = Math.ceil(Math.abs(days) - 1e-9);
    return n >= 1 ? `已超期 ${n} 个工作日` : '已超期';
  }
  if (dayIndex(lastDayOf(due).at) === dayIndex(now)) return '今日到期';
  return `剩余 ${Math.max(1, Math.ceil(days - 1e-9))} 个工作日`;
}

/** Working time between two instants in days, counting Monday–Friday in Beijing (no holidays); negative when `due` is past. */
export function weekdaysBetween(now: number, due: number): number {
  const sign = due >= now ? 1 : -1;
  const [a, b] = sign > 0 ? [now, due] : [due, now];
  let total = 0;
  for (let start = dayIndex(a) * DAY - BEIJING; start < b; start += DAY) {
    const weekday = new Date(start + BEIJING).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    total += Math.min(b, start + DAY) - Math.max(a, start);
  }
  return (sign * total) / DAY;
}

/** Both halves for one deadline: `{ date: '12月8日（周二）前', left: '剩余 5 个工作日' }`. */
export function deadline(dueAt: number | string | null | undefined, workdaysLeft?: number | null, now = Date.now()): { date: string; left: string } {
  return { date: dueDateText(dueAt, now), left: timeLeftText(dueAt, workdaysLeft, now) };
}

/** `2026-12-01` → "12月1日" (with the year when `withYear`). */
function dateText(date: string, withYear = false): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${withYear ? `${y}年` : ''}${m}月${d}日`;
}

/**
 * An ISO week (`2026-W49`, Monday to Sunday) as people say it: "2026年第49周（12月1日–12月7日）".
 * `from`/`to` are the week's Monday and Sunday (`weekRange` in period.ts gives them).
 */
export function weekLabel(week: string, range: { from: string; to: string }): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return week;
  const crossesYear = range.from.slice(0, 4) !== range.to.slice(0, 4);
  return `${m[1]}年第${Number(m[2])}周（${dateText(range.from, crossesYear)}–${dateText(range.to, crossesYear)}）`;
}
