/**
 * The instance page in business language: variables under the labels (and option labels) of the
 * forms that set them, history as sentences, audit rows as field-by-field changes, addresses as
 * plain IPv4. Pure functions (no DOM); the page builds a `Vocabulary` from the process's BPMN and
 * its forms. Usage: `const v = vocabulary(xml, schemas); historySentence(entry, v, userLabel)`.
 */
import type { FormSchema, HistoryEntry } from '../api.ts';
import { dueDateText } from '../deadline.ts';

export interface Vocabulary {
  /** Variable key (or list path) → the label people saw on the form. */
  labels: Map<string, string>;
  /** Variable key → option value → option label. */
  options: Map<string, Map<string, string>>;
  /** BPMN element id → its name. */
  elements: Map<string, string>;
  /** The process's name, for audit rows that name the process by key. */
  processName?: string;
}

/** Platform variables that no form labels (set by the engine or by approvals). */
const KNOWN: Record<string, string> = {
  comment: '意见',
  opinion: '意见',
  remark: '备注',
  reason: '原因',
  decision: '结论',
  approved: '是否同意',
  result: '结果',
  assignee: '办理人',
  task: '环节',
  businessKey: '业务编号',
  caseNumber: '案号',
  subject: '事由',
  definitionId: '流程版本',
  processKey: '流程',
  variables: '填报内容',
  status: '状态',
  startedBy: '发起人',
  itemCode: '事项编码',
  itemName: '事项名称',
  changeType: '变更类型',
  itemPatch: '变更内容',
  name: '名称',
  category: '类别',
  unitId: '承办单位',
  promisedDays: '承诺时限（工作日）',
  legalBasis: '法律依据',
  to: '转给',
  from: '原办理人',
  by: '操作人',
  candidateGroups: '候选岗位',
  candidateUsers: '候选人',
  dueAt: '办理期限',
  version: '版本',
  key: '编号',
  element: '环节',
  elementId: '环节',
  changed: '变更',
  requestedBy: '申请人',
  approvedBy: '批准人',
  reporter: '报修人',
  applicant: '申请人',
  timeValid: '报修时间有效',
  sameDay: '当天报修',
  lateReport: '报修不及时',
  responsibility: '责任认定',
};

/** Variables that hold a user id: shown as the person's name. */
const PERSON_KEYS = new Set(['assignee', 'to', 'from', 'by', 'startedBy', 'requestedBy', 'approvedBy', 'reporter', 'applicant']);

const DECISIONS: Record<string, string> = { approve: '同意', approved: '同意', reject: '不同意', rejected: '不同意', return: '退回', returned: '退回' };

function walk(components: Array<Record<string, any>>, v: Vocabulary): void {
  for (const c of components ?? []) {
    const label = typeof c.label === 'string' && c.label.trim() ? c.label.trim() : typeof c.dateLabel === 'string' ? c.dateLabel : null;
    const key = c.key ?? c.path;
    if (key && label && !v.labels.has(key)) v.labels.set(key, label);
    if (c.key && Array.isArray(c.values)) {
      const map = v.options.get(c.key) ?? new Map<string, string>();
      for (const o of c.values) if (o && o.value !== undefined) map.set(String(o.value), String(o.label ?? o.value));
      v.options.set(c.key, map);
    }
    if (Array.isArray(c.components)) walk(c.components, v);
  }
}

function decode(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#10;/g, ' ').replace(/&amp;/g, '&');
}

/** The names of a BPMN file's elements, by id. */
export function elementNames(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of xml.matchAll(/<(?:[\w-]+:)?\w+\s([^>]*?)\/?>/g)) {
    const id = /\bid="([^"]*)"/.exec(m[1])?.[1];
    const name = /\bname="([^"]*)"/.exec(m[1])?.[1];
    if (id && name && !out.has(id)) out.set(id, decode(name).trim());
  }
  return out;
}

/** The form keys a BPMN file names (start events and user tasks). */
export function formKeys(xml: string): string[] {
  const keys = [...xml.matchAll(/camunda:formKey="([^"]+)"/g)].map((m) => decode(m[1]).replace(/^camunda-forms:(deployment|app):/, '').replace(/\.form$/, ''));
  return [...new Set(keys)];
}

