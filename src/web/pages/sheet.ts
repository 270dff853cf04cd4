/**
 * 审批单 (issue 13, item 10): a printable A4 page of one case — case number, subject, applicant
 * and unit, the submitted content (read-only form), every step with handler, unit, decision,
 * comment and time, the attachments, and the verification code supervision can check against
 * the audit trail. Printed with the browser (Ctrl+P), A4 margins set in the page's own style.
 */
import { api, ApiError, type Instance } from '../api.ts';
import { h, loading, mount, toast } from '../dom.ts';
import { saveBlob } from './supervision-shared.ts';
import { fmtDateTime } from '../format.ts';
import { attachmentsCard } from '../forms/attachments.ts';
import { processNames, userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { contentCard, resultLine } from './case-content.ts';

export const title = '审批单';

export async function render(ctx: PageContext): Promise<void> {
  const id = ctx.params.id;
  mount(ctx.root, loading());
  let inst: Instance;
  let sheet: { verificationCode: string; auditRows: number; generatedAt: string };
  try {
    [inst, sheet] = await Promise.all([api.get<Instance>(`/api/process-instances/${encodeURIComponent(id)}`), api.get<typeof sheet>(`/api/process-instances/${encodeURIComponent(id)}/approval-sheet`)]);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
      mount(ctx.root, h('section', { class: 'page narrow' }, h('h1', '无法查看'), h('p', err.message)));
      return;
    }
    throw err;
  }
  if (!ctx.alive()) return;
  const names = await processNames(inst.processKey).catch(() => new Map<string, string>());
  const content = contentCard(inst.content, '申请内容');
  ctx.onLeave(() => void content.ready.then((f) => f?.destroy()));
  const attachments = h('div');
  void attachmentsCard(inst.id).then((card) => ctx.alive() && card && mount(attachments, card));
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page approval-sheet' },
      h('style', '@page { size: A4; margin: 18mm 15mm; } @media print { header, nav, .no-print, .app-nav, .topbar { display: none !important; } .approval-sheet { font-size: 11pt; } .card { break-inside: avoid; box-shadow: none; } }'),
      h('div', { class: 'actions no-print' }, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => window.print() }, '打印'), pdfLink(inst), h('a', { href: `/requests/${encodeURIComponent(inst.id)}`, class: 'btn btn-ghost' }, '返回')),
      h('h1', { class: 'sheet-title' }, `${names.get(inst.processKey) ?? inst.processKey}审批单`),
      h(
        'dl',
        { class: 'meta sheet-meta' },
        h('div', h('dt', '流水号'), h('dd', { class: 'case-no' }, inst.caseNumber ?? inst.id)),
        h('div', h('dt', '事由'), h('dd', inst.subject ?? '—')),
        h('div', h('dt', '申请人'), h('dd', userLabel(inst.startedBy, inst.startedByName), inst.unitName ? `（${inst.unitName}）` : '')),
        h('div', h('dt', '申请时间'), h('dd', fmtDateTime(inst.startedAt))),
        inst.endedAt ? h('div', h('dt', '办结时间'), h('dd', fmtDateTime(inst.endedAt))) : null,
        inst.status !== 'running' ? h('div', h('dt', '办理结果'), h('dd', resultLine(inst))) : null,
      ),
      content.card,
      h(
        'div',
        { class: 'card' },
        h('h2', '审批意见'),
        h(
          'table',
          { class: 'table sheet-opinions' },
          h('thead', h('tr', ['环节', '办理人', '单位', '结论', '意见', '时间'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            (inst.opinions ?? []).map((o) =>
              h('tr', { 'data-element': o.elementId }, h('td', o.name ?? o.elementId), h('td', o.byName ?? o.by, o.onBehalfOf ? `（代 ${o.onBehalfOfName ?? o.onBehalfOf}）` : ''), h('td', o.unitName ?? '—'), h('td', o.decisionLabel ?? '—'), h('td', o.comment ?? ''), h('td', fmtDateTime(o.at))),
            ),
          ),
        ),
      ),
      attachments,
      h('p', { class: 'sheet-verify' }, `核验码：${sheet.verificationCode}（本案审计记录 ${sheet.auditRows} 条，生成于 ${fmtDateTime(sheet.generatedAt)}）`),
    ),
  );
}

/** 下载PDF: the same 审批单 as an A4 PDF with the fonts embedded (prints the same everywhere). */
function pdfLink(inst: Instance): HTMLElement {
  const href = `/api/process-instances/${encodeURIComponent(inst.id)}/approval-sheet.pdf`;
  const link = h('a', { href, class: 'btn btn-ghost sheet-pdf', download: '', 'data-test': 'sheet-pdf' }, '下载PDF');
  link.addEventListener('click', (e) => {
    e.preventDefault();
    void api
      .download(href, undefined, `审批单-${inst.caseNumber ?? inst.id}.pdf`)
      .then((file) => saveBlob(file.blob, file.filename))
      .catch((err) => err instanceof ApiError && err.status !== 401 && toast(err.message, 'error'));
  });
  return link;
}
