import type { Knex } from 'knex';
import { beijingDate, type WorkCalendar } from '../../lib/workdays.ts';
import { listUnits, organisationSince } from '../../store/org.ts';
import { article10, article11, article13, article3, article4, article5, article6, article7, article8, article9 } from './report-articles.ts';
import type { ComplianceReport, ReportContext, ReportOptions } from './report-model.ts';
import type { Period } from './periods.ts';

/**
 * The compliance report: the regulation article by article (3, 4, 5, 6, 7, 8, 9, 10, 11, 13) and,
 * for a period, whether the platform's own records show it was kept. Every finding is computed
 * from the data; one function per article in report-articles.ts.
 */
export type { ArticleReport, ComplianceReport, Finding, ReportOptions, Status } from './report-model.ts';
export { lateItemChanges } from './report-articles.ts';

/** Default for how many days an item change may reach the platform after the 三合一 platform (SUNSHINE_LAG_DAYS). */
export const DEFAULT_SUNSHINE_LAG_DAYS = 30;

const ARTICLES = [article3, article4, article5, article6, article7, article8, article9, article10, article11, article13];

/** Usage: `await complianceReport(db, engine.calendar, period, now, { sunshineLagDays: 30, cancelNeedsApproval })`. */
export async function complianceReport(db: Knex, calendar: WorkCalendar, period: Period, now: number, opts: ReportOptions = {}): Promise<ComplianceReport> {
  const { from, to } = period;
  const ctx: ReportContext = {
    db,
    calendar,
    from,
    to,
    end: Math.min(to, now),
    now,
    // Weeks, months and periods that ended before the platform went live are not held against anyone.
    since: (await organisationSince(db)) ?? from,
    units: await listUnits(db),
    lagDays: opts.sunshineLagDays ?? DEFAULT_SUNSHINE_LAG_DAYS,
    opts,
  };
  const articles = [];
  // One after another: SQLite has one connection, and the order is the regulation's.
  for (const check of ARTICLES) articles.push(await check(ctx));
  return { period: { from: beijingDate(from), to: beijingDate(to - 1) }, generatedAt: new Date(now).toISOString(), articles };
}
