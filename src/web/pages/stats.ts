/**
 * 考核统计 (Art. 4): for a period, per unit and per person, the tasks handled, on time, in the
 * yellow band, late (red), the on-time rate, the average handling time in working days, open
 * overdue tasks and accountability cases; a stacked chart per unit (chart.js) and the CSV.
 * Supervision sees everyone (inside 监察); a unit head sees their own unit (/stats).
 */
import { api, ApiError, type AppraisalStats, type Figures } from '../api.ts';
import { Chart, LEVEL_COLOURS } from '../charts.ts';
import { empty, h, loading, mount, toast } from '../dom.ts';
import { unitLabel } from '../names.ts';
import { rangeText, type DateRange } from '../period.ts';
import type { PageContext } from '../router.ts';
import { inGroup } from '../session.ts';
import { inMonitor, monitorTabs, pageHead, periodFromQuery, periodPicker, periodToUrl, saveBlob } from './supervision-shared.ts';

export const title = '考核统计';

const rate = (f: Figures) => (f.handled ? `${Math.round((f.onTime / f.handled) * 1000) / 10}%` : '—');
const days = (v: number | null) => (v === null ? '—' : v.toFixed(1));

export async function render(ctx: PageContext): Promise<void> {
  let period = periodFromQuery(ctx.query);
  const own = !inMonitor() && !inGroup('supervision');
  const kpis = h('div', { class: 'kpis' });
  const chartHost = h('div', { class: 'grid-2' });
  const unitsHost = h('div', loading());
  const peopleHost = h('div', loading());
  const charts: Chart[] = [];
  ctx.onLeave(() => charts.forEach((c) => c.destroy()));

  const csvButton = h('button', { type: 'button', class: 'btn', onclick: async () => {
    csvButton.disabled = true;
    try {
      const file = await api.download('/api/stats.csv', { from: period.from, to: period.to }, `appraisal-${period.from}.csv`);
      saveBlob(file.blob, file.filename);
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    } finally {
      csvButton.disabled = false;
    }
  } }, '下载 CSV');

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page stats-page' },
      monitorTabs(),
      pageHead('考核统计', own ? '《办法》第四条：本单位网上运行情况纳入绩效考核。' : '《办法》第四条：各单位、各人员网上运行情况纳入绩效考核。', csvButton),
      periodPicker(period, (r) => {
        period = r;
        periodToUrl(r);
        void load();
      }),
      kpis,
      chartHost,
      h('div', { class: 'card' }, h('h2', own ? '本单位' : '按单位'), unitsHost),
      h('div', { class: 'card' }, h('h2', '按人员'), peopleHost),
      h('p', { class: 'cell-sub' }, '按时：在期限已用 80% 之前办结；黄色：在临近期限时办结；红色：超过期限办结。平均办理时间按工作日计（节假日不计）。超期未办为当前仍未办结且已超期的任务。'),
    ),
  );

  async function load(): Promise<void> {
    const asked: DateRange = period;
    const s = await api.get<AppraisalStats>('/api/stats', { from: asked.from, to: asked.to });
    if (!ctx.alive() || asked !== period) return;
    const total = s.units.reduce(
      (t, u) => ({ handled: t.handled + u.handled, onTime: t.onTime + u.onTime, yellow: t.yellow + u.yellow, red: t.red + u.red, openOverdue: t.openOverdue + u.openOverdue, reminded: t.reminded + u.reminded, accountability: t.accountability + u.accountability }),
      { handled: 0, onTime: 0, yellow: 0, red: 0, openOverdue: 0, reminded: 0, accountability: 0 },
    );
    const tile = (label: string, value: string, cls = '', hint?: string) => h('div', { class: `kpi ${cls}` }, h('span', { class: 'kpi-value' }, value), h('span', { class: 'kpi-label' }, label), hint ? h('small', hint) : null);
    mount(
      kpis,
      tile('办结任务', String(total.handled), '', rangeText(asked)),
      tile('按时办结率', rate({ ...total, avgWorkdays: null }), 'kpi-green'),
      tile('黄色办结', String(total.yellow), total.yellow ? 'kpi-yellow' : ''),
      tile('超期办结', String(total.red), total.red ? 'kpi-red' : ''),
      tile('超期未办', String(total.openOverdue), total.openOverdue ? 'kpi-red' : '', '当前'),
    );
    drawCharts(s);
    mount(unitsHost, s.units.length ? figuresTable(s.units.map((u) => ({ ...u, key: u.unitId, name: u.unitName, unit: null }))) : empty('本期没有办结任务。'));
    mount(peopleHost, s.people.length ? figuresTable(s.people.map((p) => ({ ...p, key: p.userId, name: p.displayName, unit: unitLabel(p.unitId) }))) : empty('本期没有办结任务。'));
  }

  function drawCharts(s: AppraisalStats): void {
    charts.splice(0).forEach((c) => c.destroy());
    const units = s.units.filter((u) => u.handled > 0);
    // The ten people who handled most (the tables list everyone).
    const people = s.people.filter((p) => p.handled > 0).slice(0, 10);
    const describe = (rows: Array<Figures & { label: string }>) => rows.map((r) => `${r.label} 按时 ${r.onTime}、黄色 ${r.yellow}、红色 ${r.red}`).join('；');
    const unitRows = units.map((u) => ({ ...u, label: u.unitName }));
    const personRows = people.map((p) => ({ ...p, label: p.displayName }));
    const byUnit = h('canvas', { role: 'img', 'aria-label': `各单位办结情况：${describe(unitRows)}` });
    const byPerson = h('canvas', { role: 'img', 'aria-label': `各人员办结情况：${describe(personRows)}` });
    const height = (n: number) => `${Math.max(180, n * 34 + 70)}px`;
    mount(
      chartHost,
      h('div', { class: 'card' }, h('h2', '各单位办结情况'), units.length ? h('div', { class: 'chart-box', style: { height: height(units.length) } }, byUnit) : empty('本期没有办结任务。')),
      h('div', { class: 'card' }, h('h2', people.length < s.people.filter((p) => p.handled > 0).length ? '各人员办结情况（办结最多的 10 人）' : '各人员办结情况'), people.length ? h('div', { class: 'chart-box', style: { height: height(people.length) } }, byPerson) : empty('本期没有办结任务。')),
    );
    if (units.length) charts.push(stackedBar(byUnit, unitRows));
    if (people.length) charts.push(stackedBar(byPerson, personRows));
  }

  await load();
}

