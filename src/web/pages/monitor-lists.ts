/**
 * The monitor's lists: overdue and nearly-due tasks by warning level (with 催办), open incidents
 * (with 重试), and all instances with the filters of the page.
 */
import { api, ApiError, type Incident, type Instance, type Task } from '../api.ts';
import { empty, h, mount, toast } from '../dom.ts';
import { fmtDateTime, WARNING_LABEL } from '../format.ts';
import { candidatesLabel, userLabel, userUnitLabel } from '../names.ts';
import { warningMarker } from './inbox.ts';
import { remindButton } from './remind.ts';
import { retryIncident, statusTag } from './shared.ts';

type ProcessName = (key: string | null) => string;

/** 超期与预警任务: red first, then yellow, each as a table. Usage: `await loadOverdue(host, pname, ctx.alive)`. */
export async function loadOverdue(host: HTMLElement, pname: ProcessName, alive: () => boolean): Promise<void> {
  const { items } = await api.page<Task>('/api/tasks', { all: true, sort: 'due', limit: 200 });
  if (!alive()) return;
  const groups: Array<['red' | 'yellow', Task[]]> = [
    ['red', items.filter((t) => t.warning === 'red')],
    ['yellow', items.filter((t) => t.warning === 'yellow')],
  ];
  if (!groups.some(([, l]) => l.length)) {
    mount(host, empty('没有超期或临近期限的任务。'));
    return;
  }
  mount(host, groups.map(([level, list]) => (list.length ? overdueGroup(level, list, pname) : null)));
}

function overdueGroup(level: 'red' | 'yellow', list: Task[], pname: ProcessName): HTMLElement {
  return h(
    'div',
    { class: `overdue-group overdue-${level}` },
    h('h3', `${WARNING_LABEL[level]}（${list.length}）`),
    h(
      'table',
      { class: 'table compact' },
      h('thead', h('tr', ['期限', '任务', '流程', '办理人', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        list.map((t) =>
          h(
            'tr',
            { class: `level-${t.warning}`, 'data-task': t.id },
            h('td', warningMarker(t)),
            h('td', h('a', { href: `/monitor/instances/${encodeURIComponent(t.instanceId)}` }, t.name ?? t.elementId)),
            h('td', pname(t.processKey), t.businessKey ? h('div', { class: 'cell-sub' }, t.businessKey) : null),
            h('td', t.assignee ? userLabel(t.assignee) : `待认领（${candidatesLabel(t) || '—'}）`),
            h('td', { class: 'cell-actions' }, remindButton(t)),
          ),
        ),
      ),
    ),
  );
}

/**
 * 异常: open incidents, each with 重试; after a retry `retried` runs (the page reloads the list and the counts).
 * Usage: `await loadIncidents(host, ctx.alive, () => Promise.all([...]))`.
 */
export async function loadIncidents(host: HTMLElement, alive: () => boolean, retried: () => Promise<unknown>): Promise<void> {
  const { items } = await api.page<Incident>('/api/incidents', { status: 'open', limit: 50 });
  if (!alive()) return;
  if (!items.length) {
    mount(host, empty('没有未处理的异常。', '自动处理的环节出错时会在这里列出，可在修复原因后重试。'));
    return;
  }
  const retry = async (ev: Event, i: Incident) => {
    const b = ev.target as HTMLButtonElement;
    b.disabled = true;
    try {
      await retryIncident(i);
      toast('已提交重试');
      await retried();
    } catch (err) {
      b.disabled = false;
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  };
  mount(
    host,
    h(
      'ul',
      { class: 'incident-list' },
      items.map((i) =>
        h(
          'li',
          h('div', h('strong', i.elementId ?? '—'), ' ', h('span', { class: 'cell-sub' }, fmtDateTime(i.createdAt)), i.instanceId ? [' · ', h('a', { href: `/monitor/instances/${encodeURIComponent(i.instanceId)}` }, '查看实例')] : null),
          h('p', { class: 'error-text' }, i.message),
          h('button', { type: 'button', class: 'btn btn-small', onclick: (ev: Event) => retry(ev, i) }, '重试'),
        ),
      ),
    ),
  );
}

/** 流程实例: one page of instances as a table (the filters and the pager are the page's). */
export function instancesTable(items: Instance[], pname: ProcessName): HTMLElement {
  if (!items.length) return empty('没有符合条件的实例。', '请放宽筛选条件，例如清除单位或发起日期。');
  return h(
    'table',
    { class: 'table compact instances-table' },
    h('thead', h('tr', ['流水号 / 事项', '流程', '发起人', '发起单位', '发起时间', '状态', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      items.map((i) =>
        h(
          'tr',
          { 'data-instance': i.id },
          h('td', { class: 'cell-main' }, h('span', { class: 'case-no' }, i.caseNumber ?? i.businessKey ?? '—'), i.subject ? h('div', { class: 'cell-sub' }, i.subject) : null),
          h('td', pname(i.processKey), i.businessKey ? h('div', { class: 'cell-sub' }, i.businessKey) : null),
          h('td', userLabel(i.startedBy, i.startedByName)),
          h('td', userUnitLabel(i.startedBy)),
          h('td', fmtDateTime(i.startedAt)),
          h('td', statusTag(i.status)),
          h('td', h('a', { class: 'btn btn-small', href: `/monitor/instances/${encodeURIComponent(i.id)}` }, '查看')),
        ),
      ),
    ),
  );
}
