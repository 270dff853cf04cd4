import { expect } from 'chai';
import { beijingDate, beijingDayStart, WorkCalendar, type DayKind } from '../../src/lib/workdays.ts';

/**
 * Issue 10, finding 13: working-day arithmetic by per-year prefix sums gives exactly what the
 * plain day-by-day walk gives (the walk is kept here as the reference), over random inputs.
 */
const DAY = 86_400_000;

function walkAdd(cal: WorkCalendar, from: number, n: number): number {
  let dayStart = beijingDayStart(from);
  let left = n;
  while (left > 0) {
    dayStart += DAY;
    if (cal.isWorkday(beijingDate(dayStart))) left--;
  }
  return n > 0 ? dayStart + DAY : from;
}

function walkMs(cal: WorkCalendar, a: number, b: number): number {
  if (b <= a) return 0;
  let total = 0;
  for (let d = beijingDayStart(a); d < b; d += DAY) {
    if (cal.isWorkday(beijingDate(d))) total += Math.min(b, d + DAY) - Math.max(a, d);
  }
  return total;
}

function walkFraction(cal: WorkCalendar, from: number, due: number, fraction: number): number {
  const total = walkMs(cal, from, due);
  if (total <= 0) return from + Math.floor((due - from) * fraction);
  let need = total * fraction;
  for (let d = beijingDayStart(from); d < due; d += DAY) {
    if (!cal.isWorkday(beijingDate(d))) continue;
    const s = Math.max(from, d);
    const e = Math.min(due, d + DAY);
    if (e - s >= need) return Math.ceil(s + need);
    need -= e - s;
  }
  return due;
}

/** A small deterministic generator, so a failure can be reproduced. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

describe('engine: working-day arithmetic by prefix sums equals the day-by-day walk', () => {
  const random = rng(20261201);
  const exceptions = new Map<string, DayKind>();
  // Holidays and adjusted working days scattered over 2025–2029, as the calendar table holds them.
  for (let i = 0; i < 300; i++) {
    const d = beijingDate(Date.parse('2025-01-01T00:00:00+08:00') + Math.floor(random() * 5 * 365) * DAY);
    exceptions.set(d, random() < 0.7 ? 'holiday' : 'workday');
  }
  const cal = new WorkCalendar(exceptions);
  const base = Date.parse('2025-06-01T00:00:00+08:00');
  const instant = () => base + Math.floor(random() * 3 * 365 * DAY);

  it('addWorkdays over 3,000 random starts and counts up to 750 working days', () => {
    for (let i = 0; i < 3000; i++) {
      const from = instant();
      const n = i % 10 === 0 ? 0 : Math.floor(random() * 750) + 1;
      expect(cal.addWorkdays(from, n), `${new Date(from).toISOString()} + ${n}`).to.equal(walkAdd(cal, from, n));
    }
  });

  it('workingMsBetween and instantAtFraction over 3,000 random spans', () => {
    for (let i = 0; i < 3000; i++) {
      const a = instant();
      const b = i % 7 === 0 ? a - Math.floor(random() * DAY) : a + Math.floor(random() * (i % 2 ? 3 * DAY : 400 * DAY));
      const f = [0, 0.8, 1, random()][i % 4];
      expect(cal.workingMsBetween(a, b), `${a}..${b}`).to.equal(walkMs(cal, a, b));
      expect(cal.instantAtFraction(a, b, f), `${a}..${b} @${f}`).to.equal(walkFraction(cal, a, b, f));
      expect(cal.workdaysLeft(a, b)).to.equal(Math.round(((a <= b ? walkMs(cal, a, b) : -walkMs(cal, b, a)) / DAY) * 10) / 10);
    }
  });

  it('a 750-working-day limit costs well under a millisecond', () => {
    const from = Date.parse('2026-12-01T09:00:00+08:00');
    cal.addWorkdays(from, 750); // builds the years once
    const started = performance.now();
    for (let i = 0; i < 1000; i++) cal.instantAtFraction(from, cal.addWorkdays(from + i * 1000, 750), 0.8);
    expect((performance.now() - started) / 1000).to.be.lessThan(0.5);
  });
});
