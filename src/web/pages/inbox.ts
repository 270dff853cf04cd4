/**
 * The inbox (待办): my tasks and my groups' tasks, claim and 放回待认领, filters, sorting by due time,
 * paging, and each task's warning level with the time left in working days. Every row names its case
 * (流水号, subject, applicant); a task the user may not act on (separation of duties) says why and
 * offers no 认领/办理. The 已办 tab lists what I handled with the case's state now. Filters live in the
 * URL, so back/forward and reload keep them. Keyboard: ↑/↓ move between tasks, Enter opens one,
 * "/" jumps to the search box. 批量审批 (inbox-batch.ts): tasks whose form needs only a decision and a
 * comment can be selected and approved together, each its own step, each result shown.
 */
import { recallButton } from './case-routing.ts';
import { batchControls } from './inbox-batch.ts';
import { api, ApiError, type Definition, type Task } from '../api.ts';
import { debounce, empty, field, h, loading, mount, showPager, toast } from '../dom.ts';
import { fmtDateTime, fmtDue, timeLeft, WARNING_LABEL } from '../format.ts';
import { refreshPendingCount } from '../layout.ts';
import { navigate, type PageContext } from '../router.ts';
import { user } from '../session.ts';
import { processNames, userLabel } from '../names.ts';

export const title = '待办';

const PAGE_SIZE = 20;

type Tab = 'all' | 'mine' | 'claimable' | 'done';
const TABS: Array<[Tab, string]> = [
  ['all', '全部待办'],
  ['mine', '我已认领'],
  ['claimable', '待认领'],
  ['done', '已办'],
];

const CASE_STATUS: Record<string, string> = { running: '办理中', completed: '已办结', cancelled: '已撤销' };

interface State {
  tab: Tab;
  process: string;
  q: string;
  overdue: boolean;
  sort: 'due' | '-due' | 'created' | '-created';
  page: number;
}

function readState(q: URLSearchParams): State {
  const tab = (q.get('tab') as Tab) ?? 'all';
  const sort = q.get('sort') as State['sort'];
  return {
    tab: TABS.some(([t]) => t === tab) ? tab : 'all',
    process: q.get('process') ?? '',
    q: q.get('q') ?? '',
    overdue: q.get('overdue') === '1',
    sort: ['due', '-due', 'created', '-created'].includes(sort) ? sort : 'due',
    page: Math.max(1, Number(q.get('page')) || 1),
  };
}

function writeState(s: State): void {
  const p = new URLSearchParams();
  if (s.tab !== 'all') p.set('tab', s.tab);
  if (s.process) p.set('process', s.process);
  if (s.q) p.set('q', s.q);
  if (s.overdue) p.set('overdue', '1');
  if (s.sort !== 'due') p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  const qs = p.toString();
  history.replaceState(null, '', `/inbox${qs ? `?${qs}` : ''}`);
}

/** The API query for a state. */
export function taskQuery(s: State): Record<string, string | number | boolean | undefined> {
  if (s.tab === 'done') {
    return { completedBy: 'me', processKey: s.process || undefined, q: s.q || undefined, sort: '-completed', limit: PAGE_SIZE, offset: (s.page - 1) * PAGE_SIZE };
  }
  return {
    assignee: s.tab === 'mine' ? 'me' : undefined,
    candidate: s.tab === 'claimable' ? 'me' : undefined,
    processKey: s.process || undefined,
    overdue: s.overdue || undefined,
    q: s.q || undefined,
    sort: s.sort,
    limit: PAGE_SIZE,
    offset: (s.page - 1) * PAGE_SIZE,
  };
}

