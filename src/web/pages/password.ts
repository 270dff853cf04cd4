/** Password change (修改密码); forced when the password expired or was set by an administrator (Art. 11). */
import { api, ApiError } from '../api.ts';
import { field, h, mount, toast } from '../dom.ts';
import { dropFrame } from '../layout.ts';
import { navigate, type PageContext } from '../router.ts';
import { loadMe, logout, me, passwordChanged } from '../session.ts';
import { safeNext, signInProblem } from './login.ts';

export const title = '修改密码';

/** The platform's rule (checked again by the server): ≥ 10 characters, three character classes. */
export function passwordProblem(pw: string, username = ''): string | null {
  if (pw.length < 10) return '新密码至少 10 位';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  if (classes < 3) return '新密码须包含大写字母、小写字母、数字、符号中的至少三类';
  if (username && pw.toLowerCase().includes(username.toLowerCase())) return '新密码不能包含用户名';
  return null;
}

/** The server's reasons (each field error), not only its summary "新密码不符合要求". */
export function serverReason(err: unknown): string {
  if (!(err instanceof ApiError)) return '修改失败，请稍后重试';
  if (err.code === 'ACCOUNT_LOCKED') return signInProblem(err);
  const reasons = [...new Set(err.fieldErrors.map((e) => e.message))].filter((r) => r !== err.message);
  return reasons.length ? `${err.message}：${reasons.join('；')}` : err.message;
}

export function render(ctx: PageContext): void {
  const forced = Boolean(me()?.mustChangePassword) || ctx.query.has('forced');
  const next = safeNext(ctx.query.get('next'));
  const oldPw = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const newPw = h('input', { type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'pw-rule' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '确认修改');
  const fail = (msg: string, el?: HTMLInputElement) => {
    error.textContent = msg;
    error.hidden = false;
    el?.focus();
  };
  const form = h(
    'form',
    {
      class: 'card form-card',
      novalidate: true,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.hidden = true;
        if (!oldPw.value) return fail('请输入当前密码', oldPw);
        const problem = passwordProblem(newPw.value, me()?.user.username ?? me()?.user.id ?? '');
        if (problem) return fail(problem, newPw);
        if (newPw.value !== again.value) return fail('两次输入的新密码不一致', again);
        if (newPw.value === oldPw.value) return fail('新密码不能与当前密码相同', newPw);
        submit.disabled = true;
        try {
          await api.post('/api/auth/password', { oldPassword: oldPw.value, newPassword: newPw.value });
          passwordChanged();
          await loadMe();
          toast('密码已修改');
          navigate(next, { replace: true });
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return;
          fail(serverReason(err), err instanceof ApiError && err.fieldErrors.some((e) => e.field === 'oldPassword') ? oldPw : newPw);
        } finally {
          submit.disabled = false;
        }
      },
    },
    forced ? h('p', { class: 'notice notice-warn' }, '根据《管理办法》第十一条，密码须定期更换。您的密码已到期或为初始密码，请先修改密码再继续使用。') : null,
    field('当前密码', oldPw),
    field('新密码', newPw),
    h('small', { id: 'pw-rule', class: 'hint' }, '至少 10 位，包含大写字母、小写字母、数字、符号中的至少三类；不能包含用户名；不能与最近 5 次使用过的密码相同。'),
    field('再次输入新密码', again),
    error,
    h(
      'div',
      { class: 'actions' },
      submit,
      forced
        ? h('button', { type: 'button', class: 'btn', onclick: async () => { await logout(); dropFrame(); navigate('/login?bye=1'); } }, '退出登录')
        : h('a', { href: '/inbox', class: 'btn' }, '取消'),
    ),
  );
  const page = h('section', { class: forced ? 'page narrow forced-page' : 'page narrow' }, h('h1', '修改密码'), form);
  mount(ctx.root, forced ? h('div', { class: 'login-page' }, page) : page);
  oldPw.focus();
}