/** Everything the page needs to speak of an instance in its own words. */
export function vocabulary(xml: string, schemas: FormSchema[], processName?: string): Vocabulary {
  const v: Vocabulary = { labels: new Map(), options: new Map(), elements: elementNames(xml), processName };
  for (const s of schemas) walk(s.components ?? [], v);
  return v;
}

/** The label of a variable: the form's, the platform's, or null (then the page shows the key as code). */
export function labelOf(key: string, v: Vocabulary): string | null {
  return v.labels.get(key) ?? KNOWN[key] ?? null;
}

function scalar(key: string, value: unknown, v: Vocabulary): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? '是' : '否';
  const text = String(value);
  const option = v.options.get(key)?.get(text);
  if (option) return option;
  if (key === 'decision' || key === 'result') return DECISIONS[text] ?? text;
  if (/At$/.test(key) && (typeof value === 'number' || /^\d{4}-\d{2}-\d{2}T/.test(text))) return dueDateText(value as number | string).replace(/前$/, '');
  return text;
}

/**
 * A variable's value as people read it: option labels for choices, 是/否, rows of a list as
 * "第 1 行：内容 一", objects as "标签：值" pairs. Usage: `valueText('kind', 'a', v)` → '甲类'.
 */
export function valueText(key: string, value: unknown, v: Vocabulary): string {
  if (Array.isArray(value)) {
    if (value.every((x) => x === null || typeof x !== 'object')) return value.length ? value.map((x) => scalar(key, x, v)).join('、') : '—';
    return value.map((row, i) => `第 ${i + 1} 行：${valueText(key, row, v)}`).join('；');
  }
  if (value && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, x]) => `${labelOf(k, v) ?? k}：${valueText(k, x, v)}`);
    return parts.length ? parts.join('，') : '—';
  }
  return scalar(key, value, v);
}

/** One line per variable: `[{ key, label, text }]`, in the forms' order where they have one. */
export function variableLines(vars: Record<string, unknown>, v: Vocabulary): Array<{ key: string; label: string | null; text: string }> {
  const order = [...v.labels.keys()];
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(vars)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, value]) => ({ key, label: labelOf(key, v), text: valueText(key, value, v) }));
}

