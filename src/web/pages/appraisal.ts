/**
 * 考核评分 (issue 18, item 7; Art. 4): the month's or year's score sheets per unit and person with
 * the evidence behind every lost point, CSV and PDF downloads, and the scoring scheme — which
 * supervision may propose to change and a discipline committee member (not the proposer) approves.
 */
import { api, ApiError } from '../api.ts';
import { empty, field, h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import type { PageContext } from '../router.ts';
import { inAnyGroup } from '../session.ts';
import { monitorTabs, pageHead, saveBlob } from './supervision-shared.ts';

export const title = '考核评分';

interface Evidence { kind: string; at: string; text: string; caseNumber?: string | null; deduction: number }
interface Indicator { key: string; label: string; weight: number; score: number; points: number; basis: string; evidence: Evidence[] }
interface Sheet { subjectKind: 'person' | 'unit'; id: string; name: string; unitName: string | null; total: number; indicators: Indicator[]; accountability: { deduction: number; evidence: Evidence[] } }
interface Sheets { period: { key: string; label: string }; scheme: { version: number }; units: Sheet[]; people: Sheet[] }
interface SchemeView {
  version: number;
  weights: Record<string, number>;
  deductions: Record<string, number>;
  approvedBy: string | null;
  indicators: Array<{ key: string; label: string; how: string }>;
  deductionItems: Array<{ key: string; label: string }>;
  pending: { id: string; requestedBy: string; reason: string; proposal: { weights: Record<string, number>; deductions: Record<string, number> } } | null;
}

const thisMonth = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

export async function render(ctx: PageContext): Promise<void> {
  const periodKey = /^\d{4}(-\d{2})?$/.test(ctx.query.get('period') ?? '') ? ctx.query.get('period')! : thisMonth();
  const year = periodKey.slice(0, 4);
  const yearSel = h('select', { 'aria-label': '年度' }, [Number(year) - 1, Number(year), Number(year) + 1].map((y) => h('option', { value: String(y), selected: String(y) === year }, `${y} 年`))) as HTMLSelectElement;
  const monthSel = h('select', { 'aria-label': '月份' }, h('option', { value: '' }, '全年'), Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0')).map((m) => h('option', { value: m, selected: periodKey.slice(5) === m }, `${Number(m)} 月`))) as HTMLSelectElement;
  const go = () => {
    const key = monthSel.value ? `${yearSel.value}-${monthSel.value}` : yearSel.value;
    history.pushState(null, '', `${location.pathname}?period=${key}`);
    void render(ctx);
  };
  yearSel.onchange = go;
  monthSel.onchange = go;
  const file = (ext: 'csv' | 'pdf') =>
    h('button', { type: 'button', class: 'btn', onclick: async () => {
      try {
        const f = await api.download(`/api/appraisal/sheets.${ext}`, { period: periodKey }, `appraisal-${periodKey}.${ext}`);
        saveBlob(f.blob, f.filename);
      } catch (err) {
        if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
      }
    } }, ext === 'csv' ? '下载 CSV' : '下载 PDF');
  const sheetsHost = h('div', loading());
  const schemeHost = h('div', loading());
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page appraisal-page' },
      monitorTabs(),
      pageHead('考核评分', '《办法》第四条：网上运行情况纳入绩效考核和作风建设考评。各项满分 100，按评分方案的权重折算，再减责任追究扣分；权力事项与内部事务分开计算。', file('csv'), file('pdf')),
      h('div', { class: 'toolbar' }, yearSel, monthSel),
      sheetsHost,
      schemeHost,
    ),
  );
  void api.get<Sheets>('/api/appraisal/sheets', { period: periodKey }).then((s) => ctx.alive() && mount(sheetsHost, sheetsView(s)), (err) => ctx.alive() && mount(sheetsHost, h('p', { class: 'form-error' }, (err as Error).message)));
  void api.get<SchemeView>('/api/appraisal/scheme').then((s) => ctx.alive() && mount(schemeHost, schemeView(s, () => void render(ctx))), () => mount(schemeHost, h('div')));
}

