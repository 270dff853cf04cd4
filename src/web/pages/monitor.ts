/**
 * The monitor (监察) for the supervision office: the audit-chain check, counts per process,
 * current activity and unit, the overdue list by warning level, incidents with retry, and all
 * instances with filters, each opening its instance page. The overview and the lists are drawn by
 * monitor-summary.ts and monitor-lists.ts.
 */
import { dateInput } from '../date-input.ts';
import { api, ApiError, type AuditVerify, type Definition, type Instance } from '../api.ts';
import type { Chart } from '../charts.ts';
import { debounce, field, h, loading, mount, showPager } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { allUnits, processNames } from '../names.ts';
import type { PageContext } from '../router.ts';
import { monitorTabs } from './supervision-shared.ts';
import { instancesTable, loadIncidents, loadOverdue } from './monitor-lists.ts';
import { loadSummary, type SummaryHosts } from './monitor-summary.ts';

export const title = '监察';

const PAGE_SIZE = 15;

type Filters = ReturnType<typeof filterControls>;

/** The instance filters (流程, 状态, 单位, 发起人, 案件, 业务编号, 发起日期, 含超期任务). */
function filterControls(defs: Definition[]) {
  return {
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
}

/** The query of `/api/process-instances` for the filters' values and a page. */
function instanceQuery(f: Filters, pageNo: number) {
  return {
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
  };
}

/** The last kept verification (every node re-checks periodically); 立即校验 re-hashes the chain now. */
async function loadAudit(host: HTMLElement, now = false): Promise<void> {
  try {
    const v = await api.get<AuditVerify>(now ? '/api/audit/verify' : '/api/audit/verification');
    const when = v.verifiedAt ? `${fmtDateTime(v.verifiedAt)} ` : '';
    const again = h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => void loadAudit(host, true) }, '立即校验');
    mount(
      host,
      v.ok
        ? h('p', { class: 'notice notice-ok' }, h('strong', '审计链完整'), `：${when}已校验 ${v.checked} 条审计记录，未发现修改或删除。`, again)
        : h('p', { class: 'notice notice-error' }, h('strong', '审计链异常'), `：${v.reason ?? `第 ${v.firstBrokenAt} 条记录起校验失败`}（${when}已校验 ${v.checked} 条）。请立即核查。`, again),
    );
  } catch (err) {
    mount(host, h('p', { class: 'notice notice-error' }, `审计链校验失败：${(err as Error).message}`));
  }
}

/** Shows a failed part's message in its place (a 401 leads to sign-in elsewhere). */
const guard = (p: Promise<unknown>, host: HTMLElement) =>
  p.catch((err) => {
    if (err instanceof ApiError && err.status === 401) return;
    mount(host, h('p', { class: 'form-error' }, (err as Error).message));
  });

