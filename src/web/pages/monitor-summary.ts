/**
 * The monitor's overview (监察 · 运行概览): the counts (KPI tiles), the two charts, the current
 * steps and the units. chart.js is loaded on demand: the tiles and tables show while it arrives.
 */
import { api, type CalendarCoverage } from '../api.ts';
import type { Chart } from '../charts.ts';
import { empty, h, mount } from '../dom.ts';
import { fmtDateTime } from '../format.ts';

export interface Summary {
  at: string;
  running: number;
  processes: Array<{ processKey: string; running: number }>;
  activities: Array<{ processKey: string; elementId: string; name: string | null; kind: string; count: number }>;
  tasks: { green: number; yellow: number; red: number; none: number; open: number };
  incidents: { open: number; perProcess: Array<{ processKey: string | null; open: number }> };
  units: Array<{ unitId: string | null; unitName: string | null; running: number; openTasks: number; tasks: { green: number; yellow: number; red: number; none: number }; incidents: number }>;
  calendar?: CalendarCoverage;
}

/** Where the overview draws, and the charts drawn so far (destroyed on the next refresh and on leaving). */
export interface SummaryHosts {
  stamp: HTMLElement;
  calendar: HTMLElement;
  kpis: HTMLElement;
  charts: HTMLElement;
  activities: HTMLElement;
  units: HTMLElement;
  drawn: Chart[];
}

const KIND: Record<string, string> = { userTask: '人工任务', timer: '定时器', service: '自动处理', message: '等待消息', 'message-out': '发送消息' };

/**
 * Loads `/api/monitor/summary` and draws it; `alive` says whether the user is still on the page.
 * Usage: `await loadSummary(hosts, (k) => names.get(k) ?? k, ctx.alive)`.
 */
export async function loadSummary(hosts: SummaryHosts, pname: (key: string | null) => string, alive: () => boolean): Promise<void> {
  const s = await api.get<Summary>('/api/monitor/summary');
  if (!alive()) return;
  hosts.stamp.textContent = `数据时间 ${fmtDateTime(s.at)}`;
  // The working calendar must know the holidays of the next 90 days (issue 13, item 11).
  mount(hosts.calendar, s.calendar?.warning ? h('p', { class: 'notice notice-warn', role: 'alert' }, s.calendar.warning, ' ', h('a', { href: `/calendar?year=${s.calendar.missingYears[0]}` }, '去录入')) : null);
  const tile = (label: string, value: number, cls = '', hint?: string) => h('div', { class: `kpi ${cls}` }, h('span', { class: 'kpi-value' }, String(value)), h('span', { class: 'kpi-label' }, label), hint ? h('small', hint) : null);
  mount(
    hosts.kpis,
    tile('运行中实例', s.running),
    tile('待办任务', s.tasks.open),
    tile('临近期限', s.tasks.yellow, 'kpi-yellow', '已用时限 ≥ 80%'),
    tile('已超期', s.tasks.red, 'kpi-red'),
    tile('未处理异常', s.incidents.open, s.incidents.open ? 'kpi-red' : ''),
  );
  mount(hosts.activities, activitiesTable(s, pname));
  mount(hosts.units, unitsTable(s));
  await drawCharts(hosts, s, pname, alive);
}

/** The two charts: running instances per process, and open tasks by deadline state. */
async function drawCharts(hosts: SummaryHosts, s: Summary, pname: (key: string | null) => string, alive: () => boolean): Promise<void> {
  hosts.drawn.splice(0).forEach((c) => c.destroy());
  const bar = h('canvas', { role: 'img', 'aria-label': `各流程运行中实例：${s.processes.map((p) => `${pname(p.processKey)} ${p.running}`).join('，')}` });
  const pie = h('canvas', { role: 'img', 'aria-label': `待办期限分布：正常 ${s.tasks.green}，临近期限 ${s.tasks.yellow}，已超期 ${s.tasks.red}，无时限 ${s.tasks.none}` });
  mount(
    hosts.charts,
    h('div', { class: 'card' }, h('h2', '各流程运行中实例'), s.processes.length ? h('div', { class: 'chart-box' }, bar) : empty('当前没有运行中的实例。')),
    h('div', { class: 'card' }, h('h2', '待办期限分布'), s.tasks.open ? h('div', { class: 'chart-box' }, pie) : empty('当前没有待办任务。')),
  );
  if (!s.processes.length && !s.tasks.open) return;
  const { Chart } = await import('../charts.ts');
  // A refresh or leaving the page while chart.js arrived: these canvases are gone.
  if (!alive() || !bar.isConnected && !pie.isConnected) return;
  if (s.processes.length) {
    hosts.drawn.push(
      new Chart(bar, {
        type: 'bar',
        data: { labels: s.processes.map((p) => pname(p.processKey)), datasets: [{ label: '运行中', data: s.processes.map((p) => p.running), backgroundColor: '#2f6fb5', maxBarThickness: 26 }] },
        options: { indexAxis: 'y', maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
      }),
    );
  }
  if (s.tasks.open) {
    hosts.drawn.push(
      new Chart(pie, {
        type: 'doughnut',
        data: {
          labels: ['正常', '临近期限', '已超期', '无时限'],
          datasets: [{ data: [s.tasks.green, s.tasks.yellow, s.tasks.red, s.tasks.none], backgroundColor: ['#2e9e5b', '#e0a100', '#d0312d', '#9aa5b1'] }],
        },
        options: { maintainAspectRatio: false, plugins: { legend: { position: 'right' } } },
      }),
    );
  }
}

function activitiesTable(s: Summary, pname: (key: string | null) => string): HTMLElement {
  if (!s.activities.length) return empty('没有停留中的环节。');
  return h(
    'table',
    { class: 'table compact' },
    h('thead', h('tr', ['流程', '环节', '类型', '数量'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', s.activities.map((a) => h('tr', h('td', pname(a.processKey)), h('td', a.name ?? a.elementId), h('td', KIND[a.kind] ?? a.kind), h('td', { class: 'num' }, String(a.count))))),
  );
}

function unitsTable(s: Summary): HTMLElement {
  if (!s.units.length) return empty('暂无数据。');
  const warn = (n: number, cls: string) => (n ? h('span', { class: cls }, String(n)) : '0');
  return h(
    'table',
    { class: 'table compact' },
    h('thead', h('tr', ['单位', '运行中', '待办', '临近', '超期', '异常'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      s.units.map((u) =>
        h('tr', h('td', u.unitName ?? '（未知单位）'), h('td', { class: 'num' }, String(u.running)), h('td', { class: 'num' }, String(u.openTasks)), h('td', { class: 'num' }, warn(u.tasks.yellow, 'text-yellow')), h('td', { class: 'num' }, warn(u.tasks.red, 'text-red')), h('td', { class: 'num' }, String(u.incidents))),
      ),
    ),
  );
}
