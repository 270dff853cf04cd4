import type { Knex } from 'knex';
import type { WorkCalendar } from '../../lib/workdays.ts';
import { listUnits, listUsers } from '../../store/org.ts';
import { handledTasks, overdueOpenByAssignee } from '../../store/stats.ts';

/**
 * Appraisal statistics (Art. 4): per person and per unit, for tasks completed in a period — how
 * many, how many on time (before the yellow mark), in the yellow band, late (red), and the average
 * handling time in working days; plus open tasks already overdue, reminders (催办) received about
 * tasks they held, and accountability cases.
 */
export interface Figures {
  handled: number;
  onTime: number;
  yellow: number;
  red: number;
  /** Average working days from task creation to completion, one decimal. */
  avgWorkdays: number | null;
  openOverdue: number;
  /** Reminders (催办) received about tasks the person held, in the period. */
  reminded: number;
  accountability: number;
}

export interface PersonFigures extends Figures {
  userId: string;
  displayName: string;
  unitId: string | null;
}

export interface UnitFigures extends Figures {
  unitId: string;
  unitName: string;
}

export interface AppraisalStats {
  from: number;
  to: number;
  people: PersonFigures[];
  units: UnitFigures[];
}

const DAY = 86_400_000;

/**
 * Usage: `await appraisalStats(db, engine.calendar, { from, to, now, accountability, reminded })`,
 * where `accountability` counts accountability cases per person in the period (from the appraisal
 * records) and `reminded` the reminders each received (`remindersByPerson`).
 */
export async function appraisalStats(
  db: Knex,
  calendar: WorkCalendar,
  opts: { from: number; to: number; now: number; accountability?: Map<string, number>; reminded?: Map<string, number> },
): Promise<AppraisalStats> {
  const [tasks, users, units, overdue] = await Promise.all([
    handledTasks(db, opts.from, opts.to),
    listUsers(db),
    listUnits(db),
    overdueOpenByAssignee(db, opts.now),
  ]);
  const people = new Map<string, PersonFigures & { workMs: number }>();
  const person = (userId: string) => {
    let p = people.get(userId);
    if (!p) {
      const u = users.find((x) => x.id === userId);
      p = { userId, displayName: u?.displayName ?? userId, unitId: u?.unitId ?? null, ...empty(), workMs: 0 };
      people.set(userId, p);
    }
    return p;
  };
  for (const t of tasks) {
    const p = person(t.completedBy);
    p.handled++;
    if (t.dueAt !== null && t.completedAt > t.dueAt) p.red++;
    else if (t.yellowAt !== null && t.completedAt >= t.yellowAt) p.yellow++;
    else p.onTime++;
    p.workMs += calendar.workingMsBetween(t.createdAt, t.completedAt);
  }
  for (const [userId, n] of overdue) person(userId).openOverdue = n;
  for (const [userId, n] of opts.accountability ?? []) person(userId).accountability = n;
  for (const [userId, n] of opts.reminded ?? []) person(userId).reminded = n;
  const unitTotals = new Map<string, UnitFigures & { workMs: number }>();
  for (const p of people.values()) {
    p.avgWorkdays = p.handled ? round1(p.workMs / p.handled / DAY) : null;
    if (!p.unitId) continue;
    let u = unitTotals.get(p.unitId);
    if (!u) {
      u = { unitId: p.unitId, unitName: units.find((x) => x.id === p.unitId)?.name ?? p.unitId, ...empty(), workMs: 0 };
      unitTotals.set(p.unitId, u);
    }
    for (const k of ['handled', 'onTime', 'yellow', 'red', 'openOverdue', 'reminded', 'accountability'] as const) u[k] += p[k];
    u.workMs += p.workMs;
  }
  for (const u of unitTotals.values()) u.avgWorkdays = u.handled ? round1(u.workMs / u.handled / DAY) : null;
  const strip = <T extends { workMs: number }>({ workMs: _w, ...rest }: T) => rest;
  return {
    from: opts.from,
    to: opts.to,
    people: [...people.values()].map(strip).sort((a, b) => b.handled - a.handled || a.userId.localeCompare(b.userId)),
    units: [...unitTotals.values()].map(strip).sort((a, b) => b.handled - a.handled || a.unitId.localeCompare(b.unitId)),
  };
}

function empty(): Figures {
  return { handled: 0, onTime: 0, yellow: 0, red: 0, avgWorkdays: null, openOverdue: 0, reminded: 0, accountability: 0 };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The statistics as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese). */
export function statsCsv(stats: AppraisalStats): string {
  const head = ['类型', '编号', '名称', '所属单位', '办理数', '按时', '黄色', '红色', '平均办理工作日', '超期未办', '被催办', '追责案件'];
  const line = (cells: Array<string | number | null>) => cells.map((c) => csvCell(c)).join(',');
  const rows = [
    line(head),
    ...stats.people.map((p) => line(['个人', p.userId, p.displayName, p.unitId, p.handled, p.onTime, p.yellow, p.red, p.avgWorkdays, p.openOverdue, p.reminded, p.accountability])),
    ...stats.units.map((u) => line(['单位', u.unitId, u.unitName, '', u.handled, u.onTime, u.yellow, u.red, u.avgWorkdays, u.openOverdue, u.reminded, u.accountability])),
  ];
  return '\ufeff' + rows.join('\r\n') + '\r\n';
}

export function csvCell(v: string | number | null): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  // A leading = + - @ would be a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
