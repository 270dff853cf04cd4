import { getDate, ISOInterval } from '@0dep/piso';
import type { TimeLimit } from './time-limits.ts';

/**
 * Bounds on timers and time limits (issue 10, finding 13). A zero cycle (`R/PT0S`) makes the cycle
 * library loop forever, so one file in processes/ would keep the server from starting; a limit of
 * tens of thousands of days costs CPU on every task and means nothing in administrative practice.
 * Checked at deploy for literal values; expression-valued time limits are checked when a task is
 * created (the step then fails into an incident instead of creating a task with a silly limit).
 */
export const MIN_CYCLE_MS = 60_000;
export const MAX_SPAN_MS = 3 * 365 * 86_400_000;
export const MAX_WORKDAYS = 750;
/** Retry delays of service tasks: at least a second (R3/PT0S would spin). */
export const MIN_RETRY_MS = 1000;

const DURATION = /^P(?!$)(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO-8601 duration in ms (months as 30 days, years as 365), or null if it is not one. */
export function durationMs(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return ((((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s) * 1000;
}

const tooLong = '超过 3 年的上限';

/** Why a literal timer value may not be deployed (Chinese), or null. */
export function timerValueProblem(type: 'timeDuration' | 'timeDate' | 'timeCycle', value: string): string | null {
  // Bounds first (a zero cycle must never reach the library), then what bpmn-engine and the job
  // scheduler cannot read: deployed, it would fail every case later.
  const problem = boundsProblem(type, value);
  if (problem) return problem;
  return pisoReads(type, value) ? null : `${type} "${value}" 不是有效的 ISO 8601 值`;
}

function boundsProblem(type: 'timeDuration' | 'timeDate' | 'timeCycle', value: string): string | null {
  if (type === 'timeDate') return null;
  if (type === 'timeDuration') {
    const ms = durationMs(value);
    if (ms === null) return null; // reported as not ISO 8601 elsewhere
    if (ms <= 0) return `时长 "${value}" 为零，不接受`;
    return ms > MAX_SPAN_MS ? `时长 "${value}" ${tooLong}` : null;
  }
  const parts = value.split('/');
  const period = parts.find((p) => p.startsWith('P'));
  const ms = period === undefined ? null : durationMs(period);
  if (ms === null) return `周期 "${value}" 须含有效的 ISO 8601 时长（如 R/P1D）`;
  if (ms < MIN_CYCLE_MS) return `周期 "${value}" 的间隔短于 1 分钟（零或过短的周期会使服务器停顿），不接受`;
  return ms > MAX_SPAN_MS ? `周期 "${value}" 的间隔${tooLong}` : null;
}

/** Whether the timer library bpmn-engine uses parses the value (a date, duration or repeating interval). */
function pisoReads(type: 'timeDuration' | 'timeDate' | 'timeCycle', value: string): boolean {
  try {
    if (type === 'timeDate') return !Number.isNaN(getDate(value.trim()).getTime());
    new ISOInterval(value.trim()).parse();
    return true;
  } catch {
    return false;
  }
}

/** Why a retry cycle such as `R3/PT10S` is refused, or null. */
export function retryCycleProblem(cycle: string): string | null {
  const m = /^R(\d+)\/(P.+)$/.exec(cycle);
  const ms = m ? durationMs(m[2]) : null;
  if (!m || ms === null) return null; // the shape is checked elsewhere
  if (ms < MIN_RETRY_MS) return `重试间隔 "${m[2]}" 短于 1 秒，不接受`;
  if (Number(m[1]) > 100) return `重试次数 ${m[1]} 过多（最多 100 次）`;
  return ms > MAX_SPAN_MS ? `重试间隔 "${m[2]}" ${tooLong}` : null;
}

/** Why a task time limit (camunda:dueDate / followUpDate) is out of bounds, or null. */
export function timeLimitProblem(limit: TimeLimit, text: string): string | null {
  if (limit.kind === 'workdays') {
    if (limit.days <= 0) return `期限 "${text}" 为零，不接受`;
    return limit.days > MAX_WORKDAYS ? `期限 "${text}" 超过 ${MAX_WORKDAYS} 个工作日的上限` : null;
  }
  if (limit.kind === 'duration') {
    const ms = limit.months * 30 * 86_400_000 + limit.ms;
    if (ms <= 0) return `期限 "${text}" 为零，不接受`;
    return ms > MAX_SPAN_MS ? `期限 "${text}" ${tooLong}` : null;
  }
  return null;
}

/** An absolute time limit too far from `now` (a date in 2100) is refused when the task is made. */
export function instantProblem(at: number, now: number, text: string): string | null {
  return at - now > MAX_SPAN_MS ? `期限 "${text}" ${tooLong}` : null;
}
