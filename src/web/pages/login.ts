/** Sign-in (登录). After a session timeout the user comes back here and then to where they were. */
import { ApiError } from '../api.ts';
import { field, h, mount } from '../dom.ts';
import { navigate, type PageContext } from '../router.ts';
import { login, me } from '../session.ts';

export const title = '登录';

/** Only same-site paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

/** Beijing clock time `14:35` (with the date when not today). */
function clockTime(iso: string): string {
  const at = new Date(iso);
  const opts: Intl.DateTimeFormatOptions = { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false };
  const day = (d: Date) => d.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
  const sameDay = day(at) === day(new Date());
  return at.toLocaleString('zh-CN', sameDay ? opts : { ...opts, month: 'long', day: 'numeric' });
}

/**
 * What to tell the user when sign-in fails: the server's reason, and for a locked account when
 * it unlocks and whom to contact. Usage: `error.textContent = signInProblem(err)`.
 */
export function signInProblem(err: unknown): string {
  if (!(err instanceof ApiError)) return '登录失败，请稍后重试';
  const until = (err.details as { lockedUntil?: string } | undefined)?.lockedUntil;
  if (err.code === 'ACCOUNT_LOCKED' && until) {
    return `连续 5 次密码错误，账号已锁定，将于 ${clockTime(until)} 自动解锁，届时可再次登录。如忘记密码或并非本人操作，请联系安全管理员重置密码，或向监察室报告。`;
  }
  if (err.code === 'SIGN_IN_THROTTLED') return `${err.message}。本机尝试过于频繁，请稍候再试。`;
  if (err.status === 0) return '无法连接服务器，请检查网络后重试。';
  return err.message;
}

export function render(ctx: PageContext): void {
  const next = safeNext(ctx.query.get('next'));
  if (me() && !ctx.query.has('timeout')) {
    navigate(next, { replace: true });
    return;
  }
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true, spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, '登录');
  const notice = ctx.query.has('timeout')
    ? h('p', { class: 'notice notice-warn', role: 'status' }, '登录已超时，请重新登录。您正在填写的内容已保存在本机，登录后可以恢复。')
    : ctx.query.has('bye')
      ? h('p', { class: 'notice', role: 'status' }, '您已安全退出。')
      : null;
  const form = h(
    'form',
    {
      class: 'login-form',
      novalidate: true,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.hidden = true;
        if (!username.value.trim() || !password.value) {
          error.textContent = '请输入用户名和密码';
          error.hidden = false;
          (username.value.trim() ? password : username).focus();
          return;
        }
        submit.disabled = true;
        submit.textContent = '正在登录…';
        try {
          const res = await login(username.value.trim(), password.value);
          if (res.mustChangePassword) navigate(`/password?forced=1&next=${encodeURIComponent(next)}`, { replace: true });
          else navigate(next, { replace: true });
        } catch (err) {
          error.textContent = signInProblem(err);
          error.hidden = false;
          password.value = '';
          password.focus();
        } finally {
          submit.disabled = false;
          submit.textContent = '登录';
        }
      },
    },
    h('h1', '用户登录'),
    notice,
    field('用户名', username),
    field('密码', password),
    error,
    submit,
    h('p', { class: 'login-help' }, '请妥善保管账号和密码，不得借用他人账号（《管理办法》第十一条）。连续 5 次密码错误将锁定账号 15 分钟。'),
    h('p', { class: 'login-help' }, h('a', { href: '/complaint' }, '投诉举报（无需登录）'), ' · ', h('a', { href: '/flows' }, '权力运行流程图（公开）')),
  );
  mount(
    ctx.root,
    h(
      'div',
      { class: 'login-page' },
      h(
        'div',
        { class: 'login-card' },
        h(
          'div',
          { class: 'login-brand' },
          h('img', { src: '/favicon.svg', alt: '', width: 48, height: 48 }),
          h('div', h('strong', '权力内控机制网上运行平台'), h('span', '常州市民防局')),
        ),
        form,
      ),
      h('footer', { class: 'login-footer' }, '常州市民防局 · 民防权力内控机制网上运行'),
    ),
  );
  username.focus();
}
