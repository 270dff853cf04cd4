import { expect } from 'chai';
import { backupsToDelete } from '../../src/ops/retention.ts';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const policy = { daily: 30, monthly: 12 };

describe('ops: backup retention (which backups to delete)', () => {
  it('keeps the newest backup of each of the last 30 days and deletes older dailies of the same month', () => {
    // Given one backup at 02:00 Beijing every day from 2026-09-01 to 2026-12-01
    const now = at('2026-12-01T10:00:00+08:00');
    const times: number[] = [];
    for (let t = at('2026-09-01T02:00:00+08:00'); t <= now; t += DAY) times.push(t);
    // When retention runs
    const doomed = new Set(backupsToDelete(times, now, policy));
    const kept = times.filter((t) => !doomed.has(t));
    // Then the last 30 days are kept, plus the newest of September and October (month ends)
    const daily = kept.filter((t) => t >= at('2026-11-02T00:00:00+08:00'));
    expect(daily).to.have.length(30);
    expect(kept.filter((t) => t < at('2026-11-02T00:00:00+08:00'))).to.deep.equal([
      at('2026-09-30T02:00:00+08:00'),
      at('2026-10-31T02:00:00+08:00'),
    ]);
    expect(doomed.size).to.equal(times.length - 32);
  });

  it('keeps only the newest of several backups on one day once the day has newer company', () => {
    const now = at('2026-12-01T12:00:00+08:00');
    const times = [at('2026-12-01T02:00:00+08:00'), at('2026-12-01T09:00:00+08:00'), at('2026-11-30T02:00:00+08:00'), at('2026-11-30T14:00:00+08:00')];
    expect(backupsToDelete(times, now, policy)).to.have.members([at('2026-12-01T02:00:00+08:00'), at('2026-11-30T02:00:00+08:00')]);
  });

  it('keeps monthly backups for 12 months (this month included) and deletes the 13th month back', () => {
    const now = at('2026-12-15T10:00:00+08:00');
    const times: number[] = [];
    for (let m = 0; m < 15; m++) times.push(Date.UTC(2025, 9 + m, 10, 0, 0)); // the 10th of 2025-10 … 2026-12
    const doomed = backupsToDelete(times, now, { daily: 0, monthly: 12 });
    expect(doomed.map((t) => new Date(t).toISOString().slice(0, 7))).to.deep.equal(['2025-10', '2025-11', '2025-12']);
  });

  it('uses Beijing days: 23:30 UTC belongs to the next Beijing day', () => {
    const now = at('2026-12-02T12:00:00+08:00');
    const lateUtc = at('2026-12-01T23:30:00Z'); // 07:30 on 2 December in Beijing
    const earlier = at('2026-12-02T01:00:00+08:00');
    expect(backupsToDelete([earlier, lateUtc], now, { daily: 1, monthly: 0 })).to.deep.equal([earlier]);
  });

  it('never deletes the newest backup, however old, nor one dated in the future', () => {
    const now = at('2026-12-01T10:00:00+08:00');
    const ancient = at('2020-01-01T02:00:00+08:00');
    const future = now + 3 * DAY;
    expect(backupsToDelete([ancient], now, policy)).to.deep.equal([]);
    expect(backupsToDelete([future, ancient, at('2019-01-01T02:00:00+08:00')], now, policy)).to.deep.equal([at('2019-01-01T02:00:00+08:00')]);
  });

  it('deletes nothing from an empty list', () => {
    expect(backupsToDelete([], Date.now(), policy)).to.deep.equal([]);
  });
});
