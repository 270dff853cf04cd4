/**
 * 本单位待办 (Art. 5): for a unit's head and contact person, the open tasks waiting on colleagues —
 * assigned to them or waiting for one of them to claim — most urgent first, with 催办. Inside the
 * monitor (/monitor/unit-tasks) supervision picks any unit.
 */
import { api, ApiError, type Task } from '../api.ts';
import { empty, field, h, loading, mount, showPager } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { allUnits, candidatesLabel, processNames, userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { warningMarker } from './inbox.ts';
import { remindButton } from './remind.ts';
import { inMonitor, monitorTabs, pageHead } from './supervision-shared.ts';

export const title = '本单位待办';

const PAGE_SIZE = 20;

export async function render(ctx: PageContext): Promise<void> {
  let pageNo = 1;
  // Inside the monitor, supervision chooses the unit (in the URL); elsewhere it is one's own.
  const monitor = inMonitor();
  let unitId = monitor ? (ctx.query.get('unit') ?? allUnits()[0]?.id ?? '') : '';
  const list = h('div', { class: 'card' }, loading());
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });
  const sub = h('p', { class: 'page-sub' }, '《办法》第五条：各单位联络员负责提醒本单位人员及时办理待办事项。');
  const picker = monitor
    ? h(
        'div',
        { class: 'filters' },
        field(
          '单位',
          h(
            'select',
            { onchange: (e: Event) => { unitId = (e.target as HTMLSelectElement).value; pageNo = 1; history.replaceState(null, '', `${location.pathname}?unit=${encodeURIComponent(unitId)}`); void load(); } },
            allUnits().map((u) => h('option', { value: u.id, selected: u.id === unitId }, u.name)),
          ),
        ),
      )
    : null;
  mount(ctx.root, h('section', { class: 'page unit-tasks-page' }, monitorTabs(), pageHead(monitor ? '单位待办' : '本单位待办', sub), picker, list, pager));
  let names = await processNames().catch(() => new Map<string, string>());

  async function load(): Promise<void> {
    let body: { unit: { id: string; name: string }; items: Task[]; total: number };
    try {
      body = await api.get(`/api/unit-tasks?limit=${PAGE_SIZE}&offset=${(pageNo - 1) * PAGE_SIZE}${unitId ? `&unit=${encodeURIComponent(unitId)}` : ''}`);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        mount(list, empty(err.message));
        return;
      }
      throw err;
    }
    if (!ctx.alive()) return;
    const { unit, items, total } = body;
    const unnamed = items.find((t) => !names.has(t.processKey));
    if (unnamed) names = await processNames(unnamed.processKey).catch(() => names);
    sub.textContent = `${unit.name}：共 ${total} 件待办。《办法》第五条：各单位联络员负责提醒本单位人员及时办理待办事项。`;
    mount(
      list,
      items.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact unit-tasks-table' },
              h('thead', h('tr', ['期限', '任务', '流程', '办理人', '到达', ''].map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                items.map((t) =>
                  h(
                    'tr',
                    { class: `level-${t.warning}`, 'data-task': t.id },
                    h('td', warningMarker(t)),
                    h('td', h('strong', t.name ?? t.elementId), t.businessKey ? h('div', { class: 'cell-sub' }, t.businessKey) : null),
                    h('td', names.get(t.processKey) ?? t.processKey),
                    h('td', t.assignee ? userLabel(t.assignee) : `待认领（${candidatesLabel(t) || '—'}）`),
                    h('td', fmtDateTime(t.createdAt)),
                    h('td', { class: 'cell-actions' }, remindButton(t)),
                  ),
                ),
              ),
            ),
          )
        : empty(`${unit.name}当前没有待办任务。`, '本单位人员有待办时会列在这里，您可以提醒超期未办的人员。'),
    );
    showPager(pager, { page: pageNo, total, size: PAGE_SIZE, unit: '件', go: (p) => { pageNo = p; void load(); } });
  }
  await load();
}
