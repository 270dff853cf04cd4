import { BadRequestError } from '../../errors.ts';
import { monthPeriod } from './periods.ts';

/** An appraisal period: a month (`2026-11`) or a year (`2026`), Beijing time. */
export interface AppraisalPeriod {
  key: string;
  kind: 'month' | 'year';
  label: string;
  from: number;
  to: number;
}

/** Usage: `appraisalPeriod('2026')` → the Beijing calendar year; `appraisalPeriod('2026-11')` → November. 400 BAD_PERIOD. */
export function appraisalPeriod(key: string): AppraisalPeriod {
  if (/^\d{4}$/.test(key)) {
    const y = Number(key);
    const from = monthPeriod(`${y}-01`).from;
    const to = monthPeriod(`${y + 1}-01`).from;
    return { key, kind: 'year', label: `${y} 年度`, from, to };
  }
  if (/^\d{4}-\d{2}$/.test(key)) {
    const p = monthPeriod(key);
    return { key, kind: 'month', label: `${key.slice(0, 4)} 年 ${Number(key.slice(5))} 月`, from: p.from, to: p.to };
  }
  throw new BadRequestError(`考核期间应为月份（2026-11）或年度（2026）：${key}`, { period: '格式不正确' }, 'BAD_PERIOD');
}
