/**
 * 工作日历: a year's statutory holidays and adjusted working days (调休上班), as the bureau enters
 * them when the State Council publishes the next year's schedule. Pasting the notice's text fills
 * the table (src/lib/holiday-notice.ts), the person reviews and corrects it, then saves the whole
 * year; the server recounts the due dates of open tasks the year concerns.
 */
import { parseHolidayNotice } from '../../lib/holiday-notice.ts';
import { api, ApiError, type CalendarDay, type CalendarYear } from '../api.ts';
import { dateInput, setDateValue } from '../date-input.ts';
import { h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { pageHead } from './supervision-shared.ts';

export const title = '工作日历';

const WEEKDAY = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const KIND_LABEL: Record<CalendarDay['kind'], string> = { holiday: '放假', workday: '上班（调休）' };

const weekday = (date: string) => new Date(date + 'T00:00:00Z').getUTCDay();
const beijingYear = () => Number(new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 4));

export async function render(ctx: PageContext): Promise<void> {
  const asked = Number(ctx.query.get('year'));
  let year = Number.isInteger(asked) && asked >= 2000 && asked <= 2099 ? asked : beijingYear() + 1;
  let saved: CalendarYear | null = null;
  /** The days being edited, by date. */
  let draft = new Map<string, CalendarDay>();

  const yearInput = h('input', { type: 'number', id: 'calendar-year', min: 2000, max: 2099, value: year, required: true });
  const status = h('div', { class: 'calendar-status', role: 'status' });
  const notice = h('textarea', {
    id: 'calendar-notice',
    rows: 12,
    placeholder: '例：元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。',
  });
  const problems = h('div', { class: 'calendar-problems' });
  const tableHost = h('div', loading());
  const errors = h('div', { class: 'calendar-errors' });
  const summary = h('p', { class: 'page-sub calendar-summary' });
  const add = {
    date: dateInput({ id: 'calendar-add-date' }),
    kind: h('select', { id: 'calendar-add-kind' }, h('option', { value: 'holiday' }, '放假'), h('option', { value: 'workday' }, '上班（调休）')),
    name: h('input', { type: 'text', id: 'calendar-add-name', maxlength: 50, placeholder: '如 元旦' }),
  };
  const saveButton = h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void save() }, '保存本年日历');

  const go = (y: number) => {
    if (!Number.isInteger(y) || y < 2000 || y > 2099) return;
    year = y;
    yearInput.value = String(y);
    history.replaceState(null, '', `${location.pathname}?year=${y}`);
    void load();
  };

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page calendar-page' },
      pageHead('工作日历', '法定节假日和调休上班日。期限以工作日计的任务按本日历计算；未录入的年份只按周一至周五计算。国务院办公厅公布次年安排后，请在此录入。'),
      h(
        'form',
        { class: 'filters', 'aria-label': '选择年份', onsubmit: (e: Event) => { e.preventDefault(); go(Number(yearInput.value)); } },
        h('div', { class: 'field' }, h('label', { for: 'calendar-year' }, '年份'), yearInput),
        h('button', { type: 'button', class: 'btn', onclick: () => go(year - 1) }, '上一年'),
        h('button', { type: 'button', class: 'btn', onclick: () => go(year + 1) }, '下一年'),
      ),
      status,
      h(
        'div',
        { class: 'grid-2' },
        h(
          'div',
          { class: 'card' },
          h('h2', '粘贴国务院办公厅通知'),
          h('div', { class: 'field' }, h('label', { for: 'calendar-notice' }, '通知正文（各节日的放假和上班安排）'), notice),
          h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: () => readNotice() }, '解析到表格')),
          problems,
        ),
        h(
          'div',
          { class: 'card' },
          h('h2', { id: 'calendar-days-title' }, '节假日与调休上班日'),
          summary,
          tableHost,
          h(
            'form',
            { class: 'filters calendar-add', 'aria-label': '添加一天', onsubmit: (e: Event) => { e.preventDefault(); addDay(); } },
            h('div', { class: 'field' }, h('label', { for: 'calendar-add-date' }, '日期'), add.date),
            h('div', { class: 'field' }, h('label', { for: 'calendar-add-kind' }, '类型'), add.kind),
            h('div', { class: 'field' }, h('label', { for: 'calendar-add-name' }, '名称'), add.name),
            h('button', { type: 'submit', class: 'btn' }, '添加'),
          ),
          errors,
          h('div', { class: 'actions' }, saveButton, h('button', { type: 'button', class: 'btn', onclick: () => { draft = new Map(); show(); } }, '清空表格')),
        ),
      ),
    ),
  );
  yearInput.addEventListener('change', () => go(Number(yearInput.value)));

  async function load(): Promise<void> {
    mount(tableHost, loading());
    mount(problems);
    mount(errors);
    const y = year;
    const res = await api.get<CalendarYear>(`/api/calendar/${y}`);
    if (!ctx.alive() || y !== year) return;
    saved = res;
    draft = new Map(res.days.map((d) => [d.date, { ...d }]));
    show();
  }

  /** The notice's days of this year go into the table (a date already there takes the notice's reading). */
  function readNotice(): void {
    const r = parseHolidayNotice(notice.value, year);
    const inYear = r.days.filter((d) => d.date.startsWith(`${year}-`));
    const outside = r.days.filter((d) => !d.date.startsWith(`${year}-`)).map((d) => `${d.date} 不在 ${year} 年内，未加入`);
    for (const d of inYear) draft.set(d.date, d);
    const lines = [...r.problems, ...outside];
    mount(
      problems,
      h('p', { class: inYear.length ? 'notice notice-ok' : 'notice notice-warn' }, inYear.length ? `已从通知读取 ${inYear.length} 天，加入右侧表格，请核对后保存。` : '没有读到本年的日期。'),
      lines.length ? h('ul', { class: 'notice notice-warn', role: 'alert' }, lines.map((l) => h('li', l))) : null,
    );
    show();
  }

  function addDay(): void {
    const date = add.date.value;
    if (!date.startsWith(`${year}-`)) {
      mount(errors, h('p', { class: 'notice notice-warn', role: 'alert' }, `请选择 ${year} 年内的日期。`));
      return;
    }
    draft.set(date, { date, kind: add.kind.value as CalendarDay['kind'], name: add.name.value.trim() || null });
    setDateValue(add.date, '');
    mount(errors);
    show();
  }

  /** Renders the status line and the table of the draft, marking what differs from the saved year. */
  function show(): void {
    const s = saved;
    mount(
      status,
      !s
        ? null
        : s.source === 'admin'
          ? h('p', { class: 'notice notice-ok' }, `${year} 年日历由 ${userLabel(s.updatedBy ?? '')} 于 ${fmtDateTime(s.updatedAt)} 录入。`)
          : s.source === 'package'
            ? h('p', { class: 'notice notice-ok' }, `${year} 年日历来自内置的国务院节假日数据（chinese-days），可以更正。`)
            : h('p', { class: 'notice notice-warn' }, `${year} 年尚未录入节假日安排：该年的期限只按周一至周五计算。`),
    );
    const days = [...draft.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
    const before = new Map((s?.days ?? []).map((d) => [d.date, d]));
    const changed = days.length !== before.size || days.some((d) => { const b = before.get(d.date); return !b || b.kind !== d.kind || (b.name ?? null) !== (d.name ?? null); });
    summary.textContent = `${year} 年：放假 ${days.filter((d) => d.kind === 'holiday').length} 天，调休上班 ${days.filter((d) => d.kind === 'workday').length} 天${changed ? '（有未保存的修改）' : ''}`;
    mount(tableHost, days.length ? dayTable(days, before) : h('p', { class: 'empty' }, '表格为空：粘贴通知或逐日添加。'));
  }

  function dayTable(days: CalendarDay[], before: Map<string, CalendarDay>): HTMLElement {
    return h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'table compact calendar-table', 'aria-labelledby': 'calendar-days-title' },
        h('thead', h('tr', ['日期', '星期', '类型', '名称', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          days.map((d) => {
            const wd = weekday(d.date);
            const plain = (d.kind === 'holiday') === (wd === 0 || wd === 6);
            const kind = h('select', { 'aria-label': `${d.date} 类型`, onchange: (e: Event) => { d.kind = (e.target as HTMLSelectElement).value as CalendarDay['kind']; show(); } },
              (['holiday', 'workday'] as const).map((k) => h('option', { value: k, selected: d.kind === k ? true : null }, KIND_LABEL[k])));
            kind.value = d.kind;
            const name = h('input', { type: 'text', value: d.name ?? '', maxlength: 50, 'aria-label': `${d.date} 名称`, onchange: (e: Event) => { d.name = (e.target as HTMLInputElement).value.trim() || null; show(); } });
            return h(
              'tr',
              { 'data-date': d.date, 'data-kind': d.kind, class: before.has(d.date) ? null : 'row-new' },
              h('td', h('strong', d.date)),
              h('td', WEEKDAY[wd], plain ? h('small', { class: 'hint' }, d.kind === 'holiday' ? '（本为休息日）' : '（本为工作日）') : null),
              h('td', kind),
              h('td', name),
              h('td', h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `删除 ${d.date}`, onclick: () => { draft.delete(d.date); show(); } }, '删除')),
            );
          }),
        ),
      ),
    );
  }

  async function save(): Promise<void> {
    mount(errors);
    saveButton.disabled = true;
    try {
      const days = [...draft.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
      const res = await api.put<CalendarYear>(`/api/calendar/${year}`, { days });
      if (!ctx.alive()) return;
      saved = res;
      draft = new Map(res.days.map((d) => [d.date, { ...d }]));
      show();
      toast(`已保存 ${year} 年工作日历${res.recomputedTasks ? `，${res.recomputedTasks} 个在办任务的期限已重新计算` : ''}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const lines = err.fieldErrors.map((f) => `${f.field}：${f.message}`);
      mount(errors, h('div', { class: 'notice notice-warn', role: 'alert' }, h('p', err.message), lines.length ? h('ul', lines.map((l) => h('li', l))) : null));
    } finally {
      saveButton.disabled = false;
    }
  }

  await load();
}
