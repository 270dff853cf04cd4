import { createRequire } from 'node:module';
import type { Knex } from 'knex';
import { WorkCalendar, type DayKind } from '../lib/workdays.ts';

const require = createRequire(import.meta.url);

interface PackageCalendar {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/**
 * Seeds `calendar_days` from the chinese-days package the first time, and adds years the package
 * learnt since (a newer package release), without touching rows an administrator changed.
 * Usage: `await seedCalendar(db, Date.now())`.
 */
export async function seedCalendar(db: Knex, now: number): Promise<number> {
  const data = require('chinese-days/dist/chinese-days.json') as PackageCalendar;
  const existing = new Set((await db('calendar_days').select('date')).map((r: { date: string }) => r.date));
  const rows: object[] = [];
  const add = (date: string, kind: DayKind, label: string) => {
    if (existing.has(date)) return;
    rows.push({ date, kind, name: label.split(',')[1] ?? label, source: 'package', updated_at: now, updated_by: 'system' });
  };
  for (const [date, label] of Object.entries(data.holidays)) add(date, 'holiday', label);
  for (const [date, label] of Object.entries(data.workdays)) add(date, 'workday', label);
  for (let i = 0; i < rows.length; i += 200) await db('calendar_days').insert(rows.slice(i, i + 200));
  return rows.length;
}

/** Loads the working-day calendar from the database. Usage: `const cal = await loadCalendar(db)`. */
export async function loadCalendar(db: Knex): Promise<WorkCalendar> {
  const rows: { date: string; kind: DayKind }[] = await db('calendar_days').select('date', 'kind');
  return new WorkCalendar(new Map(rows.map((r) => [r.date, r.kind])));
}

/** Adds or corrects one day (an administrator entering next year's schedule). */
export async function setCalendarDay(db: Knex, date: string, kind: DayKind, name: string, by: string, now: number): Promise<void> {
  await db('calendar_days')
    .insert({ date, kind, name, source: 'admin', updated_at: now, updated_by: by })
    .onConflict('date')
    .merge();
}
