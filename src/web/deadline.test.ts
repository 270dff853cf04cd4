import { expect } from 'chai';
import { deadline, dueDateText, timeLeftText, weekdaysBetween, weekLabel } from './deadline.ts';
import { isoWeek, weekRange } from './period.ts';

/** A Beijing wall-clock time as an instant: `bj('2026-12-02 10:00')`. */
const bj = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);

describe('deadline texts: natural Chinese, one rendering everywhere', () => {
  // Wednesday 2 December 2026, 10:00 in Beijing.
  const now = bj('2026-12-02 10:00');

  describe('the date of a limit', () => {
    it('a limit at midnight belongs to the day before: "12月8日（周二）前", not 12月9日 00:00', () => {
      expect(dueDateText(bj('2026-12-09 00:00'), now)).to.equal('12月8日（周二）前');
    });
    it('a limit within the day keeps its time', () => {
      expect(dueDateText(bj('2026-12-08 17:30'), now)).to.equal('12月8日（周二）17:30 前');
    });
    it('a limit in another year names the year', () => {
      expect(dueDateText(bj('2027-01-06 00:00'), now)).to.equal('2027年1月5日（周二）前');
    });
    it('no limit reads 无时限', () => {
      expect(dueDateText(null, now)).to.equal('无时限');
      expect(timeLeftText(undefined, null, now)).to.equal('无时限');
    });
    it('the same instant as a number and as an ISO string reads the same (inbox and history agree)', () => {
      const due = bj('2026-12-16 00:00');
      expect(dueDateText(new Date(due).toISOString(), now)).to.equal(dueDateText(due, now)).and.to.equal('12月15日（周二）前');
    });
  });

  describe('what is left, in whole working days', () => {
    it('the server count 4.6 (today partly gone, four more days) reads 剩余 5 个工作日', () => {
      expect(timeLeftText(bj('2026-12-09 00:00'), 4.6, now)).to.equal('剩余 5 个工作日');
    });
    it('never a fraction, never "不足 0.1"', () => {
      for (const w of [0.05, 0.4, 1.2, 2.5, -0.05, -1.4]) {
        const due = w >= 0 ? bj('2026-12-05 00:00') : bj('2026-12-01 00:00');
        expect(timeLeftText(due, w, now)).not.to.match(/\d\.\d|不足/);
      }
    });
    it('a limit ending today reads 今日到期', () => {
      expect(timeLeftText(bj('2026-12-03 00:00'), 0.6, now)).to.equal('今日到期');
      expect(timeLeftText(bj('2026-12-02 17:00'), 0.3, now)).to.equal('今日到期');
    });
    it('past the limit: 已超期 2 个工作日 (1.3 working days rounds up to the second day)', () => {
      expect(timeLeftText(bj('2026-11-30 16:00'), -1.3, now)).to.equal('已超期 2 个工作日');
    });
    it('past the limit over a weekend with no working time lost reads 已超期', () => {
      const saturday = bj('2026-12-05 10:00');
      expect(timeLeftText(bj('2026-12-05 00:00'), 0, saturday)).to.equal('已超期');
    });
    it('without the server count, Monday to Friday are counted', () => {
      expect(weekdaysBetween(bj('2026-12-04 12:00'), bj('2026-12-08 00:00'))).to.equal(1.5);
      expect(timeLeftText(bj('2026-12-09 00:00'), null, now)).to.equal('剩余 5 个工作日');
    });
    it('both halves together', () => {
      expect(deadline(bj('2026-12-09 00:00'), 4.6, now)).to.deep.equal({ date: '12月8日（周二）前', left: '剩余 5 个工作日' });
    });
  });

  describe('weeks start on Monday', () => {
    it('2026-W49 runs from Monday 30 November to Sunday 6 December', () => {
      const week = isoWeek('2026-12-02');
      expect(week).to.equal('2026-W49');
      expect(weekLabel(week, weekRange(week)!)).to.equal('2026年第49周（11月30日–12月6日）');
    });
    it('a week across the new year names both years', () => {
      expect(weekLabel('2026-W53', weekRange('2026-W53')!)).to.equal('2026年第53周（2026年12月28日–2027年1月3日）');
    });
  });
});
