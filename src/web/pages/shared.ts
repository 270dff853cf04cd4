/** Pieces shared by the task, request and monitor pages. */
import { api, type HistoryEntry, type Incident, type Instance, type PersonalData, type Task } from '../api.ts';
import type { DiagramState } from '../bpmn/viewer.ts';
import { ask, empty, h } from '../dom.ts';
import { navigate } from '../router.ts';
import { fmtDateTime, historyLabel, INSTANCE_STATUS, shortValue } from '../format.ts';
import { userLabel } from '../names.ts';

/** 重试: runs a failed automatic step again (the monitor and the instance page). */
export async function retryIncident(incident: Incident): Promise<void> {
  await api.post(`/api/incidents/${encodeURIComponent(incident.id)}/retry`);
}

/** The BPMN XML of the version an instance runs (`definitionId` is `key:version`). */
export async function definitionXml(processKey: string, definitionId?: string | null): Promise<string> {
  const version = definitionId?.match(/:(\d+)$/)?.[1];
  const body = await api.text(`/api/process-definitions/${encodeURIComponent(processKey)}/xml`, { version });
  if (body.trimStart().startsWith('{')) {
    const json = JSON.parse(body);
    return json.xml ?? json.bpmnXml ?? json.content ?? '';
  }
  return body;
}

/** Open tasks of an instance, from whichever field the answer carries them in. */
export function openTasks(instance: Instance): Task[] {
  const tasks = instance.activeTasks ?? instance.tasks ?? [];
  return tasks.filter((t) => !t.status || t.status === 'open');
}

/** What to draw on the diagram for an instance. */
export function instanceState(instance: Instance): DiagramState {
  const active: Record<string, number> = {};
  const overdue = new Set<string>();
  const warning = new Set<string>();
  for (const a of instance.activities?.active ?? []) active[a.elementId] = (active[a.elementId] ?? 0) + 1;
  for (const t of openTasks(instance)) {
    if (!instance.activities) active[t.elementId] = (active[t.elementId] ?? 0) + 1;
    if (t.warning === 'red') overdue.add(t.elementId);
    else if (t.warning === 'yellow') warning.add(t.elementId);
  }
  const completed = new Set<string>((instance.activities?.completed ?? []).map((a) => a.elementId));
  for (const e of instance.history ?? []) {
    if (e.elementId && (e.type === 'activity.end' || e.type === 'task.completed' || e.type === 'service.completed')) completed.add(e.elementId);
  }
  const incidents = (instance.incidents ?? []).filter((i) => i.status !== 'resolved' && i.elementId).map((i) => i.elementId!);
  return { active, completed, overdue, warning, incidents, progress: instance.multiInstance };
}

/** The people-facing history: who did what, when, with their comment. */
const PEOPLE_EVENTS = new Set(['process.start', 'process.end', 'process.cancel', 'task.created', 'task.claimed', 'task.unclaimed', 'task.reminded', 'task.assigned', 'task.completed', 'message.received', 'incident.created', 'incident.retried']);
const COMMENT_KEYS = ['comment', 'opinion', 'remark', 'reason', 'decisionComment', 'reviewComment', 'note'];

export function commentOf(entry: HistoryEntry): string | null {
  const vars = entry.data?.variables ?? entry.data;
  if (!vars || typeof vars !== 'object') return null;
  for (const k of Object.keys(vars)) {
    if (COMMENT_KEYS.includes(k) || /comment|opinion|意见/i.test(k)) {
      const v = (vars as Record<string, unknown>)[k];
      if (typeof v === 'string' && v.trim()) return v.trim();
    }
  }
  return null;
}

function decisionOf(entry: HistoryEntry): string | null {
  const vars = entry.data?.variables;
  const d = vars?.decision ?? vars?.approved ?? vars?.result;
  if (d === undefined || d === null) return null;
  const map: Record<string, string> = { approve: '同意', approved: '同意', reject: '不同意', rejected: '不同意', return: '退回', true: '同意', false: '不同意' };
  return map[String(d)] ?? String(d);
}

/** A timeline of history entries (people's actions only unless `all`). */
export function historyList(entries: HistoryEntry[], opts: { all?: boolean } = {}): HTMLElement {
  const rows = entries.filter((e) => opts.all || PEOPLE_EVENTS.has(e.type));
  if (!rows.length) return empty('暂无办理记录。');
  return h(
    'ol',
    { class: 'timeline' },
    rows.map((e) => {
      const comment = commentOf(e);
      const decision = e.type === 'task.completed' ? decisionOf(e) : null;
      return h(
        'li',
        { class: `tl-item tl-${e.type.replace(/\./g, '-')}` },
        h('div', { class: 'tl-head' }, h('strong', historyLabel(e.type)), e.elementName ? h('span', { class: 'tl-el' }, e.elementName) : e.elementId && opts.all ? h('span', { class: 'tl-el' }, e.elementId) : null),
        h('div', { class: 'tl-meta' }, h('time', fmtDateTime(e.at)), e.actor ? h('span', userLabel(e.actor, e.actorName)) : null),
        decision ? h('div', { class: 'tl-decision' }, `结论：${decision}`) : null,
        comment ? h('blockquote', { class: 'tl-comment' }, comment) : null,
        e.type === 'process.cancel' && e.data?.reason ? h('blockquote', { class: 'tl-comment' }, `原因：${e.data.reason}`) : null,
        e.type === 'task.assigned' && typeof e.data?.to === 'string' ? h('div', { class: 'tl-decision' }, `转给：${userLabel(e.data.to)}`) : null,
        opts.all && e.type === 'variable' && e.data ? h('div', { class: 'tl-data' }, `${e.data.name} = ${shortValue(e.data.value)}`) : null,
      );
    }),
  );
}

export function statusTag(status: string): HTMLElement {
  return h('span', { class: `tag tag-status-${status}` }, INSTANCE_STATUS[status] ?? status);
}

/** Pages (by path) where supervision asked to see personal data in full: for the next load only. */
const revealOnce = new Set<string>();

/** The query that asks for personal data in full, once, after supervision pressed the button. */
export function revealQuery(): { reveal?: string } {
  return revealOnce.delete(location.pathname) ? { reveal: 'personal' } : {};
}

/**
 * 已脱敏: says that ID numbers, phones and addresses on the page are masked, and gives supervision
 * a button to see them in full (the server audits each such read).
 */
export function personalNotice(info: PersonalData | undefined): HTMLElement | null {
  if (!info?.masked) return null;
  const reveal = info.canReveal
    ? h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small',
          'data-action': 'reveal-personal',
          onclick: async () => {
            const ok = await ask({ title: '查看完整个人信息', message: '将显示未脱敏的身份证号、电话和地址。此次查看将记入审计日志。', ok: '确认查看' });
            if (ok === null) return;
            revealOnce.add(location.pathname);
            navigate(location.pathname, { replace: true });
          },
        },
        '查看完整信息',
      )
    : null;
  return h('p', { class: 'notice notice-warn personal-notice', role: 'status' }, h('strong', '已脱敏'), '：本页的个人信息（身份证号、电话、地址）已部分隐藏。', reveal);
}
