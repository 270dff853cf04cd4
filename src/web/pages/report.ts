/**
 * 合规报告: the regulation article by article (3, 4, 5, 6, 7, 8, 9, 10, 11, 13) for a period, each
 * with whether the platform's own records show it was kept (符合 / 需关注 / 情况说明) and the
 * findings behind it. Printable.
 */
import { api, type ComplianceReport, type ReportStatus } from '../api.ts';
import { empty, h, loading, mount } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { rangeText, type DateRange } from '../period.ts';
import type { PageContext } from '../router.ts';
import { monitorTabs, pageHead, periodFromQuery, periodPicker, periodToUrl } from './supervision-shared.ts';

export const title = '合规报告';

export const STATUS_LABEL: Record<ReportStatus, string> = { ok: '符合', attention: '需关注', info: '情况说明' };
const STATUS_CLASS: Record<ReportStatus, string> = { ok: 'ok', attention: 'red', info: 'info' };

/** 13 → 十三 (article numbers of the regulation). */
export function chineseNumber(n: number): string {
  const d = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  if (n < 10) return d[n];
  if (n < 20) return `十${n % 10 ? d[n % 10] : ''}`;
  return `${d[Math.floor(n / 10)]}十${n % 10 ? d[n % 10] : ''}`;
}

export function statusBadge(status: ReportStatus): HTMLElement {
  return h('span', { class: `level-tag level-tag-${STATUS_CLASS[status]}` }, STATUS_LABEL[status]);
}

export async function render(ctx: PageContext): Promise<void> {
  let period = periodFromQuery(ctx.query);
  const sub = h('p', { class: 'page-sub' });
  const summary = h('div', { class: 'report-summary' });
  const body = h('div', { class: 'report-articles' }, loading());
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page report-page' },
      monitorTabs(),
      pageHead('合规报告', sub, h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, '打印')),
      periodPicker(period, (r) => {
        period = r;
        periodToUrl(r);
        void load();
      }),
      summary,
      body,
    ),
  );

  async function load(): Promise<void> {
    mount(body, loading('正在逐条核对…'));
    const asked: DateRange = period;
    const report = await api.get<ComplianceReport>('/api/compliance/report', { from: asked.from, to: asked.to });
    if (!ctx.alive() || asked !== period) return;
    sub.textContent = `对照《权力内控机制网上运行管理办法》逐条核对平台数据 · ${rangeText(report.period)} · 生成于 ${fmtDateTime(report.generatedAt)}`;
    const count = (s: ReportStatus) => report.articles.filter((a) => a.status === s).length;
    mount(
      summary,
      h('span', '共 ', h('strong', String(report.articles.length)), ' 条：'),
      (['ok', 'attention', 'info'] as ReportStatus[]).map((s) => h('span', { class: 'report-count' }, statusBadge(s), ` ${count(s)} 条`)),
    );
    mount(
      body,
      report.articles.length
        ? report.articles.map((a) =>
            h(
              'article',
              { class: `card report-article report-${a.status}`, 'data-article': String(a.article), 'aria-labelledby': `art-${a.article}` },
              h('div', { class: 'report-head' }, h('h2', { id: `art-${a.article}` }, h('span', { class: 'article-no' }, `第${chineseNumber(a.article)}条`), a.title), statusBadge(a.status)),
              a.findings.length
                ? h(
                    'ul',
                    { class: 'findings' },
                    a.findings.map((f) => h('li', { class: `finding finding-${f.status}` }, h('span', { class: 'finding-mark', 'aria-hidden': 'true' }), h('span', { class: 'sr-only' }, `${STATUS_LABEL[f.status]}：`), f.text)),
                  )
                : h('p', { class: 'cell-sub' }, '本期没有可核对的数据。'),
            ),
          )
        : empty('没有报告内容。'),
    );
  }
  await load();
}
