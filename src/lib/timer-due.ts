import { getDate, ISOInterval } from '@0dep/piso';

/** A timer value that cannot be turned into a due time; the step fails (an incident), never fires "now". */
export class TimerValueError extends Error {}

/** The part of bpmn-engine's `activity.timer` content this module reads. */
export interface TimerContent {
  timerType?: string;
  timeDuration?: unknown;
  timeDate?: unknown;
  timeCycle?: unknown;
  /** bpmn-engine's own delay in ms, used only when the event has no timer value at all. */
  timeout?: unknown;
}

/**
 * A timer's due time on the platform clock. bpmn-engine measures against the wall clock at the
 * moment it arms the timer; the job is due at the timer's own definition from the step's time.
 * Throws TimerValueError when the value does not parse (it used to fall back to "now").
 * Usage: `timerDueAt({ timerType: 'timeDuration', timeDuration: 'PT1H' }, now)` → now + 1 h.
 */
export function timerDueAt(c: TimerContent, now: number): number {
  const type = c.timerType;
  const value = type === 'timeDate' || type === 'timeDuration' || type === 'timeCycle' ? c[type] : undefined;
  if (value === undefined || value === null || value === '') {
    return now + Math.max(0, typeof c.timeout === 'number' && Number.isFinite(c.timeout) ? c.timeout : 0);
  }
  const text = String(value).trim();
  let at: number;
  try {
    if (type === 'timeDate') {
      at = Date.parse(text);
      if (Number.isNaN(at)) at = getDate(text).getTime();
    } else {
      at = new ISOInterval(text).getExpireAt(new Date(now), new Date(now)).getTime();
    }
  } catch (err) {
    throw new TimerValueError(`定时值 ${type} "${text}" 无法解析（${(err as Error).message}）`);
  }
  if (!Number.isFinite(at)) throw new TimerValueError(`定时值 ${type} "${text}" 无法解析`);
  return at;
}
