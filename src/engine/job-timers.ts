import * as Elements from 'bpmn-elements';

/**
 * Timers are evaluated only by their jobs, on the platform clock (issue 11, item 11).
 *
 * bpmn-elements measures a timer against the wall clock and, when it finds it expired, completes it
 * at once: on arrival (a timeDate already past) and — the dangerous case — when an engine is
 * recovered for some other step. A task completed just after its deadline then succeeded on a
 * node that had the instance cached and failed on one that recovered it. This timer event
 * definition never completes by itself: it always arms through the engine's `timers` hook (which
 * arms nothing, see runtime.ts timersApi), so only the timer's job (due on the platform clock)
 * fires it, whichever node runs the next step.
 */
const Base = (Elements as any).TimerEventDefinition;

export function JobTimerEventDefinition(this: any, activity: any, eventDefinition: any): void {
  Base.call(this, activity, eventDefinition);
}
JobTimerEventDefinition.prototype = Object.create(Base.prototype, { constructor: { value: JobTimerEventDefinition, writable: true, configurable: true } });
JobTimerEventDefinition.prototype._getTimers = function getTimers(executeMessage: unknown) {
  const result = Base.prototype._getTimers.call(this, executeMessage);
  if (!(typeof result.timeout === 'number' && result.timeout > 0)) result.timeout = 1;
  return result;
};