/** "::ffff:127.0.0.1" → "127.0.0.1" (an IPv4 client seen through an IPv6 socket). */
export function plainIp(ip: string | null | undefined): string {
  if (!ip) return '—';
  return ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

/** The element's name, or a neutral word when it has none (never its id). */
export function elementLabel(id: string | null | undefined, v: Vocabulary, name?: string | null): string {
  return name?.trim() || (id ? v.elements.get(id) : undefined) || '未命名环节';
}

/**
 * One history entry as a sentence: "王建国 发起了流程", "张明 认领了“核对”", "“登记”出现异常".
 * `person` names a user id. Usage: `historySentence(e, v, (id) => userLabel(id))`.
 */
export function historySentence(e: HistoryEntry, v: Vocabulary, person: (id: string, name?: string | null) => string): string {
  const who = e.actor && e.actor !== 'system' ? person(e.actor, e.actorName) : '系统';
  const el = `“${elementLabel(e.elementId, v, e.elementName)}”`;
  const d = (e.data ?? {}) as Record<string, any>;
  switch (e.type) {
    case 'process.start':
      return `${who} 发起了流程${d.definitionId ? `（第 ${String(d.definitionId).split(':').pop()} 版）` : ''}`;
    case 'process.end':
      return '流程办结';
    case 'process.cancel':
      return `${who} 撤销了流程${d.reason ? `，原因：${d.reason}` : ''}`;
    case 'activity.start':
      return `进入${el}`;
    case 'activity.end':
      return `离开${el}`;
    case 'task.created': {
      const to = d.assignee ? `，由 ${person(d.assignee)} 办理` : '';
      return `${el}任务到达${to}${d.dueAt ? `，期限 ${dueDateText(d.dueAt)}` : ''}`;
    }
    case 'task.claimed':
      return `${who} 认领了${el}`;
    case 'task.unclaimed':
      return `${who} 把${el}放回待认领`;
    case 'task.reminded':
      return `${who} 催办了${el}${typeof d.comment === 'string' && d.comment ? `：${d.comment}` : ''}`;
    case 'task.assigned':
      return `${who} 把${el}转给 ${typeof d.to === 'string' ? person(d.to) : '他人'}`;
    case 'task.completed':
      return `${who} 办理完成${el}`;
    case 'task.cancelled':
      return `${el}任务已取消${d.reason ? `（${d.reason}）` : ''}`;
    case 'message.received':
      return `${el}收到消息`;
    case 'timer.start':
      return '到时自动发起';
    case 'timer.fired':
      return `${el}到时触发`;
    case 'service.completed':
      return `系统自动完成${el}`;
    case 'decision.evaluated':
      return `${el}按决策表“${d.decisionName ?? d.decisionId}”（第 ${d.version} 版）得出结果：${valueText(String(d.resultVariable ?? ''), d.result, v)}`;
    case 'service.error':
      return `${el}自动处理出错`;
    case 'incident.created':
      return `${el}出现异常${d.attempts ? `（已自动重试 ${d.attempts} 次）` : ''}`;
    case 'incident.retried':
      return `${who} 重试了${el}`;
    case 'variable': {
      const key = String(d.name);
      const value = PERSON_KEYS.has(key) && typeof d.value === 'string' ? person(d.value) : valueText(key, d.value, v);
      return `${labelOf(key, v) ? `“${labelOf(key, v)}”` : '一项系统记录'}改为 ${value}`;
    }
    default:
      return `${who} ${el}`;
  }
}

/**
 * Whether the supervisor's history shows an entry: leaving a step and passing a gateway say
 * nothing a person needs (entering the next step says it).
 */
export function worthTelling(e: HistoryEntry): boolean {
  if (e.type === 'activity.end') return false;
  if (e.type === 'activity.start' && /Gateway|Task$/.test(e.elementType ?? '')) return false;
  return true;
}

/** What people filled in at this step (the values a start or a completion submitted). */
export function submittedValues(e: HistoryEntry): Record<string, unknown> | null {
  const vars = e.data?.variables;
  return vars && typeof vars === 'object' && Object.keys(vars).length ? (vars as Record<string, unknown>) : null;
}

export interface Change {
  field: string;
  from: string;
  to: string;
}

/**
 * An audit row's before/after as field-by-field changes, nested `variables` flattened into their
 * fields: `[{ field: '办理人', from: '—', to: '张明' }]`. Fields that did not change are left out.
 */
export function auditChanges(before: unknown, after: unknown, v: Vocabulary, person: (id: string) => string): Change[] {
  const obj = (x: unknown): Record<string, unknown> => (x && typeof x === 'object' && !Array.isArray(x) ? { ...(x as Record<string, unknown>) } : x === null || x === undefined ? {} : { value: x });
  const b = obj(before);
  const a = obj(after);
  // Nested values (`variables`, `changed`, a handler's `result`) become fields of their own.
  for (const side of [a, b]) {
    for (const nest of ['variables', 'changed', 'result']) {
      const inner = side[nest];
      if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
        delete side[nest];
        Object.assign(side, inner as Record<string, unknown>);
      }
    }
  }
  const show = (k: string, x: unknown): string => {
    if (x === undefined) return '—';
    if (PERSON_KEYS.has(k)) return Array.isArray(x) ? x.map((p) => person(String(p))).join('、') || '—' : typeof x === 'string' ? person(x) : '—';
    if ((k === 'element' || k === 'elementId') && typeof x === 'string') return elementLabel(x, v);
    if (k === 'processKey' && typeof x === 'string') return v.processName ?? x;
    if (k === 'definitionId' && typeof x === 'string') return `第 ${x.split(':').pop()} 版`;
    return valueText(k, x, v);
  };
  const out: Change[] = [];
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[k]) === JSON.stringify(a[k])) continue;
    out.push({ field: k === 'value' ? '内容' : labelOf(k, v) ?? k, from: show(k, b[k]), to: show(k, a[k]) });
  }
  return out;
}

/** Audit object types in Chinese. */
export const OBJECT_TYPE: Record<string, string> = {
  'process-instance': '流程实例',
  task: '任务',
  incident: '异常',
  deployment: '部署',
  attachment: '附件',
  user: '用户',
  form: '表单',
};
