/**
 * 预警与追责 (Art. 13): power-item cases in the yellow or red band of their promised time limit
 * (a red one has opened an accountability review by itself), and the suggested account-sharing
 * cases (Art. 13 (3)) that supervision confirms — starting an accountability review — or dismisses
 * with a reason.
 */
import { api, ApiError, type CaseWarning, type Suggestion } from '../api.ts';
import { ask, empty, h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime, fmtDue } from '../format.ts';
import { userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { catalogItems } from './catalog.ts';
import { monitorTabs, pageHead } from './supervision-shared.ts';
import { loadRuleWarnings } from './rule-warnings.ts';

export const title = '预警与追责';

const KIND: Record<string, string> = { 'two-ips': '两个地址同时登录', 'failed-burst-foreign-machine': '在他人终端连续失败后登录', 'rule-warning-red-card': '督办红牌：逾期未答复' };
const STATUS: Array<[Suggestion['status'], string]> = [
  ['open', '待确认'],
  ['confirmed', '已立案'],
  ['dismissed', '已排除'],
];

interface LoginEvent {
  ip?: string | null;
  at?: number;
  success?: boolean;
}

/** The sign-in records behind a suggestion, as lines a person reads. */
function evidenceLines(evidence: unknown): string[] {
  const e = (evidence ?? {}) as Record<string, unknown>;
  const line = (label: string, ev: LoginEvent) => `${label}：${fmtDateTime(ev.at ?? null)}，地址 ${ev.ip ?? '—'}，${ev.success === false ? '失败' : '成功'}`;
  const out: string[] = [];
  if (e.first) out.push(line('第一次登录', e.first as LoginEvent));
  if (e.second) out.push(line('第二次登录', e.second as LoginEvent));
  if (Array.isArray(e.failures)) (e.failures as LoginEvent[]).forEach((f, i) => out.push(line(`失败 ${i + 1}`, f)));
  if (e.success) out.push(line('登录成功', e.success as LoginEvent));
  if (typeof e.usualUser === 'string') out.push(`该终端的常用人员：${userLabel(e.usualUser)}`);
  return out.length ? out : [JSON.stringify(evidence)];
}

export async function render(ctx: PageContext): Promise<void> {
  let status: Suggestion['status'] = (STATUS.find(([s]) => s === ctx.query.get('status'))?.[0]) ?? 'open';
  const casesHost = h('div', loading());
  const suggestionsHost = h('div', loading());
  const ruleHost = h('div', loading());
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': '线索状态' });
  const drawTabs = () =>
    mount(
      tabs,
      STATUS.map(([s, label]) =>
        h('button', { type: 'button', role: 'tab', class: 'tab', 'aria-selected': String(s === status), onclick: () => {
          status = s;
          history.replaceState(null, '', s === 'open' ? location.pathname : `${location.pathname}?status=${s}`);
          drawTabs();
          void loadSuggestions();
        } }, label),
      ),
    );
  drawTabs();
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page warnings-page' },
      monitorTabs(),
      pageHead('预警与追责', '权力事项办件按承诺时限预警：用时达 80% 为黄色，超过时限为红色并自动启动责任追究（第十三条第（二）项）。疑似账号共用或出借的线索须经监察室确认后才立案（第十三条第（三）项）。'),
      h('div', { class: 'card' }, h('h2', '办件预警'), casesHost),
      h('div', { class: 'card rule-warnings-card' }, h('h2', '规则预警与督办'), ruleHost),
      h('div', { class: 'card' }, h('h2', '疑似账号共用线索'), tabs, suggestionsHost),
    ),
  );

  async function loadCases(): Promise<void> {
    const [{ items }, catalog] = await Promise.all([api.get<{ items: CaseWarning[] }>('/api/case-warnings'), catalogItems().catch(() => null)]);
    if (!ctx.alive()) return;
    const item = new Map((catalog ?? []).map((i) => [i.code, i]));
    mount(
      casesHost,
      items.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact cases-table' },
              h('thead', h('tr', ['预警', '权力事项', '承诺期限', '自动追责', ''].map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                items.map((c) =>
                  h(
                    'tr',
                    { class: `level-${c.level}`, 'data-instance': c.instanceId },
                    h('td', h('span', { class: `level-tag level-tag-${c.level}` }, c.level === 'red' ? '红色：已超承诺时限' : '黄色：临近承诺时限')),
                    h('td', item.get(c.itemCode)?.name ?? c.itemCode, h('div', { class: 'cell-sub' }, c.itemCode, item.get(c.itemCode)?.promisedDays ? ` · 承诺 ${item.get(c.itemCode)!.promisedDays} 个工作日` : '')),
                    h('td', { class: 'nowrap' }, fmtDue(c.dueAt)),
                    h('td', c.accountabilityQueuedAt ? `已于 ${fmtDateTime(c.accountabilityQueuedAt)} 启动` : '—'),
                    h('td', { class: 'cell-actions' }, h('a', { class: 'btn btn-small', href: `/monitor/instances/${encodeURIComponent(c.instanceId)}` }, '查看办件')),
                  ),
                ),
              ),
            ),
          )
        : empty('没有处于预警中的办件。', '办件临近或超过期限时会在这里出现。'),
    );
  }

  async function loadSuggestions(): Promise<void> {
    const asked = status;
    mount(suggestionsHost, loading());
    const { items } = await api.get<{ items: Suggestion[] }>('/api/accountability-suggestions', { status: asked });
    if (!ctx.alive() || asked !== status) return;
    mount(
      suggestionsHost,
      items.length
        ? h('ul', { class: 'suggestions' }, items.map(suggestionItem))
        : empty(asked === 'open' ? '没有待确认的线索。' : asked === 'confirmed' ? '没有已立案的线索。' : '没有已排除的线索。'),
    );
  }

  function suggestionItem(s: Suggestion): HTMLElement {
    const who = userLabel(s.userId);
    const act = async (ev: Event, kind: 'confirm' | 'dismiss') => {
      const text =
        kind === 'confirm'
          ? await ask({ title: '确认立案', message: `将按第十三条第（三）项对 ${who} 启动责任追究流程，并由监察室调查核实。`, input: '事实经过（可不填；10 字以上时代替线索描述）', ok: '确认立案' })
          : await ask({ title: '排除线索', message: `排除后该线索不再立案，排除原因记入审计日志。`, input: '排除原因', required: true, ok: '排除' });
      if (text === null) return;
      const buttons = (ev.target as HTMLElement).closest('li')!.querySelectorAll('button');
      buttons.forEach((b) => (b.disabled = true));
      try {
        if (kind === 'confirm') {
          await api.post(`/api/accountability-suggestions/${encodeURIComponent(s.id)}/confirm`, text ? { facts: text } : {});
          toast('已立案：责任追究流程已启动');
        } else {
          await api.post(`/api/accountability-suggestions/${encodeURIComponent(s.id)}/dismiss`, { reason: text });
          toast('线索已排除');
        }
        await loadSuggestions();
      } catch (err) {
        buttons.forEach((b) => (b.disabled = false));
        if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
      }
    };
    return h(
      'li',
      { class: 'suggestion', 'data-suggestion': s.id },
      h(
        'div',
        { class: 'suggestion-head' },
        h('strong', who),
        h('span', { class: 'tag' }, KIND[s.kind] ?? s.kind),
        h('span', { class: 'cell-sub' }, `发现于 ${fmtDateTime(s.createdAt)}`),
      ),
      h('p', { class: 'suggestion-reason' }, s.reason),
      h('details', { class: 'evidence' }, h('summary', '登录记录'), h('ul', evidenceLines(s.evidence).map((l) => h('li', l)))),
      s.status === 'open'
        ? h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: (ev: Event) => void act(ev, 'confirm') }, '确认立案'),
            h('button', { type: 'button', class: 'btn btn-small', onclick: (ev: Event) => void act(ev, 'dismiss') }, '排除'),
          )
        : h(
            'p',
            { class: 'cell-sub' },
            `${s.status === 'confirmed' ? '已立案' : '已排除'}：${userLabel(s.decidedBy)}，${fmtDateTime(s.decidedAt)}`,
            s.instanceId ? [' · ', h('a', { href: `/monitor/instances/${encodeURIComponent(s.instanceId)}` }, '查看追责流程')] : null,
          ),
    );
  }

  const guard = (p: Promise<void>, host: HTMLElement) =>
    p.catch((err) => {
      if (err instanceof ApiError && err.status === 401) return;
      mount(host, h('p', { class: 'form-error' }, (err as Error).message));
    });
  await Promise.all([guard(loadCases(), casesHost), guard(loadSuggestions(), suggestionsHost), guard(loadRuleWarnings(ruleHost, ctx.alive), ruleHost)]);
}
