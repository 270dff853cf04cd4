/**
 * The browser UI of the power internal-control platform: boots the session, routes paths to
 * pages, and sends the user to sign-in when the session expires (their form drafts stay in
 * localStorage and are offered back afterwards).
 */
import { setSessionHandlers, ApiError } from './api.ts';
import { h, mount, toast } from './dom.ts';
import { dropFrame, frameFor, setTitle } from './layout.ts';
import { navigate, resolve, startRouter, type PageModule, type Route } from './router.ts';
import { forget, homePath, inAnyGroup, loadMe, logout, me } from './session.ts';
import { forgetDirectory, loadDirectory } from './names.ts';
import { clearDraftsOf, pruneDrafts } from './drafts.ts';
import { loadStyles } from './styles.ts';

const routes: Route[] = [
  { pattern: '/login', load: () => import('./pages/login.ts'), auth: false },
  { pattern: '/complaint', load: () => import('./pages/complaint.ts'), auth: false },
  { pattern: '/password', load: () => import('./pages/password.ts') },
  { pattern: '/me/substitute', load: () => import('./pages/substitute.ts') },
  { pattern: '/me/notifications', load: () => import('./pages/notify-settings.ts') },
  { pattern: '/inbox', load: () => import('./pages/inbox.ts'), nav: 'inbox' },
  { pattern: '/tasks/:id', load: () => import('./pages/task.ts'), nav: 'inbox', styles: ['forms'] },
  { pattern: '/start', load: () => import('./pages/start.ts'), nav: 'start' },
  { pattern: '/start/:key', load: () => import('./pages/start-form.ts'), nav: 'start', styles: ['forms'] },
  { pattern: '/requests', load: () => import('./pages/requests.ts'), nav: 'requests' },
  { pattern: '/cc', load: () => import('./pages/cc.ts'), nav: 'cc' },
  { pattern: '/cc/:id', load: () => import('./pages/instance.ts'), nav: 'cc' },
  { pattern: '/requests/:id/sheet', load: () => import('./pages/sheet.ts'), nav: 'requests' },
  { pattern: '/requests/:id', load: () => import('./pages/instance.ts'), nav: 'requests' },
  { pattern: '/monitor', load: () => import('./pages/monitor.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/instances/:id', load: () => import('./pages/instance.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/substitutions', load: () => import('./pages/substitutions.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/logins', load: () => import('./pages/logins.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/report', load: () => import('./pages/report.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/stats', load: () => import('./pages/stats.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/appraisal', load: () => import('./pages/appraisal.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/appraisal', load: () => import('./pages/appraisal.ts'), nav: 'appraisal', group: ['unit-heads', 'discipline-committee'] },
  { pattern: '/monitor/warnings', load: () => import('./pages/warnings.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/rules', load: () => import('./pages/rules.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/uploads', load: () => import('./pages/uploads.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/exchange', load: () => import('./pages/exchange.ts'), nav: 'monitor', group: 'supervision' },
  { pattern: '/monitor/unit-tasks', load: () => import('./pages/unit-tasks.ts'), nav: 'monitor', group: 'supervision' },
  // The same pages outside the monitor, for the offices that use one of them.
  { pattern: '/stats', load: () => import('./pages/stats.ts'), nav: 'stats', group: ['unit-heads', 'supervision'] },
  { pattern: '/uploads', load: () => import('./pages/uploads.ts'), nav: 'uploads', group: ['engineering', 'supervision'] },
  { pattern: '/exchange/export', load: () => import('./pages/exchange-export.ts'), nav: 'exchange-export', group: ['district-reporters', 'supervision'] },
  // Published like the complaint page: anyone may read them; signed-in users see them in the frame.
  { pattern: '/flows', load: () => import('./pages/flows.ts'), nav: 'flows', auth: 'optional' },
  { pattern: '/flows/:code', load: () => import('./pages/flows.ts'), nav: 'flows', styles: ['diagram'], auth: 'optional' },
  { pattern: '/notifications', load: () => import('./pages/notifications.ts'), nav: 'notifications' },
  { pattern: '/unit-tasks', load: () => import('./pages/unit-tasks.ts'), nav: 'unit-tasks' },
  { pattern: '/deployments', load: () => import('./pages/deployments.ts'), nav: 'deployments', group: ['leaders', 'supervision', 'process-owners'] },
  { pattern: '/deployments/:id', load: () => import('./pages/deployments.ts'), nav: 'deployments', group: ['leaders', 'supervision', 'process-owners'] },
  { pattern: '/calendar', load: () => import('./pages/calendar.ts'), nav: 'calendar', group: ['process-owners', 'supervision'] },
  { pattern: '/modeler', load: () => import('./pages/modeler-list.ts'), nav: 'modeler', group: 'process-owners' },
  { pattern: '/modeler/processes/:key', load: () => import('./pages/modeler.ts'), nav: 'modeler', group: 'process-owners' },
  { pattern: '/modeler/decisions/:key', load: () => import('./pages/decision-editor.ts'), nav: 'modeler', group: 'process-owners', styles: ['decisions'] },
  { pattern: '/modeler/forms/:key', load: () => import('./pages/form-editor.ts'), nav: 'modeler', group: 'process-owners', styles: ['forms', 'editor'] },
];

const app = document.getElementById('app')!;
let leaveFns: Array<() => void> = [];
let renderSeq = 0;

function leave(): void {
  for (const fn of leaveFns.splice(0)) {
    try {
      fn();
    } catch (err) {
      console.error(err);
    }
  }
}

function currentPath(): string {
  return location.pathname + location.search;
}

async function doLogout(): Promise<void> {
  const userId = me()?.user.id;
  leave();
  if (userId) clearDraftsOf(userId);
  // Messages of this user's work are not for the next person at this computer.
  document.getElementById('toasts')?.remove();
  await logout();
  forgetDirectory();
  dropFrame();
  navigate('/login?bye=1');
}

/** The page's module, once its library stylesheets apply too. */
async function loadPage(route: Route): Promise<PageModule> {
  const [mod] = await Promise.all([route.load(), loadStyles(...(route.styles ?? []))]);
  return mod;
}

async function render(): Promise<void> {
  const seq = ++renderSeq;
  if (location.pathname === '/' || location.pathname === '') {
    // The role's main page (a district reporter starts on 导出, not on an empty 待办).
    if (!me()) await loadMe().catch(() => null);
    if (seq !== renderSeq) return;
    history.replaceState(null, '', (me() ? homePath() : '/login') + location.search);
  }
  const path = location.pathname;
  const found = resolve(routes, path);
  leave();
  if (!found) {
    if (!me()) await loadMe().catch(() => null);
    const root = me() ? frameFor(app, undefined, doLogout) : app;
    setTitle('页面不存在');
    mount(root, h('section', { class: 'page narrow' }, h('h1', '页面不存在'), h('p', '您访问的地址不存在。'), h('a', { href: '/inbox', class: 'btn btn-primary' }, '返回待办')));
    return;
  }
  const { route, params } = found;
  // Everyday pages fetch their code and stylesheets while the session is checked; group pages
  // (the modeler is large) wait until the user is known to be allowed.
  const early = route.group ? undefined : loadPage(route);
  early?.catch(() => undefined);
  if (route.auth === 'optional') {
    // Public pages: signed-in users see them in the frame, anyone else on their own.
    if (!me()) await loadMe().catch(() => null);
    if (seq !== renderSeq) return;
    if (me() && !me()!.mustChangePassword) await loadDirectory();
  }
  if (route.auth !== false && route.auth !== 'optional') {
    if (!me()) {
      // The names come with the session check, not one round trip after it (on a slow link each
      // round trip is 100 ms or more); without a session this fails quietly and is asked again.
      void loadDirectory();
      try {
        await loadMe();
      } catch (err) {
        mount(app, h('section', { class: 'page narrow' }, h('h1', '无法连接服务器'), h('p', (err as Error).message)));
        return;
      }
    }
    if (seq !== renderSeq) return;
    const session = me();
    if (!session) {
      navigate(`/login?next=${encodeURIComponent(currentPath())}`, { replace: true });
      return;
    }
    if (session.mustChangePassword && path !== '/password') {
      navigate(`/password?forced=1&next=${encodeURIComponent(currentPath())}`, { replace: true });
      return;
    }
    if (!session.mustChangePassword) await loadDirectory();
  }
  let mod: PageModule;
  try {
    mod = await (early ?? loadPage(route));
  } catch (err) {
    console.error(err);
    mount(app, h('section', { class: 'page narrow' }, h('h1', '页面加载失败'), h('p', '请刷新页面重试。')));
    return;
  }
  if (seq !== renderSeq) return;
  const bare = route.auth === false || (route.auth === 'optional' && (!me() || me()!.mustChangePassword)) || (path === '/password' && me()?.mustChangePassword);
  const root = bare ? (dropFrame(), app) : frameFor(app, route.nav, doLogout);
  setTitle(mod.title);
  if (route.group && !inAnyGroup(route.group)) {
    mount(root, h('section', { class: 'page narrow' }, h('h1', '无权访问'), h('p', '该页面仅对相应岗位开放。如需权限，请联系监察室或流程管理员。')));
    return;
  }
  const mine = seq;
  try {
    await mod.render({
      params,
      query: new URLSearchParams(location.search),
      root,
      onLeave: (fn) => leaveFns.push(fn),
      alive: () => mine === renderSeq,
    });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.code === 'PASSWORD_CHANGE_REQUIRED')) return;
    console.error(err);
    if (mine === renderSeq) {
      mount(root, h('section', { class: 'page narrow' }, h('h1', '出错了'), h('p', { class: 'error-text' }, (err as Error).message || '未知错误'), h('a', { href: '/inbox', class: 'btn' }, '返回待办')));
    }
  }
  if (mine === renderSeq) {
    // A page about one thing (a task, a case, a diagram) is named after it in the tab and history.
    const heading = root.querySelector('h1')?.textContent?.trim();
    if (heading && heading !== mod.title) setTitle(`${mod.title}：${heading}`);
  }
  if (mine === renderSeq && !app.querySelector('[autofocus]')) {
    // Move focus to the new page's heading for keyboard and screen-reader users.
    const heading = root.querySelector<HTMLElement>('h1');
    if (heading && document.activeElement === document.body) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

setSessionHandlers({
  unauthorized: () => {
    if (location.pathname === '/login') return;
    const wasSignedIn = Boolean(me());
    forget();
    leave();
    dropFrame();
    const next = encodeURIComponent(currentPath());
    navigate(`/login?next=${next}${wasSignedIn ? '&timeout=1' : ''}`, { replace: true });
  },
  passwordChange: () => {
    const session = me();
    if (session) session.mustChangePassword = true;
    if (location.pathname !== '/password') navigate(`/password?forced=1&next=${encodeURIComponent(currentPath())}`);
  },
});

window.addEventListener('unhandledrejection', (ev) => {
  const err = ev.reason;
  if (err instanceof ApiError) {
    ev.preventDefault();
    if (err.status !== 401 && err.code !== 'PASSWORD_CHANGE_REQUIRED') toast(err.message, 'error');
  }
});

pruneDrafts();
startRouter(() => void render());
void render();
