/**
 * 抄送我的 (/cc): the cases copied to me (GET /api/cc), read-only: 流水号, subject, who copied it
 * and with what words, when; each links to the case at /cc/:id (the instance page, read-only for
 * anyone who is not the applicant or a handler).
 */
import { api } from '../api.ts';
import { empty, h, loading, mount, showPager } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { processNames, userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { statusTag } from './shared.ts';

export const title = '抄送我的';

const PAGE_SIZE = 20;

/** One row of GET /api/cc. */
export interface CcItem {
  id: string;
  instanceId: string;
  taskId: string | null;
  caseNumber: string | null;
  subject: string | null;
  processKey: string;
  status: string;
  startedByName: string | null;
  by: string;
  byName: string | null;
  comment: string | null;
  createdAt: string;
}

export async function render(ctx: PageContext): Promise<void> {
  let pageNo = Math.max(1, Number(ctx.query.get('page')) || 1);
  const names = await processNames().catch(() => new Map<string, string>());
  const summary = h('p', { class: 'page-sub', 'aria-live': 'polite' }, '他人抄送给您知悉的事项，只能查看，不能办理。');
  const list = h('div', { class: 'cc-list' }, loading());
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });
  mount(ctx.root, h('section', { class: 'page cc-page' }, h('div', { class: 'page-head' }, h('div', h('h1', '抄送我的'), summary)), list, pager));

  async function load(): Promise<void> {
    history.replaceState(null, '', `/cc${pageNo > 1 ? `?page=${pageNo}` : ''}`);
    list.setAttribute('aria-busy', 'true');
    const { items, total } = await api.page<CcItem>('/api/cc', { limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
    if (!ctx.alive()) return;
    list.removeAttribute('aria-busy');
    mount(
      list,
      items.length
        ? h(
            'table',
            { class: 'table cc-table' },
            h('caption', { class: 'sr-only' }, '抄送我的事项'),
            h('thead', h('tr', ['事项 / 流水号', '申请人', '抄送人', '抄送说明', '抄送时间', '状态'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', items.map((c) => row(c))),
          )
        : empty('暂无抄送给您的事项。', '办理人把案件抄送给您时，会列在这里供您知悉。'),
    );
    showPager(pager, { page: pageNo, total, size: PAGE_SIZE, unit: '件', go: (p) => { pageNo = p; void load(); } });
  }

  function row(c: CcItem): HTMLElement {
    const process = names.get(c.processKey) ?? c.processKey;
    return h(
      'tr',
      { class: 'cc-row', 'data-instance': c.instanceId },
      h(
        'td',
        { class: 'cell-main', 'data-label': '事项' },
        h('a', { href: `/cc/${encodeURIComponent(c.instanceId)}` }, c.subject || process),
        h('div', { class: 'cell-sub' }, c.caseNumber ? h('span', { class: 'case-no' }, c.caseNumber) : null, c.caseNumber ? ' · ' : '', process),
      ),
      h('td', { 'data-label': '申请人' }, c.startedByName ?? '—'),
      h('td', { 'data-label': '抄送人' }, c.by === 'system' ? '流程抄送' : userLabel(c.by, c.byName ?? undefined)),
      h('td', { 'data-label': '抄送说明', class: 'cc-comment' }, c.comment || '—'),
      h('td', { 'data-label': '抄送时间', class: 'nowrap' }, fmtDateTime(c.createdAt)),
      h('td', { 'data-label': '状态' }, statusTag(c.status)),
    );
  }

  await load();
}