export async function render(ctx: PageContext): Promise<void> {
  mount(ctx.root, loading());
  // Both at once: on a slow link each round trip counts.
  const [names, defs] = await Promise.all([
    processNames().catch(() => new Map<string, string>()),
    api.get<any>('/api/process-definitions').then((b): Definition[] => b.items ?? b).catch((): Definition[] => []),
  ]);
  if (!ctx.alive()) return;
  const pname = (k: string | null) => (k ? (names.get(k) ?? k) : '（无）');
  const drawn: Chart[] = [];
  ctx.onLeave(() => drawn.forEach((c) => c.destroy()));
  const summary: SummaryHosts = { stamp: h('span', { class: 'page-sub' }), calendar: h('div', { class: 'calendar-coverage' }), kpis: h('div', { class: 'kpis' }), charts: h('div', { class: 'grid-2' }), activities: h('div'), units: h('div'), drawn };
  const auditHost = h('div', { class: 'audit-check', role: 'status' }, loading('正在校验审计链…'));
  const overdueHost = h('div', loading());
  const incidentsHost = h('div', loading());
  const instancesHost = h('div');
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });
  const f = filterControls(defs);
  let pageNo = 1;

  const loadInstances = async (): Promise<void> => {
    const { items, total } = await api.page<Instance>('/api/process-instances', instanceQuery(f, pageNo));
    if (!ctx.alive()) return;
    mount(instancesHost, instancesTable(items, pname));
    showPager(pager, { page: pageNo, total, size: PAGE_SIZE, unit: '个', countAlone: true, go: (p) => { pageNo = p; void loadInstances(); } });
  };
  const reloadInstances = () => {
    pageNo = 1;
    void loadInstances();
  };
  const summaryNow = () => loadSummary(summary, pname, ctx.alive);
  // After a 重试 both reload; a failure there is the retry button's to report.
  const incidentsNow = (): Promise<void> => loadIncidents(incidentsHost, ctx.alive, () => Promise.all([incidentsNow(), summaryNow()]));
  const refresh = () =>
    Promise.all([guard(loadAudit(auditHost), auditHost), guard(summaryNow(), summary.kpis), guard(loadOverdue(overdueHost, pname, ctx.alive), overdueHost), guard(incidentsNow(), incidentsHost), guard(loadInstances(), instancesHost)]);

  mount(ctx.root, pageShell({ summary, auditHost, overdueHost, incidentsHost, instancesHost, pager, f, refresh, reloadInstances }));
  for (const el of [f.key, f.status, f.unit, f.startedFrom, f.startedTo, f.overdue]) el.addEventListener('change', reloadInstances);
  for (const el of [f.startedBy, f.businessKey, f.q]) el.addEventListener('input', debounce(reloadInstances, 400));
  await refresh();
}

interface Shell {
  summary: SummaryHosts;
  auditHost: HTMLElement;
  overdueHost: HTMLElement;
  incidentsHost: HTMLElement;
  instancesHost: HTMLElement;
  pager: HTMLElement;
  f: Filters;
  refresh: () => Promise<unknown>;
  reloadInstances: () => void;
}

/** The page: head with 刷新, the audit check, the overview, the lists and the instance search. */
function pageShell(p: Shell): HTMLElement {
  const { summary: s, f } = p;
  return h(
    'section',
    { class: 'page monitor-page' },
    monitorTabs(),
    h('div', { class: 'page-head' }, h('div', h('h1', '监察'), s.stamp), h('button', { type: 'button', class: 'btn', onclick: () => void p.refresh() }, '刷新')),
    p.auditHost,
    s.calendar,
    s.kpis,
    s.charts,
    h('div', { class: 'grid-2' }, h('div', { class: 'card' }, h('h2', '当前环节分布'), s.activities), h('div', { class: 'card' }, h('h2', '各单位运行情况'), s.units)),
    h('div', { class: 'grid-2' }, h('div', { class: 'card' }, h('h2', '超期与预警任务'), p.overdueHost), h('div', { class: 'card' }, h('h2', '异常'), p.incidentsHost)),
    h(
      'div',
      { class: 'card' },
      h('h2', '流程实例'),
      h(
        'form',
        { class: 'filters', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); p.reloadInstances(); } },
        field('流程', f.key),
        field('状态', f.status),
        field('发起单位', f.unit),
        field('发起人', f.startedBy),
        field('案件', f.q),
        field('业务编号', f.businessKey),
        h('div', { class: 'field' }, h('label', { for: 'started-from' }, '发起日期'), h('div', { class: 'date-range' }, f.startedFrom, h('span', { 'aria-hidden': 'true' }, '至'), f.startedTo)),
        h('label', { class: 'check' }, f.overdue, '含超期任务'),
      ),
      p.instancesHost,
      p.pager,
    ),
  );
}

/** `2026-11-01` (+ days) as the instant its day begins in Beijing, in ISO 8601. */
function beijingDayStart(date: string, plusDays = 0): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`) + plusDays * 86_400_000).toISOString();
}
