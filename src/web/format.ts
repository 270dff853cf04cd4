/** Display formats: Beijing time, Chinese labels for states and warning levels. */

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

function toMs(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(n) ? n : null;
}

/** `2026-11-26 14:03` in Beijing time, or `—`. */
export function fmtDateTime(v: number | string | null | undefined): string {
  const ms = toMs(v);
  if (ms === null) return '—';
  const parts = Object.fromEntries(dateTime.formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

/**
 * A time limit: limits end at 24:00 Beijing time, shown as "2026-12-04 24:00" rather than the
 * equivalent "2026-12-05 00:00" that reads as one day too late.
 */
export function fmtDue(v: number | string | null | undefined): string {
  const ms = toMs(v);
  if (ms === null) return '—';
  const text = fmtDateTime(ms);
  if (!text.endsWith(' 00:00')) return text;
  return `${fmtDateTime(ms - 60_000).slice(0, 10)} 24:00`;
}

export function fmtDate(v: number | string | null | undefined): string {
  const ms = toMs(v);
  if (ms === null) return '—';
  return dateOnly.format(ms).replace(/\//g, '-');
}

export type Warning = 'green' | 'yellow' | 'red';

export const WARNING_LABEL: Record<Warning, string> = { green: '正常', yellow: '临近期限', red: '已超期' };

const DAY = 86_400_000;

/**
 * "剩余 2.5 个工作日" / "超期 1 个工作日" / "无时限". Uses the server's working-day count when the
 * task carries one; otherwise counts Monday–Friday (an approximation shown with "约").
 */
export function timeLeft(task: { dueAt?: number | string | null; workdaysLeft?: number | null }, now = Date.now()): string {
  const due = toMs(task.dueAt);
  if (due === null) return '无时限';
  let days = typeof task.workdaysLeft === 'number' ? task.workdaysLeft : null;
  let approx = false;
  if (days === null) {
    days = approxWorkdays(now, due);
    approx = true;
  }
  const n = Math.abs(days);
  const text = n < 0.1 ? '不足 0.1' : `${approx ? '约 ' : ''}${Math.round(n * 10) / 10}`;
  if (days < 0 || (days === 0 && due < now)) return `超期 ${text} 个工作日`;
  return `剩余 ${text} 个工作日`;
}

/** Working days between two instants counting Monday–Friday in Beijing time (no holidays). */
export function approxWorkdays(now: number, due: number): number {
  const sign = due >= now ? 1 : -1;
  let [a, b] = sign > 0 ? [now, due] : [due, now];
  let total = 0;
  const BJ = 8 * 3_600_000;
  for (let dayStart = Math.floor((a + BJ) / DAY) * DAY - BJ; dayStart < b; dayStart += DAY) {
    const dow = new Date(dayStart + BJ).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    total += Math.min(b, dayStart + DAY) - Math.max(a, dayStart);
  }
  return (sign * Math.round((total / DAY) * 10)) / 10;
}

export const INSTANCE_STATUS: Record<string, string> = {
  running: '办理中',
  completed: '已办结',
  cancelled: '已撤销',
  withdrawn: '已撤回',
  terminated: '已终止',
};

export const TASK_STATUS: Record<string, string> = { open: '待办', completed: '已办结', cancelled: '已取消' };

/** What a history event type means, for the history timeline. */
export const HISTORY_TYPE: Record<string, string> = {
  'process.start': '发起流程',
  'process.end': '流程办结',
  'process.cancel': '流程撤销',
  'activity.start': '进入环节',
  'activity.end': '离开环节',
  'task.created': '任务到达',
  'task.claimed': '认领',
  'task.unclaimed': '放回待认领',
  'task.reminded': '催办',
  'task.assigned': '转办',
  'task.completed': '办理完成',
  'task.cancelled': '任务取消',
  'message.received': '收到消息',
  'timer.start': '定时启动',
  'timer.fired': '定时触发',
  'service.completed': '自动处理完成',
  'incident.created': '产生故障',
  'incident.retried': '故障重试',
  variable: '变量变更',
};

export function historyLabel(type: string): string {
  return HISTORY_TYPE[type] ?? type;
}

/** Audit action codes in Chinese where known. */
export function auditLabel(action: string): string {
  const map: Record<string, string> = {
    'auth.login': '登录',
    'auth.logout': '退出登录',
    'auth.password.change': '修改密码',
    'auth.password.set': '设置密码',
    'task.claim': '认领任务',
    'task.unclaim': '放回待认领',
    'task.complete': '办理任务',
    'task.remind': '催办',
    'task.assign': '转办',
    'process.start': '发起流程',
    'process.cancel': '撤销流程',
    'message.correlate': '发送消息',
    'deployment.create': '部署流程',
    'incident.retry': '故障重试',
  };
  return map[action] ?? action;
}

/** A value from form data as short text for tables. */
export function shortValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 120);
  return String(v).slice(0, 200);
}
