/**
 * Art. 10: a fault must be reported on the day it occurs; a late report makes the reporter
 * responsible. "The day" is the calendar day in Beijing (Asia/Shanghai, UTC+8 all year).
 */

export const DEVICES: Record<string, string> = {
  computer: '计算机',
  webcam: '网络摄像头',
  'usb-key': 'U盘（数字证书）',
  network: '网络',
  other: '其他',
};

const BEIJING_MS = 8 * 3600_000;

/** The Beijing calendar day of an instant, `YYYY-MM-DD`. */
export function beijingDay(ms: number): string {
  return new Date(ms + BEIJING_MS).toISOString().slice(0, 10);
}

/**
 * The instant a form's date-time means. Values with an offset (form-js `utc_offset`) are exact;
 * values without one are Beijing wall-clock time, whatever the server's time zone.
 * Returns NaN for anything else.
 */
export function parseFaultTime(value: unknown): number {
  if (typeof value !== 'string') return NaN;
  const s = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s)) return NaN;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  return Date.parse(hasZone ? s : `${s}${s.length === 16 ? ':00' : ''}+08:00`);
}

export interface SameDayCheck {
  /** False when the fault time is unreadable or later than the report. */
  timeValid: boolean;
  sameDay: boolean;
  /** Set when the report is late: whose responsibility under Art. 10. */
  responsibility: string | null;
}

/**
 * Whether a fault was reported on the day it occurred (Beijing time).
 * Usage: `sameDayCheck(parseFaultTime(vars.occurredAt), instance.startedAt)`.
 */
export function sameDayCheck(occurredAt: number, reportedAt: number): SameDayCheck {
  // A clock a few minutes apart is not a wrong entry; anything later is.
  if (!Number.isFinite(occurredAt) || occurredAt > reportedAt + 5 * 60_000) return { timeValid: false, sameDay: false, responsibility: null };
  const sameDay = beijingDay(occurredAt) === beijingDay(reportedAt);
  return {
    timeValid: true,
    sameDay,
    responsibility: sameDay ? null : `未在故障发生当天（${beijingDay(occurredAt)}）报修，于 ${beijingDay(reportedAt)} 报修；依第十条，因报修不及时影响网上正常运行的，由报修人负责`,
  };
}