function sheetsView(s: Sheets): HTMLElement {
  const table = (title: string, list: Sheet[]) =>
    h(
      'div',
      { class: 'card' },
      h('h2', `${s.period.label}${title}`),
      list.length
        ? h(
            'table',
            { class: 'table appraisal-table', 'data-test': title },
            h('thead', h('tr', ['名称', title === '个人评分' ? '单位' : null, ...list[0].indicators.map((i) => `${i.label}（${i.weight}）`), '追责扣分', '总分'].filter((x) => x !== null).map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', list.map((x) => row(x, title === '个人评分'))),
          )
        : empty('没有评分对象。'),
    );
  return h('div', table('单位评分', s.units), table('个人评分', s.people), h('p', { class: 'hint' }, `评分方案第 ${s.scheme.version} 版。点击名称查看扣分依据。`));
}

function row(x: Sheet, person: boolean): HTMLElement[] {
  const facts = [...x.indicators.flatMap((i) => i.evidence.filter((e) => e.deduction > 0).map((e) => ({ ...e, label: i.label }))), ...x.accountability.evidence.map((e) => ({ ...e, label: '责任追究' }))];
  const detail = h(
    'tr',
    { class: 'evidence-row', hidden: true },
    h('td', { colspan: String(x.indicators.length + (person ? 4 : 3)) }, facts.length
      ? h('ul', { class: 'evidence-list' }, facts.map((e) => h('li', `${e.label}：${e.text}${e.caseNumber ? `（${e.caseNumber}）` : ''}，${fmtDateTime(e.at)}，扣 ${e.deduction} 分`)))
      : h('p', { class: 'hint' }, '本期无扣分。')),
  );
  const toggle = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false', onclick: () => {
    detail.hidden = !detail.hidden;
    toggle.setAttribute('aria-expanded', String(!detail.hidden));
  } }, x.name);
  return [
    h('tr', { 'data-subject': x.id }, h('td', toggle), person ? h('td', x.unitName ?? '—') : null, x.indicators.map((i) => h('td', { class: 'num', title: i.basis }, String(i.score))), h('td', { class: 'num' }, String(x.accountability.deduction)), h('td', { class: 'num total' }, h('strong', String(x.total)))),
    detail,
  ];
}

function schemeView(s: SchemeView, reload: () => void): HTMLElement {
  const card = h(
    'div',
    { class: 'card scheme-card' },
    h('h2', `评分方案（第 ${s.version} 版${s.approvedBy ? `，${s.approvedBy} 批准` : '，系统默认'}）`),
    h('table', { class: 'table' }, h('thead', h('tr', h('th', { scope: 'col' }, '指标'), h('th', { scope: 'col' }, '权重'), h('th', { scope: 'col' }, '计分方法'))), h('tbody', s.indicators.map((i) => h('tr', h('td', i.label), h('td', { class: 'num' }, String(s.weights[i.key])), h('td', i.how))))),
    h('p', { class: 'hint' }, `扣分标准：${s.deductionItems.map((d) => `${d.label} ${s.deductions[d.key]}`).join('；')}。`),
  );
  if (s.pending) {
    const pending = h('div', { class: 'notice notice-warn', role: 'status' }, `有待审批的方案变更（${s.pending.requestedBy} 提出：${s.pending.reason}），须经局纪委中提出人以外的人员审批后生效。`);
    card.append(pending);
    if (inAnyGroup('discipline-committee')) {
      const decide = (d: 'approve' | 'reject') => async () => {
        const comment = d === 'reject' ? prompt('不同意的理由') ?? '' : '';
        try {
          await api.post(`/api/appraisal/scheme/changes/${s.pending!.id}/${d}`, d === 'reject' ? { comment } : {});
          toast(d === 'approve' ? '已同意，新方案已生效' : '已驳回');
          reload();
        } catch (err) {
          toast((err as Error).message, 'error');
        }
      };
      card.append(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-primary', onclick: decide('approve') }, '同意变更'), h('button', { type: 'button', class: 'btn', onclick: decide('reject') }, '不同意')));
    }
  } else if (inAnyGroup('supervision')) card.append(proposeForm(s, reload));
  return card;
}

function proposeForm(s: SchemeView, reload: () => void): HTMLElement {
  const num = (v: number) => h('input', { type: 'number', min: 0, max: 100, step: 1, value: String(v), class: 'input-narrow' }) as HTMLInputElement;
  const weights = new Map(s.indicators.map((i) => [i.key, num(s.weights[i.key])]));
  const deductions = new Map(s.deductionItems.map((d) => [d.key, num(s.deductions[d.key])]));
  const reason = h('textarea', { rows: 2, maxlength: 1000, required: true }) as HTMLTextAreaElement;
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  return h(
    'details',
    { class: 'scheme-propose' },
    h('summary', '提出方案变更'),
    h(
      'form',
      { novalidate: true, onsubmit: async (ev: Event) => {
        ev.preventDefault();
        error.hidden = true;
        const pick = (m: Map<string, HTMLInputElement>) => Object.fromEntries([...m].map(([k, i]) => [k, Number(i.value)]));
        try {
          await api.post('/api/appraisal/scheme/changes', { weights: pick(weights), deductions: pick(deductions), reason: reason.value.trim() });
          toast('已提交，待局纪委审批');
          reload();
        } catch (err) {
          const e = err as ApiError;
          error.textContent = e.details && typeof e.details === 'object' ? `${e.message}：${Object.values(e.details as Record<string, string>).join('；')}` : e.message;
          error.hidden = false;
        }
      } },
      h('div', { class: 'grid-2' }, s.indicators.map((i) => field(`${i.label} 权重`, weights.get(i.key)!)), s.deductionItems.map((d) => field(d.label, deductions.get(d.key)!))),
      field('变更理由（必填）', reason),
      error,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '提交审批')),
    ),
  );
}
