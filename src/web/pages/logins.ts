/**
 * 登录合规 (Art. 5): for one ISO week, how often each member of the supervision office (≥ 3) and
 * each unit's contact person (≥ 1) signed in; shortfalls highlighted. The week is in the URL.
 */
import { api, type LoginCompliance, type LoginLine } from '../api.ts';
import { empty, h, loading, mount } from '../dom.ts';
import { beijingToday, isoWeek, shiftWeek, weekRange } from '../period.ts';
import { weekLabel } from '../deadline.ts';
import type { PageContext } from '../router.ts';
import { monitorTabs, pageHead } from './supervision-shared.ts';

export const title = '登录合规';

const ROLE: Record<LoginLine['role'], string> = { supervision: '监察室人员', contact: '单位联络员' };

export async function render(ctx: PageContext): Promise<void> {
  const thisWeek = isoWeek(beijingToday());
  const asked = ctx.query.get('week') ?? '';
  let week = weekRange(asked) ? asked : thisWeek;
  // The last year of weeks, named as people say them ("2026年第49周（11月30日–12月6日）"), newest first.
  const input = h('select', { id: 'week' }) as HTMLSelectElement;
  const fillWeeks = () => {
    const weeks = Array.from({ length: 53 }, (_, i) => shiftWeek(thisWeek, -i));
    if (!weeks.includes(week)) weeks.push(week);
    mount(input, weeks.map((w) => h('option', { value: w, selected: w === week }, weekLabel(w, weekRange(w)!))));
  };
  fillWeeks();
  const range = h('span', { class: 'week-range' });
  const summary = h('div', { class: 'kpis kpis-3' });
  const table = h('div', loading());
  const go = (w: string) => {
    if (!weekRange(w)) return;
    week = w;
    fillWeeks();
    history.replaceState(null, '', `${location.pathname}?week=${w}`);
    void load();
  };

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page logins-page' },
      monitorTabs(),
      pageHead('登录合规', '《办法》第五条：监察室人员每周登录不少于 3 次；各单位联络员定期登录（每周至少 1 次）。'),
      h(
        'form',
        { class: 'filters', role: 'search', 'aria-label': '选择周', onsubmit: (e: Event) => { e.preventDefault(); go(input.value); } },
        h('div', { class: 'field' }, h('label', { for: 'week' }, '周次'), input),
        h('button', { type: 'button', class: 'btn', onclick: () => go(shiftWeek(week, -1)) }, '上一周'),
        h('button', { type: 'button', class: 'btn', onclick: () => go(thisWeek) }, '本周'),
        h('button', { type: 'button', class: 'btn', onclick: () => go(shiftWeek(week, 1)) }, '下一周'),
        range,
      ),
      summary,
      h('div', { class: 'card' }, h('h2', '登录情况'), table),
    ),
  );
  input.addEventListener('change', () => go(input.value));

  async function load(): Promise<void> {
    mount(table, loading());
    range.textContent = week === thisWeek ? '本周尚未结束' : '';
    const res = await api.get<LoginCompliance>('/api/compliance/logins', { week });
    if (!ctx.alive() || res.week !== week) return;
    const sup = res.lines.filter((l) => l.role === 'supervision');
    const contacts = res.lines.filter((l) => l.role === 'contact');
    const short = res.lines.filter((l) => !l.ok);
    const tile = (label: string, value: string, cls = '') => h('div', { class: `kpi ${cls}` }, h('span', { class: 'kpi-value' }, value), h('span', { class: 'kpi-label' }, label));
    mount(
      summary,
      tile('监察室达标', ratio(sup), sup.some((l) => !l.ok) ? 'kpi-yellow' : ''),
      tile('联络员已登录', ratio(contacts), contacts.some((l) => !l.ok) ? 'kpi-yellow' : ''),
      week === thisWeek ? tile('尚未达标（本周未结束）', String(short.length), short.length ? 'kpi-yellow' : '') : tile('登录不足', String(short.length), short.length ? 'kpi-red' : ''),
    );
    const lines = [...sup, ...contacts];
    mount(
      table,
      lines.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact logins-table' },
              h('thead', h('tr', ['姓名', '岗位', '单位', '登录次数', '要求', '结果'].map((t) => h('th', { scope: 'col', class: t === '登录次数' || t === '要求' ? 'num' : null }, t)))),
              h(
                'tbody',
                lines.map((l) =>
                  h(
                    'tr',
                    { class: l.ok ? 'row-ok' : week === thisWeek ? 'row-pending' : 'row-short', 'data-user': l.userId, 'data-role': l.role },
                    h('td', h('strong', l.displayName)),
                    h('td', ROLE[l.role]),
                    h('td', l.unitName ?? '—'),
                    h('td', { class: 'num' }, String(l.logins)),
                    h('td', { class: 'num' }, l.exempt ? '—' : `≥ ${l.required}`),
                    h('td', verdict(l, week === thisWeek)),
                  ),
                ),
              ),
            ),
          )
        : empty('没有需要检查的人员。'),
    );
  }
  await load();
}

/** "met / measured", or a dash when everyone's account is newer than the week. */
function ratio(lines: LoginLine[]): string {
  const measured = lines.filter((l) => !l.exempt);
  return measured.length ? `${measured.filter((l) => l.ok).length} / ${measured.length}` : '—';
}

/** 达标, or the shortfall: red for a week that is over, yellow while the week still runs. */
function verdict(l: LoginLine, running: boolean): HTMLElement {
  if (l.exempt) return h('span', { class: 'level-tag', title: '账号在本周开始后才建立，从下一周起计算' }, '本周不计');
  if (l.ok) return h('span', { class: 'level-tag level-tag-ok' }, '达标');
  const missing = l.required - l.logins;
  return running ? h('span', { class: 'level-tag level-tag-yellow' }, `尚差 ${missing} 次`) : h('span', { class: 'level-tag level-tag-red' }, `不足（差 ${missing} 次）`);
}
