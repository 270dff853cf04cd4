/**
 * 委托设置 (/me/substitute): while I am away my tasks also reach the person I name, who acts
 * "代 X 办理". Set (person, from, to) → PUT /api/me/substitute; cancel → DELETE; also lists whom I
 * stand in for now.
 */
import { api, ApiError } from '../api.ts';
import { ask, field, h, loading, mount, toast } from '../dom.ts';
import { dateInput } from '../date-input.ts';
import { userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { user } from '../session.ts';
import { directoryPeople, personSelect } from './case-routing.ts';

export const title = '委托设置';

interface Substitution { id: string; userId: string; userName: string | null; substituteId: string; substituteName: string | null; from: string; to: string; active: boolean; cancelledAt: string | null }

/** A Beijing-time calendar day (YYYY-MM-DD) of an instant; `to` is exclusive, so its day is the one before. */
export function day(iso: string, end = false): string {
  const t = Date.parse(iso) + 8 * 3_600_000 - (end ? 1 : 0);
  return new Date(t).toISOString().slice(0, 10);
}

function today(): string {
  return day(new Date().toISOString());
}

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  mount(ctx.root, loading());
  const [state, people] = await Promise.all([
    api.get<{ substitute: Substitution | null; actingFor: Substitution[] }>('/api/me/substitute'),
    directoryPeople(me.user.id),
  ]);
  if (!ctx.alive()) return;
  const reload = () => void render(ctx);

  const person = personSelect(people, { id: 'substitute-person' });
  const from = dateInput({ id: 'substitute-from', value: today(), required: true });
  const to = dateInput({ id: 'substitute-to', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const fail = (text: string, el?: HTMLElement) => {
    error.textContent = text;
    error.hidden = false;
    el?.focus();
  };
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '保存委托');
  const form = h(
    'form',
    {
      class: 'card form-card substitute-form',
      novalidate: true,
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.hidden = true;
        if (!person.value) return fail('请选择代理人', person);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(from.value)) return fail('请填写开始日期（年-月-日）', from);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(to.value)) return fail('请填写结束日期（年-月-日）', to);
        if (to.value < from.value) return fail('结束日期不能早于开始日期', to);
        submit.disabled = true;
        try {
          await api.put('/api/me/substitute', { userId: person.value, from: from.value, to: to.value });
          toast(`已委托 ${userLabel(person.value)} 代理办理`);
          reload();
        } catch (err) {
          submit.disabled = false;
          if (err instanceof ApiError && err.status !== 401) fail(err.fieldErrors.length ? `${err.message}：${err.fieldErrors.map((e) => e.message).join('；')}` : err.message);
        }
      },
    },
    h('h2', state.substitute ? '更改委托' : '设置委托'),
    h('p', { class: 'hint' }, '委托期间，您的待办和可认领任务同时送达代理人，由其“代您办理”，办理记录注明代理关系。最长 180 天；新的委托替换原有委托。'),
    field('代理人', person),
    field('开始日期', from),
    field('结束日期（含当天）', to),
    error,
    h('div', { class: 'actions' }, submit),
  );

  const mine = state.substitute;
  if (mine) person.value = mine.substituteId;
  const cancel = async (ev: Event) => {
    const ok = await ask({ title: '取消委托', message: '取消后代理人不再收到您的任务。', ok: '确认取消', danger: true });
    if (ok === null) return;
    (ev.target as HTMLButtonElement).disabled = true;
    try {
      await api.delete('/api/me/substitute');
      toast('委托已取消');
      reload();
    } catch (err) {
      (ev.target as HTMLButtonElement).disabled = false;
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  };
  const current = h(
    'div',
    { class: 'card current-substitute' },
    h('h2', '当前委托'),
    mine
      ? h(
          'div',
          h('p', { class: 'substitute-line' }, '由 ', h('strong', userLabel(mine.substituteId, mine.substituteName ?? undefined)), ` 代理，${day(mine.from)} 至 ${day(mine.to, true)}`, ' ', h('span', { class: `tag ${mine.active ? 'tag-running' : 'tag-pending'}` }, mine.active ? '生效中' : '未到期')),
          h('button', { type: 'button', class: 'btn btn-danger', onclick: cancel }, '取消委托'),
        )
      : h('p', { class: 'no-substitute' }, '未设置委托。'),
  );
  const acting = state.actingFor.length
    ? h(
        'div',
        { class: 'card' },
        h('h2', '我正在代理'),
        h('ul', state.actingFor.map((x) => h('li', userLabel(x.userId, x.userName ?? undefined), `（${day(x.from)} 至 ${day(x.to, true)}）`))),
      )
    : null;

  mount(ctx.root, h('section', { class: 'page narrow substitute-page' }, h('h1', '委托设置'), current, form, acting));
}
