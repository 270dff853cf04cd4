import { CronExpressionParser } from 'cron-parser';
import { MAX_SPAN_MS, MIN_CYCLE_MS } from './timer-limits.ts';

/**
 * Cron timer cycles as Camunda 7 writes them (Quartz: `sec min hour day-of-month month
 * day-of-week [year]`, e.g. `0 0 9 * * ?` every day at 09:00, `0 0 9 ? * MON-FRI`), evaluated with
 * cron-parser on the platform clock in Asia/Shanghai — the bureau's wall clock, whatever the
 * server's zone. Like ISO cycles today, a cron cycle fires on calendar days: it does not skip
 * holidays (put a working-day check in the process if it must).
 * Usage: `if (isCron(v)) nextCron(v, clock.now())`.
 */

const ZONE = 'Asia/Shanghai';

/** Whether a timeCycle is a cron expression (6 or 7 fields) rather than an ISO 8601 cycle. */
export function isCron(value: string): boolean {
  const v = value.trim();
  if (/^R\d*\//.test(v) || v.startsWith('P')) return false;
  const n = v.split(/\s+/).length;
  return n === 6 || n === 7;
}

/** Quartz → cron-parser: drop a `*`/`?` year, number days of the week from 0 (Quartz: 1 = Sunday). */
function toParser(value: string): string {
  const fields = value.trim().split(/\s+/);
  if (fields.length === 7) {
    if (fields[6] !== '*' && fields[6] !== '?') throw new Error(`年份字段 "${fields[6]}" 暂不支持（请用 * ）`);
    fields.pop();
  }
  fields[5] = fields[5].replace(/(^|[,\-/])(\d+)/g, (whole, sep: string, d: string) => {
    // After "/" the number is a step, not a day.
    if (sep === '/') return whole;
    const n = Number(d);
    if (n < 1 || n > 7) throw new Error(`星期字段 "${fields[5]}" 的取值应为 1–7（1 = 星期日）或 SUN–SAT`);
    return `${sep}${n - 1}`;
  });
  return fields.join(' ');
}

/** The next firing strictly after `after` (ms), or throws with a Chinese message. */
export function nextCron(value: string, after: number): number {
  let expr: string;
  try {
    expr = toParser(value);
  } catch (err) {
    throw new Error(`cron 表达式 "${value}" 无效：${(err as Error).message}`);
  }
  try {
    return CronExpressionParser.parse(expr, { currentDate: new Date(after), tz: ZONE }).next().toDate().getTime();
  } catch (err) {
    throw new Error(`cron 表达式 "${value}" 无效：${(err as Error).message}`);
  }
}

/**
 * Why a literal cron cycle may not be deployed (Chinese), or null: it must parse, and fire no more
 * often than every minute (the same bound as ISO cycles) — checked over its next firings.
 */
export function cronProblem(value: string, now = Date.now()): string | null {
  try {
    let at = nextCron(value, now);
    for (let i = 0; i < 50; i++) {
      const next = nextCron(value, at);
      if (next - at < MIN_CYCLE_MS) return `cron 周期 "${value}" 的间隔短于 1 分钟（过短的周期会使服务器停顿），不接受`;
      at = next;
    }
    if (nextCron(value, now) - now > MAX_SPAN_MS) return `cron 周期 "${value}" 的首次触发超过 3 年的上限`;
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
