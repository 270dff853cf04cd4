import { expect } from 'chai';
import { durationMs, instantProblem, MAX_WORKDAYS, retryCycleProblem, timeLimitProblem, timerValueProblem } from './timer-limits.ts';

describe('lib/timer-limits: bounds on timers and time limits', () => {
  it('Given ISO durations, when measured, then months count 30 days and years 365', () => {
    expect(durationMs('PT1H30M')).to.equal(5_400_000);
    expect(durationMs('P1M')).to.equal(30 * 86_400_000);
    expect(durationMs('P1Y')).to.equal(365 * 86_400_000);
    expect(durationMs('one hour')).to.equal(null);
  });

  it('Given zero, too short or too long timers, when checked for deploy, then each is refused in Chinese', () => {
    expect(timerValueProblem('timeCycle', 'R/PT0S')).to.contain('短于 1 分钟');
    expect(timerValueProblem('timeDuration', 'PT0S')).to.contain('为零');
    expect(timerValueProblem('timeDuration', 'P4Y')).to.contain('3 年');
    expect(timerValueProblem('timeCycle', 'R/P1D')).to.equal(null);
    expect(timerValueProblem('timeDuration', 'PT1H')).to.equal(null);
  });

  it('Given timer values the timer library cannot read, when checked for deploy, then they are refused rather than failing every case later', () => {
    expect(timerValueProblem('timeDate', 'Nov 26 2026')).to.contain('不是有效的 ISO 8601');
    expect(timerValueProblem('timeCycle', 'R/2026-13-45T09:00:00+08:00/P1D')).to.contain('不是有效的 ISO 8601');
    expect(timerValueProblem('timeDate', '2026-11-26T09:00:00+08:00')).to.equal(null);
    expect(timerValueProblem('timeCycle', 'R/2026-11-30T09:00:00+08:00/P1W')).to.equal(null);
  });

  it('Given retry cycles, when checked, then sub-second delays and more than 100 retries are refused', () => {
    expect(retryCycleProblem('R3/PT0S')).to.contain('短于 1 秒');
    expect(retryCycleProblem('R101/PT10S')).to.contain('过多');
    expect(retryCycleProblem('R3/PT10S')).to.equal(null);
  });

  it('Given task time limits, when checked, then zero and beyond the caps are refused', () => {
    expect(timeLimitProblem({ kind: 'workdays', days: MAX_WORKDAYS + 1 }, 'P751D')).to.contain('750 个工作日');
    expect(timeLimitProblem({ kind: 'workdays', days: 0 }, 'P0D')).to.contain('为零');
    expect(timeLimitProblem({ kind: 'duration', ms: 0, months: 40 }, 'P40M')).to.contain('3 年');
    expect(timeLimitProblem({ kind: 'workdays', days: 5 }, 'P5D')).to.equal(null);
    const now = Date.parse('2026-11-26T00:00:00Z');
    expect(instantProblem(Date.parse('2100-01-01T00:00:00Z'), now, '2100-01-01')).to.contain('3 年');
    expect(instantProblem(now + 86_400_000, now, 'tomorrow')).to.equal(null);
  });
});
