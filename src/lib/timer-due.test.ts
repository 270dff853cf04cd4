import { expect } from 'chai';
import { timerDueAt, TimerValueError } from './timer-due.ts';

const NOW = Date.parse('2026-11-26T09:00:00+08:00');
const HOUR = 3_600_000;

describe('lib/timer-due: when a timer job is due', () => {
  it('Given a duration, a cycle or a date, when the timer is armed, then it is due at that value on the platform clock', () => {
    expect(timerDueAt({ timerType: 'timeDuration', timeDuration: 'PT1H' }, NOW)).to.equal(NOW + HOUR);
    expect(timerDueAt({ timerType: 'timeCycle', timeCycle: 'R3/PT2H' }, NOW)).to.equal(NOW + 2 * HOUR);
    expect(timerDueAt({ timerType: 'timeDate', timeDate: '2026-12-01T09:00:00+08:00' }, NOW)).to.equal(Date.parse('2026-12-01T01:00:00Z'));
  });

  it('Given an ISO basic-format date that Date.parse does not read, when armed, then the timer library reads it (no NaN due time)', () => {
    expect(timerDueAt({ timerType: 'timeDate', timeDate: '20261201T010000Z' }, NOW)).to.equal(Date.parse('2026-12-01T01:00:00Z'));
  });

  it('Given a value that does not parse, when armed, then TimerValueError is thrown instead of firing "now"', () => {
    for (const [timerType, value] of [
      ['timeDuration', 'soon'],
      ['timeCycle', 'R/P1Q'],
      ['timeDate', '2026-13-45'],
      ['timeDate', 'next monday'],
    ]) {
      expect(() => timerDueAt({ timerType, [timerType]: value }, NOW), `${timerType} ${value}`).to.throw(TimerValueError, value);
    }
  });

  it('Given an event with no timer value, when armed, then the engine’s own delay is used', () => {
    expect(timerDueAt({ timeout: 5000 }, NOW)).to.equal(NOW + 5000);
    expect(timerDueAt({ timerType: 'timeDuration', timeout: -1 }, NOW)).to.equal(NOW);
  });
});
