/**
 * The monitor (监察) for the supervision office: the audit-chain check, counts per process,
 * current activity and unit, the overdue list by warning level, incidents with retry, and all
 * instances with filters, each opening its instance page.
 */
import { Chart } from '../charts.ts';
import { dateInput } from '../date-input.ts';
import { api, ApiError, type AuditVerify, type CalendarCoverage, type Definition, type Incident, type Instance, type Task } from '../api.ts';
import { debounce, empty, field, h, loading, mount, showPager, toast } from '../dom.ts';
import { fmtDateTime, WARNING_LABEL } from '../format.ts';
import { allUnits, candidatesLabel, processNames, userLabel, userUnitLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { warningMarker } from './inbox.ts';
import { retryIncident } from './instance.ts';
import { remindButton } from './remind.ts';
import { statusTag } from './shared.ts';
import { monitorTabs } from './supervision-shared.ts';

export const title = '监察';

interface Summary {
  at: string;
  running: number;
  processes: Array<{ processKey: string; running: number }>;
  activities: Array<{ processKey: string; elementId: string; name: string | null; kind: string; count: number }>;
  tasks: { green: number; yellow: number; red: number; none: number; open: number };
  incidents: { open: number; perProcess: Array<{ processKey: string | null; open: number }> };
  units: Array<{ unitId: string | null; unitName: string | null; running: number; openTasks: number; tasks: { green: number; yellow: number; red: number; none: number }; incidents: number }>;
  calendar?: CalendarCoverage;
}

const KIND: Record<string, string> = { userTask: '人工任务', timer: '定时器', service: '自动处理', message: '等待消息', 'message-out': '发送消息' };
const PAGE_SIZE = 15;

export async function render(ctx: PageContext): Promise<void> {
  mount(ctx.root, loading());
  const names = await processNames().catch(() => new Map<string, string>());
  const defs: Definition[] = await api.get<any>('/api/process-definitions').then((b) => b.items ?? b).catch(() => []);
  if (!ctx.alive()) return;
  const charts: Chart[] = [];
  ctx.onLeave(() => charts.forEach((c) => c.destroy()));

  const auditHost = h('div', { class: 'audit-check', role: 'status' }, loading('正在校验审计链…'));
  const kpis = h('div', { class: 'kpis' });
  const calendarHost = h('div', { class: 'calendar-coverage' });
  const chartsRow = h('div', { class: 'grid-2' });
  const activitiesHost = h('div');
  const unitsHost = h('div');
  const overdueHost = h('div', loading());
  const incidentsHost = h('div', loading());
  const instancesHost = h('div');
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });
  const stamp = h('span', { class: 'page-sub' });

  const f = {
    key: h('select', { class: 'select-process' }, h('option', { value: '' }, '全部流程'), defs.map((d) => h('option', { value: d.key }, d.name ?? d.key))),
    status: h('select', [['running', '办理中'], ['', '全部'], ['completed', '已办结'], ['cancelled', '已撤销']].map(([v, l]) => h('option', { value: v }, l))),
    unit: h('select', h('option', { value: '' }, '全部单位'), allUnits().map((u) => h('option', { value: u.id }, u.name))),
    startedBy: h('input', { type: 'search', placeholder: '用户名', autocomplete: 'off' }),
    businessKey: h('input', { type: 'search', placeholder: '业务编号' }),
    q: h('input', { type: 'search', placeholder: '流水号、事项标题或申请人' }),
    startedFrom: dateInput({ id: 'started-from' }),
    startedTo: dateInput({ 'aria-label': '发起日期（止）' }),
    overdue: h('input', { type: 'checkbox' }),
  };
  let pageNo = 1;

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page monitor-page' },
      monitorTabs(),
      h('div', { class: 'page-head' }, h('div', h('h1', '监察'), stamp), h('button', { type: 'button', class: 'btn', onclick: () => void refresh() }, '刷新')),
      auditHost,
      calendarHost,
      kpis,
      chartsRow,
      h('div', { class: 'grid-2' }, h('div', { class: 'card' }, h('h2', '当前环节分布'), activitiesHost), h('div', { class: 'card' }, h('h2', '各单位运行情况'), unitsHost)),
      h('div', { class: 'grid-2' }, h('div', { class: 'card' }, h('h2', '超期与预警任务'), overdueHost), h('div', { class: 'card' }, h('h2', '异常'), incidentsHost)),
      h(
        'div',
        { class: 'card' },
        h('h2', '流程实例'),
        h(
          'form',
          { class: 'filters', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); pageNo = 1; void loadInstances(); } },
          field('流程', f.key),
          field('状态', f.status),
          field('发起单位', f.unit),
          field('发起人', f.startedBy),
          field('案件', f.q),
          field('业务编号', f.businessKey),
          h('div', { class: 'field' }, h('label', { for: 'started-from' }, '发起日期'), h('div', { class: 'date-range' }, f.startedFrom, h('span', { 'aria-hidden': 'true' }, '至'), f.startedTo)),
          h('label', { class: 'check' }, f.overdue, '含超期任务'),
        ),
        instancesHost,
        pager,
      ),
    ),
  );
  for (const el of [f.key, f.status, f.unit, f.startedFrom, f.startedTo, f.overdue]) el.addEventListener('change', () => { pageNo = 1; void loadInstances(); });
  for (const el of [f.startedBy, f.businessKey, f.q]) el.addEventListener('input', debounce(() => { pageNo = 1; void loadInstances(); }, 400));

  const pname = (k: string | null) => (k ? (names.get(k) ?? k) : '（无）');

  // The last kept verification (every node re-checks periodically); 立即校验 re-hashes the chain now.
  async function loadAudit(now = false): Promise<void> {
    try {
      const v = await api.get<AuditVerify>(now ? '/api/audit/verify' : '/api/audit/verification');
      const when = v.verifiedAt ? `${fmtDateTime(v.verifiedAt)} ` : '';
      const again = h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => void loadAudit(true) }, '立即校验');
      mount(
        auditHost,
        v.ok
          ? h('p', { class: 'notice notice-ok' }, h('strong', '审计链完整'), `：${when}已校验 ${v.checked} 条审计记录，未发现修改或删除。`, again)
          : h('p', { class: 'notice notice-error' }, h('strong', '审计链异常'), `：${v.reason ?? `第 ${v.firstBrokenAt} 条记录起校验失败`}（${when}已校验 ${v.checked} 条）。请立即核查。`, again),
      );
    } catch (err) {
      mount(auditHost, h('p', { class: 'notice notice-error' }, `审计链校验失败：${(err as Error).message}`));
    }
  }

  async function loadSummary(): Promise<void> {
    const s = await api.get<Summary>('/api/monitor/summary');
    if (!ctx.alive()) return;
    stamp.textContent = `数据时间 ${fmtDateTime(s.at)}`;
    // The working calendar must know the holidays of the next 90 days (issue 13, item 11).
    mount(calendarHost, s.calendar?.warning ? h('p', { class: 'notice notice-warn', role: 'alert' }, s.calendar.warning, ' ', h('a', { href: `/calendar?year=${s.calendar.missingYears[0]}` }, '去录入')) : null);
    const tile = (label: string, value: number, cls = '', hint?: string) => h('div', { class: `kpi ${cls}` }, h('span', { class: 'kpi-value' }, String(value)), h('span', { class: 'kpi-label' }, label), hint ? h('small', hint) : null);
    mount(
      kpis,
      tile('运行中实例', s.running),
      tile('待办任务', s.tasks.open),
      tile('临近期限', s.tasks.yellow, 'kpi-yellow', '已用时限 ≥ 80%'),
      tile('已超期', s.tasks.red, 'kpi-red'),
      tile('未处理异常', s.incidents.open, s.incidents.open ? 'kpi-red' : ''),
    );
    charts.splice(0).forEach((c) => c.destroy());
    const bar = h('canvas', { role: 'img', 'aria-label': `各流程运行中实例：${s.processes.map((p) => `${pname(p.processKey)} ${p.running}`).join('，')}` });
    const pie = h('canvas', { role: 'img', 'aria-label': `待办期限分布：正常 ${s.tasks.green}，临近期限 ${s.tasks.yellow}，已超期 ${s.tasks.red}，无时限 ${s.tasks.none}` });
    mount(
      chartsRow,
      h('div', { class: 'card' }, h('h2', '各流程运行中实例'), s.processes.length ? h('div', { class: 'chart-box' }, bar) : empty('当前没有运行中的实例。')),
      h('div', { class: 'card' }, h('h2', '待办期限分布'), s.tasks.open ? h('div', { class: 'chart-box' }, pie) : empty('当前没有待办任务。')),
    );
    if (s.processes.length) {
      charts.push(
        new Chart(bar, {
          type: 'bar',
          data: { labels: s.processes.map((p) => pname(p.processKey)), datasets: [{ label: '运行中', data: s.processes.map((p) => p.running), backgroundColor: '#2f6fb5', maxBarThickness: 26 }] },
          options: { indexAxis: 'y', maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
        }),
      );
    }
    if (s.tasks.open) {
      charts.push(
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
    mount(
      activitiesHost,
      s.activities.length
        ? h(
            'table',
            { class: 'table compact' },
            h('thead', h('tr', ['流程', '环节', '类型', '数量'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', s.activities.map((a) => h('tr', h('td', pname(a.processKey)), h('td', a.name ?? a.elementId), h('td', KIND[a.kind] ?? a.kind), h('td', { class: 'num' }, String(a.count))))),
          )
        : empty('没有停留中的环节。'),
    );
    mount(
      unitsHost,
      s.units.length
        ? h(
            'table',
            { class: 'table compact' },
            h('thead', h('tr', ['单位', '运行中', '待办', '临近', '超期', '异常'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              s.units.map((u) =>
                h('tr', h('td', u.unitName ?? '（未知单位）'), h('td', { class: 'num' }, String(u.running)), h('td', { class: 'num' }, String(u.openTasks)), h('td', { class: 'num' }, u.tasks.yellow ? h('span', { class: 'text-yellow' }, String(u.tasks.yellow)) : '0'), h('td', { class: 'num' }, u.tasks.red ? h('span', { class: 'text-red' }, String(u.tasks.red)) : '0'), h('td', { class: 'num' }, String(u.incidents))),
              ),
            ),
          )
        : empty('暂无数据。'),
    );
  }

  async function loadOverdue(): Promise<void> {
    const { items } = await api.page<Task>('/api/tasks', { all: true, sort: 'due', limit: 200 });
    if (!ctx.alive()) return;
    const groups: Array<['red' | 'yellow', Task[]]> = [
      ['red', items.filter((t) => t.warning === 'red')],
      ['yellow', items.filter((t) => t.warning === 'yellow')],
    ];
    const any = groups.some(([, l]) => l.length);
    mount(
      overdueHost,
      any
        ? groups.map(([level, list]) =>
            list.length
              ? h(
                  'div',
                  { class: `overdue-group overdue-${level}` },
                  h('h3', `${WARNING_LABEL[level]}（${list.length}）`),
                  h(
                    'table',
                    { class: 'table compact' },
                    h('thead', h('tr', ['期限', '任务', '流程', '办理人', ''].map((t) => h('th', { scope: 'col' }, t)))),
                    h(
                      'tbody',
                      list.map((t) =>
                        h(
                          'tr',
                          { class: `level-${t.warning}`, 'data-task': t.id },
                          h('td', warningMarker(t)),
                          h('td', h('a', { href: `/monitor/instances/${encodeURIComponent(t.instanceId)}` }, t.name ?? t.elementId)),
                          h('td', pname(t.processKey), t.businessKey ? h('div', { class: 'cell-sub' }, t.businessKey) : null),
                          h('td', t.assignee ? userLabel(t.assignee) : `待认领（${candidatesLabel(t) || '—'}）`),
                          h('td', { class: 'cell-actions' }, remindButton(t)),
                        ),
                      ),
                    ),
                  ),
                )
              : null,
          )
        : empty('没有超期或临近期限的任务。'),
    );
  }

  async function loadIncidents(): Promise<void> {
    const { items } = await api.page<Incident>('/api/incidents', { status: 'open', limit: 50 });
    if (!ctx.alive()) return;
    mount(
      incidentsHost,
      items.length
        ? h(
            'ul',
            { class: 'incident-list' },
            items.map((i) =>
              h(
                'li',
                h('div', h('strong', i.elementId ?? '—'), ' ', h('span', { class: 'cell-sub' }, fmtDateTime(i.createdAt)), i.instanceId ? [' · ', h('a', { href: `/monitor/instances/${encodeURIComponent(i.instanceId)}` }, '查看实例')] : null),
                h('p', { class: 'error-text' }, i.message),
                h('button', { type: 'button', class: 'btn btn-small', onclick: async (ev: Event) => {
                  const b = ev.target as HTMLButtonElement;
                  b.disabled = true;
                  try {
                    await retryIncident(i);
                    toast('已提交重试');
                    await Promise.all([loadIncidents(), loadSummary()]);
                  } catch (err) {
                    b.disabled = false;
                    if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
                  }
                } }, '重试'),
              ),
            ),
          )
        : empty('没有未处理的异常。', '自动处理的环节出错时会在这里列出，可在修复原因后重试。'),
    );
  }

  async function loadInstances(): Promise<void> {
    const { items, total } = await api.page<Instance>('/api/process-instances', {
      key: f.key.value || undefined,
      status: f.status.value || undefined,
      unit: f.unit.value || undefined,
      startedBy: f.startedBy.value.trim() || undefined,
      businessKey: f.businessKey.value.trim() || undefined,
      q: f.q.value.trim() || undefined,
      // Calendar days in Beijing time; the end day is included.
      startedFrom: f.startedFrom.value ? beijingDayStart(f.startedFrom.value) : undefined,
      startedTo: f.startedTo.value ? beijingDayStart(f.startedTo.value, 1) : undefined,
      overdue: f.overdue.checked || undefined,
      limit: PAGE_SIZE,
      offset: (pageNo - 1) * PAGE_SIZE,
    });
    if (!ctx.alive()) return;
    mount(
      instancesHost,
      items.length
        ? h(
            'table',
            { class: 'table compact instances-table' },
            h('thead', h('tr', ['流水号 / 事项', '流程', '发起人', '发起单位', '发起时间', '状态', ''].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              items.map((i) =>
                h(
                  'tr',
                  { 'data-instance': i.id },
                  h('td', { class: 'cell-main' }, h('span', { class: 'case-no' }, i.caseNumber ?? i.businessKey ?? '—'), i.subject ? h('div', { class: 'cell-sub' }, i.subject) : null),
                  h('td', pname(i.processKey), i.businessKey ? h('div', { class: 'cell-sub' }, i.businessKey) : null),
                  h('td', userLabel(i.startedBy, i.startedByName)),
                  h('td', userUnitLabel(i.startedBy)),
                  h('td', fmtDateTime(i.startedAt)),
                  h('td', statusTag(i.status)),
                  h('td', h('a', { class: 'btn btn-small', href: `/monitor/instances/${encodeURIComponent(i.id)}` }, '查看')),
                ),
              ),
            ),
          )
        : empty('没有符合条件的实例。', '请放宽筛选条件，例如清除单位或发起日期。'),
    );
    showPager(pager, { page: pageNo, total, size: PAGE_SIZE, unit: '个', countAlone: true, go: (p) => { pageNo = p; void loadInstances(); } });
  }

  const guard = (p: Promise<void>, host: HTMLElement) =>
    p.catch((err) => {
      if (err instanceof ApiError && err.status === 401) return;
      mount(host, h('p', { class: 'form-error' }, (err as Error).message));
    });

  async function refresh(): Promise<void> {
    await Promise.all([guard(loadAudit(), auditHost), guard(loadSummary(), kpis), guard(loadOverdue(), overdueHost), guard(loadIncidents(), incidentsHost), guard(loadInstances(), instancesHost)]);
  }
  await refresh();
}

/** `2026-11-01` (+ days) as the instant its day begins in Beijing, in ISO 8601. */
function beijingDayStart(date: string, plusDays = 0): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + plusDays * 86_400_000).toISOString();
}
