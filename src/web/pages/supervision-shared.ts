/**
 * Pieces of the electronic-supervision pages (监察 sub-pages, 考核统计, 省平台上传, 交换): the
 * monitor's sub-navigation, the period picker kept in the URL, and saving a downloaded file.
 */
import { dateInput, setDateValue } from '../date-input.ts';
import { h } from '../dom.ts';
import { beijingToday, isDate, monthRange, quarterRange, rangeText, yearRange, type DateRange } from '../period.ts';

const TABS: Array<[string, string]> = [
  ['/monitor', '运行概览'],
  ['/monitor/warnings', '预警与追责'],
  ['/monitor/rules', '监察规则'],
  ['/monitor/unit-tasks', '单位待办'],
  ['/monitor/logins', '登录合规'],
  ['/monitor/substitutions', '委托代理'],
  ['/monitor/stats', '考核统计'],
  ['/monitor/appraisal', '考核评分'],
  ['/monitor/report', '合规报告'],
  ['/monitor/uploads', '省平台上传'],
  ['/monitor/exchange', '辖市区交换'],
];

/** Whether the page is shown inside the monitor (supervision) rather than on its own path. */
export function inMonitor(): boolean {
  return location.pathname.startsWith('/monitor');
}

/** The monitor's sub-navigation, with the current page marked (nothing outside the monitor). */
export function monitorTabs(): HTMLElement | null {
  if (!inMonitor()) return null;
  const here = location.pathname;
  return h(
    'nav',
    { class: 'subnav', 'aria-label': '监察功能' },
    TABS.map(([href, label]) => h('a', { href, 'aria-current': href === here ? 'page' : null }, label)),
  );
}

/** The page heading with an optional line under it and actions on the right. */
export function pageHead(title: string, sub: HTMLElement | string | null, ...actions: Array<HTMLElement | null>): HTMLElement {
  return h(
    'div',
    { class: 'page-head' },
    h('div', h('h1', title), typeof sub === 'string' ? h('p', { class: 'page-sub' }, sub) : sub),
    actions.some(Boolean) ? h('div', { class: 'head-actions' }, actions) : null,
  );
}

/** The period in the URL (`?from=2026-11-01&to=2026-11-30`), else this month. */
export function periodFromQuery(query: URLSearchParams): DateRange {
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  return isDate(from) && isDate(to) && from <= to ? { from, to } : monthRange(beijingToday());
}

/** Writes the period into the URL without a new history entry (reload keeps it). */
export function periodToUrl(r: DateRange): void {
  const p = new URLSearchParams(location.search);
  p.set('from', r.from);
  p.set('to', r.to);
  history.replaceState(null, '', `${location.pathname}?${p}`);
}

/**
 * Two date inputs with 本月 / 上月 / 本季度 / 本年 presets; calls `onChange` with a valid period.
 * Usage: `periodPicker(period, (r) => load(r))`.
 */
export function periodPicker(initial: DateRange, onChange: (r: DateRange) => void): HTMLElement {
  const from = dateInput({ id: 'period-from', value: initial.from, required: true });
  const to = dateInput({ id: 'period-to', value: initial.to, required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const today = beijingToday();
  const presets: Array<[string, DateRange]> = [
    ['本月', monthRange(today)],
    ['上月', monthRange(today, -1)],
    ['本季度', quarterRange(today)],
    ['本年', yearRange(today)],
  ];
  const apply = (r: DateRange) => {
    setDateValue(from, r.from);
    setDateValue(to, r.to);
    submit();
  };
  const submit = () => {
    const r = { from: from.value, to: to.value };
    error.hidden = true;
    if (!isDate(r.from) || !isDate(r.to)) {
      error.textContent = '请填写起止日期';
      error.hidden = false;
      return;
    }
    if (r.from > r.to) {
      error.textContent = '结束日期不能早于开始日期';
      error.hidden = false;
      return;
    }
    onChange(r);
  };
  return h(
    'form',
    { class: 'filters period-picker', role: 'search', 'aria-label': '统计期间', onsubmit: (e: Event) => { e.preventDefault(); submit(); } },
    h('div', { class: 'field' }, h('label', { for: 'period-from' }, '开始日期'), from),
    h('div', { class: 'field' }, h('label', { for: 'period-to' }, '结束日期'), to),
    h('button', { type: 'submit', class: 'btn btn-primary' }, '查询'),
    h('div', { class: 'presets', role: 'group', 'aria-label': '常用期间' }, presets.map(([label, r]) => h('button', { type: 'button', class: 'btn btn-small btn-ghost', title: rangeText(r), onclick: () => apply(r) }, label))),
    error,
  );
}

/** Hands a downloaded Blob to the browser as a file. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A SHA-256 shortened for a table, with the whole value as its title. */
export function shortHash(sha: string | null | undefined): HTMLElement {
  return sha ? h('code', { title: sha, class: 'hash' }, `${sha.slice(0, 12)}…`) : h('span', '—');
}