/** On time / yellow / red, stacked, one bar per unit or person. */
function stackedBar(canvas: HTMLCanvasElement, rows: Array<Figures & { label: string }>): Chart {
  const dataset = (label: string, colour: string, pick: (r: Figures) => number) => ({ label, data: rows.map(pick), backgroundColor: colour, maxBarThickness: 24 });
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label),
      datasets: [dataset('按时', LEVEL_COLOURS.green, (r) => r.onTime), dataset('黄色', LEVEL_COLOURS.yellow, (r) => r.yellow), dataset('红色（超期）', LEVEL_COLOURS.red, (r) => r.red)],
    },
    options: {
      indexAxis: 'y',
      maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom' } },
      scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
    },
  });
}

type Row = Figures & { key: string; name: string; unit: string | null };

function figuresTable(rows: Row[]): HTMLElement {
  const withUnit = rows.some((r) => r.unit !== null);
  const head = ['名称', ...(withUnit ? ['单位'] : []), '办结', '按时', '黄色', '红色', '按时率', '平均工作日', '超期未办', '被催办', '追责案件'];
  const n = (v: number, cls?: string) => h('td', { class: 'num' }, v && cls ? h('span', { class: cls }, String(v)) : String(v));
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table compact stats-table' },
      h('thead', h('tr', head.map((t, i) => h('th', { scope: 'col', class: i >= (withUnit ? 2 : 1) ? 'num' : null }, t)))),
      h(
        'tbody',
        rows.map((r) =>
          h(
            'tr',
            { 'data-key': r.key },
            h('td', h('strong', r.name)),
            withUnit ? h('td', r.unit ?? '—') : null,
            n(r.handled),
            n(r.onTime),
            n(r.yellow, 'text-yellow'),
            n(r.red, 'text-red'),
            h('td', { class: 'num' }, rate(r)),
            h('td', { class: 'num' }, days(r.avgWorkdays)),
            n(r.openOverdue, 'text-red'),
            n(r.reminded ?? 0, 'text-yellow'),
            n(r.accountability, 'text-red'),
          ),
        ),
      ),
    ),
  );
}