/** A green/yellow/red marker with the time left, as text too (not colour alone). */
export function warningMarker(task: Pick<Task, 'warning' | 'dueAt' | 'workdaysLeft'>): HTMLElement {
  const level = task.warning ?? 'green';
  return h(
    'span',
    { class: `warn warn-${level}`, title: WARNING_LABEL[level] },
    h('span', { class: 'warn-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'sr-only' }, `${WARNING_LABEL[level]}：`),
    h('span', { class: 'warn-text' }, timeLeft(task)),
  );
}

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  const state = readState(ctx.query);
  // The first page of tasks, the process names and the filter's list are asked for at once (one
  // round trip on a slow link, not three in a row).
  let firstPage: ReturnType<typeof api.page<Task>> | null = api.page<Task>('/api/tasks', taskQuery(state));
  firstPage.catch(() => undefined);
  const [names, definitions] = await Promise.all([
    processNames().catch(() => new Map<string, string>()),
    // Without the list the filter lists no processes.
    api.get<Definition[]>('/api/process-definitions').then((d: any): Definition[] => (Array.isArray(d) ? d : d.items ?? [])).catch((): Definition[] => []),
  ]);

  const summary = h('p', { class: 'page-sub', 'aria-live': 'polite' });
  const processSel = h(
    'select',
    { name: 'process' },
    h('option', { value: '' }, '全部流程'),
    definitions.map((d) => h('option', { value: d.key, selected: d.key === state.process }, d.name ?? d.key)),
  );
  const search = h('input', { type: 'search', name: 'q', value: state.q, placeholder: '流水号、标题或申请人', 'aria-keyshortcuts': '/' });
  const overdue = h('input', { type: 'checkbox', name: 'overdue', checked: state.overdue });
  const sortSel = h(
    'select',
    { name: 'sort' },
    h('option', { value: 'due', selected: state.sort === 'due' }, '期限最近在前'),
    h('option', { value: '-due', selected: state.sort === '-due' }, '期限最远在前'),
    h('option', { value: '-created', selected: state.sort === '-created' }, '最新到达在前'),
    h('option', { value: 'created', selected: state.sort === 'created' }, '最早到达在前'),
  );
  const tabs = h(
    'div',
    { class: 'tabs', role: 'tablist', 'aria-label': '待办范围' },
    TABS.map(([id, label]) =>
      h('button', { type: 'button', role: 'tab', 'aria-selected': String(id === state.tab), 'data-tab': id, class: 'tab', onclick: () => update({ tab: id, page: 1 }) }, label),
    ),
  );
  const list = h('div', { class: 'inbox-list' });
  // 批量审批: rows the server marks batchable can be selected and approved together.
  const batch = batchControls(async () => {
    void refreshPendingCount();
    await load();
  });
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });

  const filters = h(
    'form',
    { class: 'filters', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); update({ q: search.value.trim(), page: 1 }); } },
    field('流程', processSel),
    field('关键字', search),
    h('label', { class: 'check' }, overdue, '只看超期'),
    field('排序', sortSel),
  );
  processSel.addEventListener('change', () => update({ process: processSel.value, page: 1 }));
  overdue.addEventListener('change', () => update({ overdue: overdue.checked, page: 1 }));
  sortSel.addEventListener('change', () => update({ sort: sortSel.value as State['sort'], page: 1 }));
  search.addEventListener('input', debounce(() => update({ q: search.value.trim(), page: 1 }), 350));

  mount(
    ctx.root,
    h('section', { class: 'page' }, h('div', { class: 'page-head' }, h('div', h('h1', '待办'), summary)), tabs, filters, batch.results, batch.bar, list, pager),
  );

  const onKey = (ev: KeyboardEvent) => {
    const target = ev.target as HTMLElement;
    if (ev.key === '/' && !/INPUT|TEXTAREA|SELECT/.test(target.tagName)) {
      ev.preventDefault();
      search.focus();
    }
  };
  document.addEventListener('keydown', onKey);
  ctx.onLeave(() => document.removeEventListener('keydown', onKey));
  // ↓ in the search box goes to the first task (↑ on the first task comes back).
  search.addEventListener('keydown', (ev: KeyboardEvent) => {
    if (ev.key !== 'ArrowDown') return;
    const first = list.querySelector<HTMLElement>('.task-row');
    if (!first) return;
    ev.preventDefault();
    first.focus();
  });

  let seq = 0;
  async function load(): Promise<void> {
    const mine = ++seq;
    writeState(state);
    for (const b of tabs.querySelectorAll<HTMLButtonElement>('[role=tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === state.tab));
    list.setAttribute('aria-busy', 'true');
    if (!list.firstChild) mount(list, loading());
    let page;
    try {
      const pending = firstPage ?? api.page<Task>('/api/tasks', taskQuery(state));
      firstPage = null;
      page = await pending;
    } catch (err) {
      if (mine !== seq || !ctx.alive()) return;
      mount(list, h('p', { class: 'form-error', role: 'alert' }, (err as Error).message));
      return;
    }
    if (mine !== seq || !ctx.alive()) return;
    list.removeAttribute('aria-busy');
    const { items, total } = page;
    const done = state.tab === 'done';
    batch.reset();
    summary.textContent = total ? `共 ${total} 件${done ? '已办' : state.overdue ? '超期任务' : '任务'}` : '';
    overdue.disabled = done;
    sortSel.disabled = done;
    if (!items.length) {
      mount(
        list,
        state.q || state.process || (state.overdue && !done)
          ? empty('没有符合条件的任务。', '请修改搜索词或清除筛选条件。')
          : done
            ? empty('暂无已办事项。', '您办理完成的任务会列在这里。')
            : empty('暂无待办任务。', '需要您办理的事项到达时会出现在这里，并在右上角提醒。如需办理新事项，请到“发起”。', { href: '/start', label: '去发起' }),
      );
    } else {
      mount(list, done ? doneTable(items) : table(items));
    }
    showPager(pager, { page: state.page, total, size: PAGE_SIZE, unit: '件', go: (p) => update({ page: p }) });
  }

  function update(patch: Partial<State>): void {
    Object.assign(state, patch);
    void load();
  }

  async function act(task: Task, action: 'claim' | 'unclaim', button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await api.post(`/api/tasks/${encodeURIComponent(task.id)}/${action}`);
      toast(action === 'claim' ? `已认领：${task.name ?? ''}` : `已放回待认领：${task.name ?? ''}`);
      void refreshPendingCount();
      await load();
      list.querySelector<HTMLElement>(`[data-task="${CSS.escape(task.id)}"]`)?.focus();
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  }

  function table(items: Task[]): HTMLElement {
    const rows = items.map((t) => {
      const mineTask = t.assignee === me.user.id;
      const open = () => navigate(`/tasks/${encodeURIComponent(t.id)}`);
      const row = h(
        'tr',
        {
          tabindex: 0,
          class: `task-row level-${t.warning}`,
          'data-task': t.id,
          'aria-label': `${t.caseNumber ?? ''} ${t.subject ?? ''}，${t.name ?? ''}，${WARNING_LABEL[t.warning] ?? ''}，${timeLeft(t)}`,
          onkeydown: (ev: KeyboardEvent) => {
            if (ev.target !== row) return;
            if (ev.key === 'Enter') open();
            else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
              ev.preventDefault();
              const sib = (ev.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling) as HTMLElement | null;
              if (sib) sib.focus();
              else if (ev.key === 'ArrowUp') search.focus();
            } else if (ev.key === 'Home' || ev.key === 'End') {
              ev.preventDefault();
              const all = row.parentElement!.children;
              (all[ev.key === 'Home' ? 0 : all.length - 1] as HTMLElement).focus();
            }
          },
        },
        batch.cell(t),
        h('td', { 'data-label': '期限' }, warningMarker(t)),
        caseCell(t),
        h('td', { 'data-label': '申请人' }, applicant(t)),
        h('td', { 'data-label': '到达时间' }, fmtDateTime(t.createdAt)),
        h('td', { 'data-label': '办理期限' }, t.dueAt ? fmtDue(t.dueAt) : '—'),
        h('td', { 'data-label': '办理人' }, t.assignee ? (mineTask ? h('span', { class: 'tag tag-me' }, '我') : userLabel(t.assignee, t.assigneeName)) : h('span', { class: 'tag' }, '待认领')),
        h(
          'td',
          { class: 'cell-actions', 'data-label': '操作' },
          t.blockedReason ? h('span', { class: 'blocked-note', role: 'note' }, t.blockedReason) : null,
          !t.assignee && !t.blockedReason ? h('button', { type: 'button', class: 'btn btn-small', onclick: (e: Event) => act(t, 'claim', e.currentTarget as HTMLButtonElement) }, '认领') : null,
          mineTask && !t.assignedByProcess
            ? h('button', { type: 'button', class: 'btn btn-small btn-ghost', title: '放回组内，由其他候选人认领', onclick: (e: Event) => act(t, 'unclaim', e.currentTarget as HTMLButtonElement) }, '放回待认领')
            : null,
          t.blockedReason
            ? h('a', { href: `/tasks/${encodeURIComponent(t.id)}`, class: 'btn btn-small btn-ghost' }, '查看')
            : h('a', { href: `/tasks/${encodeURIComponent(t.id)}`, class: 'btn btn-small btn-primary' }, '办理'),
        ),
      );
      row.addEventListener('dblclick', open);
      return row;
    });
    return h(
      'table',
      { class: 'table inbox-table' },
      h('caption', { class: 'sr-only' }, '待办任务列表（↑↓ 选择，回车打开）'),
      h('thead', h('tr', batch.headCell(), h('th', { scope: 'col' }, '期限'), h('th', { scope: 'col' }, '事项'), h('th', { scope: 'col' }, '申请人'), h('th', { scope: 'col' }, '到达时间'), h('th', { scope: 'col' }, '办理期限'), h('th', { scope: 'col' }, '办理人'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, '操作')))),
      h('tbody', rows),
    );
  }

  /** The case a task belongs to: its subject (linked to the task), 流水号, task and process. */
  function caseCell(t: Task): HTMLElement {
    const process = t.processName ?? names.get(t.processKey) ?? t.processKey;
    return h(
      'td',
      { class: 'cell-main', 'data-label': '事项' },
      h('a', { href: `/tasks/${encodeURIComponent(t.id)}`, class: 'task-link', tabindex: -1 }, t.subject || t.name || t.elementId),
      h(
        'div',
        { class: 'cell-sub' },
        t.caseNumber ? h('span', { class: 'case-no' }, t.caseNumber) : null,
        t.caseNumber ? ' · ' : '',
        `${t.name ?? t.elementId} · ${process}${t.businessKey ? ` · ${t.businessKey}` : ''}`,
      ),
    );
  }

  function applicant(t: Task): HTMLElement | string {
    if (!t.startedBy) return '—';
    return t.startedBy === me.user.id ? h('span', { class: 'tag tag-me' }, '我') : userLabel(t.startedBy, t.startedByName ?? undefined);
  }

  /** 已办: what I handled, when, and where the case stands now. */
  function doneTable(items: Task[]): HTMLElement {
    const rows = items.map((t) =>
      h(
        'tr',
        { class: 'task-row', 'data-task': t.id },
        caseCell(t),
        h('td', { 'data-label': '申请人' }, applicant(t)),
        h('td', { 'data-label': '办理时间' }, t.completedAt ? fmtDateTime(t.completedAt) : '—'),
        h(
          'td',
          { 'data-label': '当前状态' },
          h('span', { class: `tag tag-${t.case?.status ?? 'running'}` }, CASE_STATUS[t.case?.status ?? ''] ?? t.case?.status ?? '—'),
          t.case?.currentSteps.length ? h('div', { class: 'cell-sub' }, `待 ${t.case.currentSteps.join('、')}`) : null,
        ),
        h(
          'td',
          { class: 'cell-actions', 'data-label': '操作' },
          h('a', { href: `/tasks/${encodeURIComponent(t.id)}`, class: 'btn btn-small btn-ghost' }, '查看'),
          // 收回 while the case is still running: the server refuses once the next handler has acted.
          t.status === 'completed' && t.case?.status === 'running' ? recallButton(t.id, () => void load()) : null,
        ),
      ),
    );
    return h(
      'table',
      { class: 'table inbox-table done-table' },
      h('caption', { class: 'sr-only' }, '已办事项列表'),
      h('thead', h('tr', h('th', { scope: 'col' }, '事项'), h('th', { scope: 'col' }, '申请人'), h('th', { scope: 'col' }, '办理时间'), h('th', { scope: 'col' }, '当前状态'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, '操作')))),
      h('tbody', rows),
    );
  }

  await load();
}
