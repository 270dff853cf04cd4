import { BadRequestError } from '../../errors.ts';
import { beijingDate, beijingDayStart } from '../../lib/workdays.ts';

/** Periods in Beijing time: ISO weeks (`2026-W48`, Monday to Sunday) and months (`2026-11`). */
const DAY = 86_400_000;
const BEIJING = 8 * 3_600_000;

export interface Period {
  key: string;
  from: number;
  to: number;
}

/** The ISO week containing `ms`. Usage: `isoWeekOf(Date.parse('2026-11-26T12:00:00+08:00')).key` → '2026-W48'. */
export function isoWeekOf(ms: number): Period {
  const dayStart = beijingDayStart(ms);
  const d = new Date(dayStart + BEIJING); // a UTC date carrying the Beijing calendar day
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  const monday = dayStart - dow * DAY;
  const thursday = new Date(monday + 3 * DAY + BEIJING);
  const year = thursday.getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Dow = (new Date(jan4).getUTCDay() + 6) % 7;
  const week1Monday = jan4 - jan4Dow * DAY - BEIJING;
  const week = Math.round((monday - week1Monday) / (7 * DAY)) + 1;
  return { key: `${year}-W${String(week).padStart(2, '0')}`, from: monday, to: monday + 7 * DAY };
}

/** Usage: `weekPeriod('2026-W48')` → Monday 2026-11-23 00:00 to Monday 11-30 00:00 (Beijing). */
export function weekPeriod(key: string): Period {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!m) throw new BadRequestError(`周的格式应为 2026-W48：${key}`, undefined, 'BAD_PERIOD');
  const year = Number(m[1]);
  const week = Number(m[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Dow = (new Date(jan4).getUTCDay() + 6) % 7;
  const from = jan4 - jan4Dow * DAY - BEIJING + (week - 1) * 7 * DAY;
  const p = { key, from, to: from + 7 * DAY };
  if (week < 1 || week > 53 || isoWeekOf(from).key !== key) throw new BadRequestError(`没有这一周：${key}`, undefined, 'BAD_PERIOD');
  return p;
}

/** The month containing `ms`. */
export function monthOf(ms: number): Period {
  return monthPeriod(beijingDate(ms).slice(0, 7));
}

/** Usage: `monthPeriod('2026-11')`. */
export function monthPeriod(key: string): Period {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new BadRequestError(`月份的格式应为 2026-11：${key}`, undefined, 'BAD_PERIOD');
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const from = Date.UTC(y, mo - 1, 1) - BEIJING;
  const to = Date.UTC(mo === 12 ? y + 1 : y, mo === 12 ? 0 : mo, 1) - BEIJING;
  return { key, from, to };
}

/** A period given by `from`/`to` dates (YYYY-MM-DD, Beijing, `to` inclusive). */
export function datePeriod(fromDate: string, toDate: string): Period {
  const ok = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
  if (!ok(fromDate) || !ok(toDate)) throw new BadRequestError('日期格式应为 2026-11-01', undefined, 'BAD_PERIOD');
  const from = Date.parse(`${fromDate}T00:00:00+08:00`);
  const to = Date.parse(`${toDate}T00:00:00+08:00`) + DAY;
  if (to <= from) throw new BadRequestError('结束日期不能早于开始日期', undefined, 'BAD_PERIOD');
  return { key: `${fromDate}..${toDate}`, from, to };
}
