/**
 * 权力运行流程图 (issue 18, item 1): the list of catalog items, and each item's published flow in
 * force with its 廉政风险点 marked by level (高/中/低) on the diagram and listed with their 防控措施;
 * 下载PDF gives the same document to publish. Public like the complaint page: without signing in
 * the list and each flow of the items in force are shown on their own, with links to 投诉举报 and
 * the sign-in; signed in they are in the frame.
 */
import { api, ApiError } from '../api.ts';
import { legend, showDiagram } from '../bpmn/viewer.ts';
import { empty, h, loading, mount, toast } from '../dom.ts';
import type { PageContext } from '../router.ts';
import type { PublishedFlowsBody } from '../../api/contracts/published-flows.ts';
import { me } from '../session.ts';
import { pageHead, saveBlob } from './supervision-shared.ts';

export const title = '权力运行流程图';

interface Flow {
  item: { code: string; name: string; category: string; unitName: string | null; legalBasis: string; statutoryDays: number; promisedDays: number };
  process: { key: string; name: string | null; version: number };
  riskPoints: Array<{ elementId: string; elementName?: string; level: 'high' | 'medium' | 'low'; description: string; measures: string; rules: string[] }>;
  counts: { high: number; medium: number; low: number };
  xml: string;
}

const LEVEL = { high: '高', medium: '中', low: '低' } as const;

export async function render(ctx: PageContext): Promise<void> {
  if (ctx.params.code) return renderOne(ctx, ctx.params.code);
  mount(ctx.root, loading());
  const { items } = await api.get<PublishedFlowsBody>('/api/published-flows');
  if (!ctx.alive()) return;
  mount(
    ctx.root,
    h(
      'section',
      { class: me() ? 'page' : 'page public-page' },
      pageHead('权力运行流程图', '权力清单中每个事项的办理流程及廉政风险点（高/中/低）和防控措施，按现行流程版本公开。'),
      items.length
        ? h('ul', { class: 'card flow-list' }, items.map((i) => h('li', h('a', { href: `/flows/${encodeURIComponent(i.code)}` }, `${i.code} ${i.name}`), i.unitName ? h('span', { class: 'cell-sub' }, `（${i.unitName}）`) : null)))
        : empty('权力清单中还没有事项。'),
      publicLinks(),
    ),
  );
}

/** Without a session: where else a member of the public may go. */
function publicLinks(): HTMLElement | null {
  if (me()) return null;
  return h('p', { class: 'hint public-links' }, h('a', { href: '/flows' }, '全部流程图'), ' · ', h('a', { href: '/complaint' }, '投诉举报'), ' · ', h('a', { href: '/login' }, '工作人员登录'));
}

async function renderOne(ctx: PageContext, code: string): Promise<void> {
  mount(ctx.root, loading());
  let f: Flow;
  try {
    f = await api.get<Flow>(`/api/power-items/${encodeURIComponent(code)}/flow-diagram`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      mount(ctx.root, h('section', { class: 'page narrow' }, h('h1', '无法查看'), h('p', err.message)));
      return;
    }
    throw err;
  }
  if (!ctx.alive()) return;
  const pdfHref = `/api/power-items/${encodeURIComponent(code)}/flow-diagram.pdf`;
  const pdf = h('a', { href: pdfHref, class: 'btn', 'data-test': 'flow-pdf' }, '下载PDF');
  pdf.addEventListener('click', (e) => {
    e.preventDefault();
    void api.download(pdfHref, undefined, `权力运行流程图-${code}.pdf`).then((file) => saveBlob(file.blob, file.filename)).catch((err) => toast((err as Error).message, 'error'));
  });
  const diagramHost = h('div', { class: 'diagram-host' });
  mount(
    ctx.root,
    h(
      'section',
      { class: me() ? 'page flow-page' : 'page flow-page public-page' },
      pageHead(`${f.item.name}权力运行流程图`, `${f.item.code}（${f.item.category}）· 实施主体：${f.item.unitName ?? '—'} · 流程第 ${f.process.version} 版 · 法定 ${f.item.statutoryDays} / 承诺 ${f.item.promisedDays} 个工作日`, pdf),
      h('p', { class: 'hint' }, `法定依据：${f.item.legalBasis}`),
      h('div', { class: 'card' }, h('h2', '流程图'), diagramHost, legend()),
      h(
        'div',
        { class: 'card' },
        h('h2', `廉政风险点（高 ${f.counts.high}，中 ${f.counts.medium}，低 ${f.counts.low}）`),
        f.riskPoints.length
          ? h(
              'table',
              { class: 'table risk-table' },
              h('thead', h('tr', ['环节', '等级', '风险描述', '防控措施', '监控规则'].map((t) => h('th', { scope: 'col' }, t)))),
              h('tbody', f.riskPoints.map((p) => h('tr', { 'data-element': p.elementId, 'data-level': p.level }, h('td', p.elementName ?? p.elementId), h('td', h('span', { class: `risk-badge risk-${p.level}` }, `廉·${LEVEL[p.level]}`)), h('td', p.description), h('td', p.measures), h('td', p.rules.join('、') || '—')))),
            )
          : empty('本流程未标注廉政风险点。'),
      ),
      publicLinks(),
    ),
  );
  try {
    const diagram = await showDiagram(diagramHost, f.xml, {});
    ctx.onLeave(() => diagram.destroy());
  } catch {
    mount(diagramHost, empty('流程图无法显示。'));
  }
}
