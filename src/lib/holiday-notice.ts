/**
 * Reads the State Council's yearly holiday notice (国务院办公厅关于某年部分节假日安排的通知) into
 * calendar days, for a person to review before saving. Pure: no I/O, no clock; the browser page and
 * the tests use it alike.
 *
 * Each line (or "一、…" item) names a festival before the colon; its sentences say which days are
 * off (`放假`, a range `1月1日至3日` or single days) and which weekend days are worked (`上班`, a
 * list `2月14日（周六）、2月28日（周六）`). A day without a year takes the notice's year, a day
 * without a month the month before it; a range ending in an earlier month runs into the next
 * year. A weekday written beside a date (`（周五）`, `（星期五）`) is checked against the date.
 *
 * Usage:
 *   parseHolidayNotice('元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班', 2027)
 *   → { days: [{date: '2027-01-01', kind: 'holiday', name: '元旦'}, …, {date: '2027-01-04', kind: 'workday', name: '元旦'}], problems: [] }
 */

export type NoticeDayKind = 'holiday' | 'workday';

export interface NoticeDay {
  date: string; // YYYY-MM-DD
  kind: NoticeDayKind;
  name: string | null;
}

export interface NoticeResult {
  days: NoticeDay[];
  /** What could not be read or looks wrong, in Chinese, each naming the text concerned. */
  problems: string[];
}

interface DateToken {
  year: number | null;
  month: number | null;
  day: number;
  weekday: number | null; // 0 = Sunday, as written beside the date
  text: string;
}

const WEEKDAYS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const WEEKDAY_NAMES = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** A date written as `[YYYY年][M月]D日` with an optional parenthesis after it. */
const DATE = /(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*[日号]\s*(?:[（(]([^）)]*)[）)])?/g;
/** Words joining the two ends of a range. */
const RANGE_JOIN = /^\s*(?:至|到|—|–|-|~|～)\s*$/;

/** Full-width digits as ASCII digits, full-width colons as ASCII ones. */
function normalise(text: string): string {
  return text
    .replace(/[０-９]/g, (c) => String(c.charCodeAt(0) - 0xff10))
    .replace(/：/g, ':')
    .replace(/\r/g, '');
}

function weekdayOf(paren: string | undefined): number | null {
  const m = paren ? /(?:周|星期|礼拜)([日天一二三四五六])/.exec(paren) : null;
  return m ? WEEKDAYS[m[1]] : null;
}

/** The items of the notice: one per line, or per "一、…" inside a single pasted line. */
function items(text: string): string[] {
  return normalise(text)
    .split(/\n|(?<=[。；;\s])(?=[一二三四五六七八九十]+、)/)
    .map((s) => s.replace(/^\s*[一二三四五六七八九十]+、\s*/, '').trim())
    .filter(Boolean);
}

/** YYYY-MM-DD of a real date, or null (2月30日). */
function isoDate(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

function addDay(date: string, n: number): string {
  return new Date(Date.parse(date + 'T00:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
}

/** The date tokens of a sentence and, for each, whether a range word joins it to the next one. */
function tokens(sentence: string): Array<DateToken & { rangeToNext: boolean }> {
  const found: Array<DateToken & { rangeToNext: boolean; end: number; start: number }> = [];
  for (const m of sentence.matchAll(DATE)) {
    found.push({
      year: m[1] ? Number(m[1]) : null,
      month: m[2] ? Number(m[2]) : null,
      day: Number(m[3]),
      weekday: weekdayOf(m[4]),
      text: m[0].trim(),
      rangeToNext: false,
      start: m.index ?? 0,
      end: (m.index ?? 0) + m[0].length,
    });
  }
  for (let i = 0; i + 1 < found.length; i++) found[i].rangeToNext = RANGE_JOIN.test(sentence.slice(found[i].end, found[i + 1].start));
  return found;
}

/** Resolves the tokens of one sentence into dates, carrying year and month forward. */
function resolveDates(sentence: string, year: number, problems: string[]): Array<{ date: string; to: string | null }> {
  const out: Array<{ date: string; to: string | null }> = [];
  let y = year;
  let mo: number | null = null;
  let pendingFrom: string | null = null;
  for (const t of tokens(sentence)) {
    const explicitYear = t.year !== null;
    if (explicitYear) y = t.year!;
    if (t.month !== null) mo = t.month;
    if (mo === null) {
      problems.push(`“${t.text}”缺少月份`);
      pendingFrom = null;
      continue;
    }
    let date = isoDate(y, mo, t.day);
    // A range's end in an earlier month than its start (12月31日至1月2日) runs into the next year.
    if (date && pendingFrom && !explicitYear && date < pendingFrom) {
      y += 1;
      date = isoDate(y, mo, t.day);
    }
    if (!date) {
      problems.push(`“${t.text}”不是有效日期`);
      pendingFrom = null;
      continue;
    }
    if (t.weekday !== null) {
      const actual = new Date(date + 'T00:00:00Z').getUTCDay();
      if (actual !== t.weekday) problems.push(`“${t.text}”标注为${WEEKDAY_NAMES[t.weekday]}，但 ${date} 是${WEEKDAY_NAMES[actual]}`);
    }
    if (pendingFrom) {
      out[out.length - 1].to = date;
      pendingFrom = null;
    } else {
      out.push({ date, to: null });
      if (t.rangeToNext) pendingFrom = date;
    }
  }
  return out;
}

/** A sentence opening with a festival's name and a colon (`清明节:4月4日…`): the name and the rest. */
function festivalName(sentence: string): { name: string | null; body: string } {
  const m = /^([^:\d]{1,30}):(.*)$/s.exec(sentence);
  return m ? { name: m[1].trim() || null, body: m[2].trim() } : { name: null, body: sentence };
}

/**
 * Parses a notice. `year` is the year the notice is for (dates without a year belong to it).
 * Days come sorted by date; a day named twice keeps its last reading and is reported.
 */
export function parseHolidayNotice(text: string, year: number): NoticeResult {
  const problems: string[] = [];
  const byDate = new Map<string, NoticeDay>();
  const put = (day: NoticeDay) => {
    const prev = byDate.get(day.date);
    if (prev && prev.kind !== day.kind) problems.push(`${day.date} 同时被列为放假日和上班日`);
    byDate.set(day.date, day);
  };
  for (const item of items(text)) {
    let name: string | null = null;
    for (const raw of item.split(/[。；;]/).map((s) => s.trim()).filter(Boolean)) {
      const named = festivalName(raw);
      if (named.name) name = named.name;
      const sentence = named.body;
      const off = /放假|休息|休假/.test(sentence);
      const work = /上班|补班|工作日/.test(sentence);
      const dates = resolveDates(sentence, year, problems);
      if (!dates.length) continue;
      if (off === work) {
        problems.push(`无法判断“${sentence.slice(0, 40)}”是放假还是上班`);
        continue;
      }
      for (const { date, to } of dates) {
        const last = to ?? date;
        if (last < date || daysBetween(date, last) > 31) {
          problems.push(`“${sentence.slice(0, 40)}”的日期范围不合理`);
          continue;
        }
        for (let d = date; d <= last; d = addDay(d, 1)) put({ date: d, kind: off ? 'holiday' : 'workday', name });
      }
    }
  }
  return { days: [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1)), problems };
}

function daysBetween(a: string, b: string): number {
  return (Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000;
}

