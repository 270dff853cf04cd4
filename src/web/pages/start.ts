/**
 * Start (发起): the procedures the user may start and the power items of the catalog (each runs
 * on its bound procedure), each opening its start form.
 */
import { api, ApiError, type Definition } from '../api.ts';
import { empty, h, loading, mount } from '../dom.ts';
import { fmtDate } from '../format.ts';
import type { PageContext } from '../router.ts';
import { catalogItems, type CatalogItem } from './catalog.ts';

export const title = '发起';

export async function render(ctx: PageContext): Promise<void> {
  mount(ctx.root, loading());
  const body = await api.get<any>('/api/process-definitions');
  const defs: Definition[] = (Array.isArray(body) ? body : body.items ?? []).filter((d: Definition) => d.canStart !== false);
  let items: CatalogItem[] | null = null;
  try {
    items = await catalogItems();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    items = null;
  }
  if (!ctx.alive()) return;
  const startable = new Set(defs.map((d) => d.key));
  const filter = h('input', { type: 'search', placeholder: '按名称或编码筛选', 'aria-label': '筛选事项' });
  const itemsHost = h('div');
  const renderItems = () => {
    const q = filter.value.trim().toLowerCase();
    const list = (items ?? []).filter((i) => i.status !== 'retired' && (!q || `${i.code} ${i.name} ${i.category}`.toLowerCase().includes(q)));
    mount(
      itemsHost,
      list.length
        ? h(
            'table',
            { class: 'table catalog-table' },
            h('caption', { class: 'sr-only' }, '权力事项目录'),
            h('thead', h('tr', ['编码', '事项名称', '类别', '承办单位', '承诺时限', '版本', ''].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              list.map((i) =>
                h(
                  'tr',
                  { 'data-item': i.code },
                  h('td', { 'data-label': '编码' }, h('code', i.code)),
                  h('td', { 'data-label': '事项名称' }, i.name),
                  h('td', { 'data-label': '类别' }, i.category ?? '—'),
                  h('td', { 'data-label': '承办单位' }, i.unitName ?? i.unitId ?? '—'),
                  h('td', { 'data-label': '承诺时限' }, i.promisedDays ? `${i.promisedDays} 个工作日` : '—'),
                  h('td', { 'data-label': '版本', class: 'item-version' }, `第 ${i.version} 版`, i.updatedAt ? h('small', { class: 'cell-sub' }, ` ${fmtDate(i.updatedAt)}`) : null),
                  h(
                    'td',
                    { class: 'cell-actions' },
                    i.processKey && startable.has(i.processKey)
                      ? h('a', { class: 'btn btn-small btn-primary', href: `/start/${encodeURIComponent(i.processKey)}?itemCode=${encodeURIComponent(i.code)}&itemName=${encodeURIComponent(i.name)}` }, '办理')
                      : null,
                  ),
                ),
              ),
            ),
          )
        : q ? empty('没有符合条件的事项。', '请换一个名称或编码再试。') : empty('目录中暂无事项。', '权力事项由“权力事项变更”流程经审批后加入目录。'),
    );
  };
  filter.addEventListener('input', renderItems);
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page' },
      h('div', { class: 'page-head' }, h('div', h('h1', '发起'), h('p', { class: 'page-sub' }, '选择要办理的流程或权力事项，填写申请后提交。', ' ', h('a', { href: '/flows' }, '查看权力运行流程图')))),
      h('h2', { class: 'section-title' }, '流程'),
      defs.length
        ? h(
            'ul',
            { class: 'cards' },
            defs.map((d) =>
              h(
                'li',
                { class: 'card process-card' },
                h('h3', d.name ?? d.key),
                h('p', { class: 'card-sub' }, `第 ${d.version} 版`),
                h('a', { class: 'btn btn-primary', href: `/start/${encodeURIComponent(d.key)}`, 'aria-label': `发起${d.name ?? d.key}` }, '发起'),
              ),
            ),
          )
        : empty('暂无您可以发起的流程。', '如需发起某项流程，请联系流程管理员为您所在岗位开通。'),
      items
        ? [h('div', { class: 'section-head' }, h('h2', { class: 'section-title' }, '权力事项目录'), filter), itemsHost]
        : null,
    ),
  );
  if (items) renderItems();
}
