/**
 * The notification bell in the header (预警、登录不足、未上传 …, `GET /api/notifications`): the
 * unread count, refreshed with the pending count, and a panel with the latest notifications,
 * each linking to its task or instance; one or all can be marked read. The full list is the
 * 通知 page (pages/notifications.ts), which renders its rows with `notificationItem`.
 */
import { api, ApiError, type Notification, type NotificationPage } from './api.ts';
import { empty, h, loading, mount, toast } from './dom.ts';
import { fmtDateTime } from './format.ts';
import { inGroup } from './session.ts';

export const KIND_LABEL: Record<string, string> = {
  'task.yellow': '任务黄色预警',
  'task.red': '任务红色预警',
  'case.yellow': '办件黄色预警',
  'case.red': '办件红色预警',
  'logins.short': '登录不足',
  'upload.missing': '省平台未上传',
};

const LEVEL_LABEL: Record<string, string> = { red: '红色', yellow: '黄色', info: '提示' };

/** Where a notification leads: its task, its instance, or the monitor page about it. */
export function notificationHref(n: Notification): string | null {
  const supervision = inGroup('supervision');
  if (n.taskId) return `/tasks/${encodeURIComponent(n.taskId)}`;
  if (n.instanceId) return supervision ? `/monitor/instances/${encodeURIComponent(n.instanceId)}` : `/requests/${encodeURIComponent(n.instanceId)}`;
  if (n.kind === 'logins.short' && supervision) return '/monitor/logins';
  if (n.kind === 'upload.missing') return supervision ? '/monitor/uploads' : inGroup('engineering') ? '/uploads' : null;
  return null;
}

/** Marks notifications read (`ids` omitted: all of mine) and refreshes the bell. */
export async function markRead(ids?: string[]): Promise<number> {
  const { updated } = await api.post<{ updated: number }>('/api/notifications/read', ids ? { ids } : {});
  await refreshNotifications();
  return updated;
}

/** One notification: level (colour and text), kind, title, body, time, link, "标为已读". */
export function notificationItem(n: Notification, onChange: () => void): HTMLElement {
  const href = notificationHref(n);
  const unread = !n.readAt;
  const read = async (ev?: Event) => {
    try {
      await markRead([n.id]);
      onChange();
    } catch (err) {
      if (ev && err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  };
  return h(
    'li',
    { class: `notif notif-${n.level}${unread ? ' notif-unread' : ''}`, 'data-notification': n.id },
    h(
      'div',
      { class: 'notif-head' },
      h('span', { class: `notif-kind level-tag level-tag-${n.level}` }, KIND_LABEL[n.kind] ?? LEVEL_LABEL[n.level] ?? n.kind),
      h('time', { class: 'notif-time' }, fmtDateTime(n.createdAt)),
      unread ? h('span', { class: 'sr-only' }, '未读') : null,
    ),
    href
      ? h('a', { class: 'notif-title', href, onclick: () => { if (unread) void read(); } }, n.title)
      : h('strong', { class: 'notif-title' }, n.title),
    n.body ? h('p', { class: 'notif-body' }, n.body) : null,
    unread ? h('button', { type: 'button', class: 'link-button notif-read', onclick: (ev: Event) => void read(ev) }, '标为已读') : null,
  );
}

let bellBadge: HTMLElement | null = null;
let bellButton: HTMLButtonElement | null = null;

function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z');
  svg.appendChild(path);
  return svg;
}

/** The bell and its panel, for the header. */
export function notificationBell(): HTMLElement {
  const badge = h('span', { class: 'badge bell-badge', hidden: true });
  const list = h('div', { class: 'notif-panel-body' });
  const panel = h(
    'div',
    { class: 'notif-panel', id: 'notif-panel', role: 'region', 'aria-label': '通知', hidden: true },
    h(
      'div',
      { class: 'notif-panel-head' },
      h('strong', '通知'),
      h('button', { type: 'button', class: 'link-button', onclick: async () => {
        try {
          const n = await markRead();
          toast(n ? `已将 ${n} 条通知标为已读` : '没有未读通知');
          await fill();
        } catch (err) {
          if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
        }
      } }, '全部标为已读'),
    ),
    list,
    h('div', { class: 'notif-panel-foot' }, h('a', { href: '/notifications', onclick: () => close() }, '查看全部通知')),
  );
  const button = h('button', { type: 'button', class: 'bell', 'aria-expanded': 'false', 'aria-controls': 'notif-panel', 'aria-label': '通知', title: '通知' }) as HTMLButtonElement;
  button.append(bellIcon(), badge);
  const wrap = h('div', { class: 'bell-wrap' }, button, panel);

  async function fill(): Promise<void> {
    try {
      const res = await api.get<NotificationPage>('/api/notifications', { limit: 8 });
      setCount(res.unread);
      mount(list, res.items.length ? h('ul', { class: 'notif-list' }, res.items.map((n) => notificationItem(n, () => void fill()))) : empty('暂无通知。'));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 401)) mount(list, h('p', { class: 'form-error' }, (err as Error).message));
    }
  }
  function open(): void {
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    mount(list, loading());
    void fill();
    document.addEventListener('pointerdown', outside, true);
    document.addEventListener('keydown', onKey, true);
  }
  function close(): void {
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', outside, true);
    document.removeEventListener('keydown', onKey, true);
  }
  function outside(ev: Event): void {
    if (!wrap.contains(ev.target as Node)) close();
  }
  function onKey(ev: KeyboardEvent): void {
    if (ev.key === 'Escape') {
      close();
      button.focus();
    }
  }
  button.addEventListener('click', () => (panel.hidden ? open() : close()));
  // Following a link in the panel leaves it.
  panel.addEventListener('click', (ev) => {
    if ((ev.target as Element).closest('a')) close();
  });
  bellBadge = badge;
  bellButton = button;
  return wrap;
}

function setCount(unread: number): void {
  if (!bellBadge || !bellButton) return;
  const shown = unread > 99 ? '99+' : String(unread);
  bellBadge.textContent = shown;
  bellBadge.hidden = unread === 0;
  // The accessible name contains the visible count as shown (WCAG 2.5.3).
  const label = unread ? `通知 ${shown} 条未读` : '通知（没有未读）';
  bellButton.setAttribute('aria-label', label);
  bellButton.title = label;
}

/** Re-reads the unread count (on the pending-count timer, and after marking read). */
export async function refreshNotifications(): Promise<void> {
  if (!bellBadge) return;
  try {
    const { unread } = await api.get<NotificationPage>('/api/notifications', { unread: true, limit: 1 });
    setCount(unread);
  } catch {
    /* the next refresh tries again; a 401 already went to sign-in */
  }
}

/** Forgets the bell (sign-out). */
export function dropBell(): void {
  bellBadge = null;
  bellButton = null;
}
