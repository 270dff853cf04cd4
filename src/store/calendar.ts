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
 * learnt since (a newer package release), without touching rows an administrator changed nor any
 * year entered through the API (`calendar_years`).
 * Usage: `await seedCalendar(db, Date.now())`.
 */
export async function seedCalendar(db: Knex, now: number): Promise<number> {
  const data = require('chinese-days/dist/chinese-days.json') as PackageCalendar;
  const existing = new Set((await db('calendar_days').select('date')).map((r: { date: string }) => r.date));
  // A year the bureau entered is theirs: a day they removed from it is not added back.
  const maintained = new Set((await db('calendar_years').select('year')).map((r: { year: number }) => String(r.year)));
  const rows: object[] = [];
  const add = (date: string, kind: DayKind, label: string) => {
    if (existing.has(date) || maintained.has(date.slice(0, 4))) return;
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

/** One entered day of a year, as stored. */
export interface CalendarDayRow {
  date: string;
  kind: DayKind;
  name: string | null;
  source: string;
  updatedAt: number;
  updatedBy: string;
}

/** Who entered a year through the API, and when (null: package data or nothing). */
export interface CalendarYearRow {
  year: number;
  days: number;
  updatedAt: number;
  updatedBy: string;
}

const yearRange = (year: number) => [`${year}-01-01`, `${year}-12-31`] as const;

/** The holidays and adjusted working days of a year, by date. Usage: `await yearDays(db, 2027)`. */
export async function yearDays(db: Knex, year: number): Promise<CalendarDayRow[]> {
  const rows = await db('calendar_days').whereBetween('date', [...yearRange(year)]).orderBy('date');
  return rows.map((r: any) => ({ date: r.date, kind: r.kind, name: r.name ?? null, source: r.source, updatedAt: Number(r.updated_at), updatedBy: r.updated_by }));
}

export async function getCalendarYear(db: Knex, year: number): Promise<CalendarYearRow | null> {
  const r = await db('calendar_years').where({ year }).first();
  return r ? { year: Number(r.year), days: Number(r.days), updatedAt: Number(r.updated_at), updatedBy: r.updated_by } : null;
}

/**
 * Replaces a year's days with `days` (all inside the year) and records the year as maintained.
 * Run it inside the caller's transaction. Usage: `await replaceYear(trx, 2027, days, 'owner', now)`.
 */
export async function replaceYear(
  db: Knex,
  year: number,
  days: Array<{ date: string; kind: DayKind; name: string | null }>,
  by: string,
  now: number,
): Promise<void> {
  await db('calendar_days').whereBetween('date', [...yearRange(year)]).delete();
  const rows = days.map((d) => ({ date: d.date, kind: d.kind, name: d.name, source: 'admin', updated_at: now, updated_by: by }));
  for (let i = 0; i < rows.length; i += 200) await db('calendar_days').insert(rows.slice(i, i + 200));
  await db('calendar_years').insert({ year, days: days.length, updated_at: now, updated_by: by }).onConflict('year').merge();
}

/**
 * A fingerprint of the maintained years: it changes whenever a year is saved, so each node can
 * re-read its in-memory calendar when another node changed it. Usage: `await calendarStamp(db)`.
 */
export async function calendarStamp(db: Knex): Promise<string> {
  const r = await db('calendar_years').max({ at: 'updated_at' }).count({ n: '*' }).first();
  return `${Number(r?.n ?? 0)}:${Number(r?.at ?? 0)}`;
}

/** An open task whose limit is in working days, as the due-date recount needs it. */
export interface WorkdayLimitedTask {
  id: string;
  instanceId: string;
  name: string | null;
  createdAt: number;
  limitDays: number;
  dueAt: number;
  yellowAt: number | null;
  warnedLevel: 'yellow' | 'red' | null;
}

/**
 * Open tasks with a working-day limit whose counting window (the day after creation up to the due
 * date) touches the instants [from, to): only those can move when the days in between change.
 */
export async function openWorkdayTasks(db: Knex, from: number, to: number): Promise<WorkdayLimitedTask[]> {
  const rows = await db('tasks')
    .where('status', 'open')
    .whereNotNull('limit_days')
    .whereNotNull('due_at')
    .where('created_at', '<', to)
    .where('due_at', '>', from)
    .orderBy('id')
    .select('id', 'instance_id', 'name', 'created_at', 'limit_days', 'due_at', 'yellow_at', 'warned_level');
  return rows.map((r: any) => ({
    id: r.id,
    instanceId: r.instance_id,
    name: r.name,
    createdAt: Number(r.created_at),
    limitDays: Number(r.limit_days),
    dueAt: Number(r.due_at),
    yellowAt: r.yellow_at === null ? null : Number(r.yellow_at),
    warnedLevel: r.warned_level ?? null,
  }));
}

/** Sets an open task's due date, yellow instant and warned level (a recount after a calendar change). */
export async function setTaskDue(db: Knex, id: string, dueAt: number, yellowAt: number, warnedLevel: 'yellow' | 'red' | null): Promise<void> {
  await db('tasks').where({ id, status: 'open' }).update({ due_at: dueAt, yellow_at: yellowAt, warned_level: warnedLevel });
}
