/**
 * The frame around every signed-in page: header with the bureau's name, navigation (by role),
 * the pending-task count and the notification bell (refreshed every 30 s, on focus and after
 * actions), the user and unit.
 */
import { api } from './api.ts';
import { h, mount } from './dom.ts';
import { dropBell, notificationBell, refreshNotifications } from './notifications.ts';
import { inAnyGroup, inGroup, user } from './session.ts';

export interface NavItem {
  id: string;
  href: string;
  label: string;
  /** Shown to members of this group (or of any of these groups). */
  group?: string | string[];
  /** Not shown to members of this group (supervision reaches the page inside 监察). */
  unless?: string;
  /** Shown only when this holds for the signed-in user. */
  when?: () => boolean;
}

export const NAV: NavItem[] = [
  { id: 'inbox', href: '/inbox', label: '待办' },
  { id: 'start', href: '/start', label: '发起' },
  { id: 'requests', href: '/requests', label: '我的申请' },
  { id: 'cc', href: '/cc', label: '抄送我的' },
  { id: 'monitor', href: '/monitor', label: '监察', group: 'supervision' },
  { id: 'unit-tasks', href: '/unit-tasks', label: '本单位待办', unless: 'supervision', when: () => Boolean(user().unit?.isHead || user().unit?.isContact) },
  { id: 'stats', href: '/stats', label: '考核统计', group: 'unit-heads', unless: 'supervision' },
  { id: 'appraisal', href: '/appraisal', label: '考核评分', group: ['unit-heads', 'discipline-committee'], unless: 'supervision' },
  { id: 'uploads', href: '/uploads', label: '省平台上传', group: 'engineering', unless: 'supervision' },
  { id: 'exchange-export', href: '/exchange/export', label: '交换文件导出', group: 'district-reporters', unless: 'supervision' },
  { id: 'modeler', href: '/modeler', label: '流程设计', group: 'process-owners' },
  { id: 'deployments', href: '/deployments', label: '部署审批', group: ['leaders', 'supervision', 'process-owners'] },
  { id: 'calendar', href: '/calendar', label: '工作日历', group: ['process-owners', 'supervision'] },
];

const PLATFORM = '权力内控机制网上运行平台';
let pageTitle = '';
let pendingTotal = 0;

function applyTitle(): void {
  const base = pageTitle ? `${pageTitle} · ${PLATFORM}` : PLATFORM;
  document.title = pendingTotal ? `(${pendingTotal}) ${base}` : base;
}

/**
 * Names the page in the browser's tab and history (`待办 · 权力内控机制网上运行平台`), with the pending
 * count in front once known. Pages with a subject refine it after loading.
 * Usage: `setTitle('办理：部门审核（GZ-2026-0001）')`.
 */
export function setTitle(title: string): void {
  pageTitle = title;
  applyTitle();
}

let frame: { root: HTMLElement; main: HTMLElement; badge: HTMLElement; nav: HTMLElement; userId: string } | null = null;
let timer: ReturnType<typeof setInterval> | undefined;

/** Renders (or reuses) the frame; returns the element pages render into. */
export function frameFor(app: HTMLElement, active: string | undefined, onLogout: () => void): HTMLElement {
  const me = user();
  if (!frame || frame.userId !== me.user.id || !app.contains(frame.root)) {
    const badge = h('span', { class: 'badge', 'aria-label': '待办数量', hidden: true });
    const nav = h(
      'nav',
      { class: 'nav', 'aria-label': '主导航' },
      NAV.filter((n) => (!n.group || inAnyGroup(n.group)) && !(n.unless && inGroup(n.unless)) && (!n.when || n.when())).map((n) =>
        h('a', { href: n.href, 'data-nav': n.id }, n.label, n.id === 'inbox' ? badge : null),
      ),
    );
    const unitName = me.unit?.name ?? me.user.unitName ?? '';
    const header = h(
      'header',
      { class: 'topbar' },
      h(
        'a',
        { class: 'brand', href: '/', title: '首页' },
        h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }),
        h('span', { class: 'brand-text' }, h('strong', '权力内控机制网上运行平台'), h('small', '常州市民防局')),
      ),
      nav,
      h(
        'div',
        { class: 'who' },
        notificationBell(),
        h('span', { class: 'who-name', title: me.user.title ?? '' }, me.user.displayName),
        unitName ? h('span', { class: 'who-unit' }, unitName) : null,
        h('a', { href: '/me/substitute', class: 'link-quiet' }, '委托设置'),
        h('a', { href: '/me/notifications', class: 'link-quiet' }, '通知方式'),
        h('a', { href: '/password', class: 'link-quiet' }, '修改密码'),
        h('button', { type: 'button', class: 'btn btn-small', onclick: onLogout }, '退出'),
      ),
    );
    const main = h('main', { id: 'main', class: 'main', tabindex: -1 });
    const root = h('div', { class: 'frame' }, h('a', { class: 'skip', href: '#main', onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, '跳到正文'), header, main);
    mount(app, root);
    frame = { root, main, badge, nav, userId: me.user.id };
    startPendingCount();
  }
  for (const a of frame.nav.querySelectorAll('a')) {
    if (a.dataset.nav === active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  frame.main.replaceChildren();
  return frame.main;
}

/** Drops the frame (sign-out, session expired). */
export function dropFrame(): void {
  frame = null;
  pendingTotal = 0;
  dropBell();
  clearInterval(timer);
  timer = undefined;
}

/** Re-reads the pending count now (after claim, complete, start). */
export async function refreshPendingCount(): Promise<void> {
  if (!frame) return;
  const badge = frame.badge;
  try {
    const { total } = await api.page('/api/tasks', { limit: 1 });
    badge.textContent = total > 99 ? '99+' : String(total);
    badge.hidden = total === 0;
    badge.setAttribute('aria-label', `待办 ${total} 件`);
    badge.title = `待办 ${total} 件`;
    pendingTotal = total;
    applyTitle();
  } catch {
    /* the next refresh will try again; a 401 already went to sign-in */
  }
}

/**
 * Background refreshes stop once the user has been idle for 10 minutes: otherwise they would keep
 * the session alive for ever and defeat the server's 30-minute idle timeout (Art. 11).
 */
let lastActivity = Date.now();
const IDLE_MS = 10 * 60_000;
for (const type of ['keydown', 'pointerdown', 'wheel', 'touchstart']) {
  window.addEventListener(type, () => (lastActivity = Date.now()), { passive: true, capture: true });
}

function refreshCounts(): void {
  void refreshPendingCount();
  void refreshNotifications();
}

function startPendingCount(): void {
  clearInterval(timer);
  refreshCounts();
  timer = setInterval(() => {
    if (document.visibilityState === 'visible' && Date.now() - lastActivity < IDLE_MS) refreshCounts();
  }, 30_000);
}

document.addEventListener('visibilitychange', () => {
  if (frame && document.visibilityState === 'visible' && Date.now() - lastActivity < IDLE_MS) refreshCounts();
});
