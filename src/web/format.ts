/** Display formats: Beijing time, Chinese labels for states and warning levels. */
import { dueDateText, timeLeftText } from './deadline.ts';

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

/** A time limit, the one rendering used everywhere: "12月8日（周二）前" (see deadline.ts). */
export function fmtDue(v: number | string | null | undefined): string {
  return v === null || v === undefined || v === '' ? '—' : dueDateText(v);
}

export function fmtDate(v: number | string | null | undefined): string {
  const ms = toMs(v);
  if (ms === null) return '—';
  return dateOnly.format(ms).replace(/\//g, '-');
}

export type Warning = 'green' | 'yellow' | 'red';

export const WARNING_LABEL: Record<Warning, string> = { green: '正常', yellow: '临近期限', red: '已超期' };

/** "剩余 5 个工作日" / "今日到期" / "已超期 2 个工作日" / "无时限", whole days (see deadline.ts). */
export function timeLeft(task: { dueAt?: number | string | null; workdaysLeft?: number | null }, now = Date.now()): string {
  return timeLeftText(task.dueAt, task.workdaysLeft, now);
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
  'decision.evaluated': '决策表判定',
  'incident.created': '出现异常',
  'incident.retried': '异常重试',
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
    'incident.retry': '重试异常环节',
    'attachment.upload': '上传附件',
    'auth.password.reset': '重置密码',
    'auth.password.reset-approved': '批准重置密码',
    'auth.password.reset-rejected': '驳回重置密码',
    'auth.password.reset-requested': '申请重置密码',
    'calendar.update': '修改工作日历',
    'deployment.activate': '部署生效',
    'deployment.propose': '提交部署',
    'deployment.rejected': '驳回部署',
    'district.export': '导出交换文件',
    'district.import': '导入交换文件',
    'personal-data.read': '查看完整个人信息',
    'power-item.start': '办理权力事项',
    'process.cancel-approved': '批准撤销流程',
    'process.cancel-rejected': '驳回撤销流程',
    'process.cancel-requested': '申请撤销流程',
    'suggestion.confirm': '确认线索',
    'task.due-recomputed': '重算办理期限',
    'effect.refused': '拒绝执行',
    claim: '认领任务',
    create: '创建',
    withdraw: '撤回',
  };
  return map[action] ?? '其他操作';
}

/** A value from form data as short text for tables. */
export function shortValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 120);
  return String(v).slice(0, 200);
}
