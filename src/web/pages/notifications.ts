/**
 * 通知: all my notifications (warnings of my tasks and cases, login shortfalls, missing uploads),
 * unread or all, with paging; each links to its task or instance and can be marked read.
 */
import { api, ApiError, type NotificationPage } from '../api.ts';
import { empty, h, loading, mount, showPager, toast } from '../dom.ts';
import { markRead, notificationItem } from '../notifications.ts';
import type { PageContext } from '../router.ts';
import { pageHead } from './supervision-shared.ts';

export const title = '通知';

const PAGE_SIZE = 20;

export async function render(ctx: PageContext): Promise<void> {
  let unreadOnly = ctx.query.get('all') !== '1';
  let pageNo = 1;
  const list = h('div', { class: 'notif-page-list' }, loading());
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });
  const counter = h('span', { class: 'page-sub' });
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': '通知范围' });
  const markAll = h('button', { type: 'button', class: 'btn', onclick: async () => {
    try {
      const n = await markRead();
      toast(n ? `已将 ${n} 条通知标为已读` : '没有未读通知');
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  } }, '全部标为已读');

  const drawTabs = () =>
    mount(
      tabs,
      ([[true, '未读'], [false, '全部']] as Array<[boolean, string]>).map(([value, label]) =>
        h('button', { type: 'button', role: 'tab', class: 'tab', 'aria-selected': String(unreadOnly === value), onclick: () => {
          unreadOnly = value;
          pageNo = 1;
          history.replaceState(null, '', value ? '/notifications' : '/notifications?all=1');
          drawTabs();
          void load();
        } }, label),
      ),
    );
  drawTabs();
  mount(ctx.root, h('section', { class: 'page notifications-page' }, pageHead('通知', counter, markAll), tabs, list, pager));

  async function load(): Promise<void> {
    const res = await api.get<NotificationPage>('/api/notifications', { unread: unreadOnly || undefined, limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
    if (!ctx.alive()) return;
    counter.textContent = res.unread ? `${res.unread} 条未读` : '没有未读通知';
    markAll.disabled = res.unread === 0;
    mount(
      list,
      res.items.length
        ? h('ul', { class: 'notif-list card' }, res.items.map((n) => notificationItem(n, () => void load())))
        : unreadOnly ? empty('没有未读通知。', '取消“只看未读”可查看全部通知。') : empty('还没有收到通知。', '任务到达、催办和预警会以通知发给您。'),
    );
    showPager(pager, { page: pageNo, total: res.total, size: PAGE_SIZE, unit: '条', go: (p) => { pageNo = p; void load(); } });
  }
  await load();
}
