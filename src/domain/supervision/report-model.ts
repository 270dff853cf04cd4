import type { Knex } from 'knex';
import type { WorkCalendar } from '../../lib/workdays.ts';
import type { UnitRow } from '../../store/org.ts';
import type { OversightOptions } from './report-audit.ts';

/**
 * The compliance report's shape: the regulation article by article with findings computed from
 * the data; `status` is `ok`, `attention` (a shortfall to look at) or `info`.
 */
export type Status = 'ok' | 'attention' | 'info';

export interface Finding {
  status: Status;
  text: string;
}

export interface ArticleReport {
  article: number;
  title: string;
  status: Status;
  findings: Finding[];
}

export interface ComplianceReport {
  period: { from: string; to: string };
  generatedAt: string;
  articles: ArticleReport[];
}

/** Options: the 三合一 lag allowed (SUNSHINE_LAG_DAYS), and which processes' cases need a second person to cancel. */
export interface ReportOptions extends OversightOptions {
  sunshineLagDays?: number;
}

/** What every article's check reads: the period (`end` = min(to, now)), since when the platform runs, the units. */
export interface ReportContext {
  db: Knex;
  calendar: WorkCalendar;
  from: number;
  to: number;
  end: number;
  now: number;
  since: number;
  units: UnitRow[];
  lagDays: number;
  opts: ReportOptions;
}

/** An article's report: attention if any finding is, else ok if any is, else info. Usage: `article(7, '…', findings)`. */
export function article(n: number, title: string, findings: Finding[]): ArticleReport {
  const status: Status = findings.some((f) => f.status === 'attention') ? 'attention' : findings.some((f) => f.status === 'ok') ? 'ok' : 'info';
  return { article: n, title, status, findings };
}

export const yuan = (fen: number) => `${(fen / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元`;
