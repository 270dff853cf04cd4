/**
 * 委托代理 for the supervision office (/monitor/substitutions): every substitution, current and
 * past (GET /api/substitutes), newest first — who stood in for whom, from when to when, when it
 * was set, and whether it is in force, planned, over or cancelled. "只看当前" asks for those in
 * force or planned (`active=true`).
 */
import { api } from '../api.ts';
import { empty, h, loading, mount, showPager } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { day } from './substitute.ts';
import { monitorTabs, pageHead } from './supervision-shared.ts';

export const title = '委托代理';

const PAGE_SIZE = 20;

interface Substitution { id: string; userId: string; userName: string | null; substituteId: string; substituteName: string | null; from: string; to: string; createdAt: string; cancelledAt: string | null; active: boolean }

/** In force, planned, over or cancelled, as a tag. */
function state(x: Substitution): HTMLElement {
  if (x.cancelledAt) return h('span', { class: 'tag tag-status-cancelled' }, '已取消');
  if (x.active) return h('span', { class: 'tag tag-status-running' }, '生效中');
  return Date.parse(x.from) > Date.now() ? h('span', { class: 'tag' }, '未到期') : h('span', { class: 'tag tag-status-completed' }, '已结束');
}

export async function render(ctx: PageContext): Promise<void> {
  let pageNo = Math.max(1, Number(ctx.query.get('page')) || 1);
  const current = h('input', { type: 'checkbox', name: 'active', checked: ctx.query.get('active') === '1' });
  const summary = h('p', { class: 'page-sub', 'aria-live': 'polite' });
  const list = h('div', { class: 'substitutions-list' }, loading());
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page substitutions-page' },
      monitorTabs(),
      pageHead('委托代理', '全局所有人设置的委托，含当前和历史记录。委托期间，委托人的待办同时送达代理人，由其代为办理，办理记录注明代理关系。'),
      h('div', { class: 'filters' }, h('label', { class: 'check' }, current, '只看生效中和未到期的委托')),
      summary,
      h('div', { class: 'card' }, list),
      pager,
    ),
  );
  current.addEventListener('change', () => {
    pageNo = 1;
    void load();
  });

  async function load(): Promise<void> {
    const p = new URLSearchParams();
    if (current.checked) p.set('active', '1');
    if (pageNo > 1) p.set('page', String(pageNo));
    history.replaceState(null, '', `${location.pathname}${p.size ? `?${p}` : ''}`);
    list.setAttribute('aria-busy', 'true');
    const { items, total } = await api.page<Substitution>('/api/substitutes', { active: current.checked || undefined, limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
    if (!ctx.alive()) return;
    list.removeAttribute('aria-busy');
    summary.textContent = total ? `共 ${total} 条委托` : '';
    mount(
      list,
      items.length
        ? h(
            'table',
            { class: 'table substitutions-table' },
            h('caption', { class: 'sr-only' }, '委托代理记录'),
            h('thead', h('tr', ['委托人', '代理人', '委托期间', '设置时间', '状态'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              items.map((x) =>
                h(
                  'tr',
                  { class: 'substitution-row', 'data-id': x.id },
                  h('td', userLabel(x.userId, x.userName ?? undefined)),
                  h('td', userLabel(x.substituteId, x.substituteName ?? undefined)),
                  h('td', { class: 'nowrap' }, `${day(x.from)} 至 ${day(x.to, true)}`),
                  h('td', { class: 'nowrap' }, fmtDateTime(x.createdAt)),
                  h('td', state(x), x.cancelledAt ? h('div', { class: 'cell-sub' }, `取消于 ${fmtDateTime(x.cancelledAt)}`) : null),
                ),
              ),
            ),
          )
        : empty(current.checked ? '当前没有生效或未到期的委托。' : '还没有人设置过委托。', '人员在“委托设置”中指定代理人后会列在这里。'),
    );
    showPager(pager, { page: pageNo, total, size: PAGE_SIZE, unit: '条', go: (n) => { pageNo = n; void load(); } });
  }

  await load();
}
