/**
 * The case's content and its opinions (issue 13, items 1 and 2): the start form rendered read-only
 * with form-js (the same schema the applicant filled in), and one 审批意见 block per completed step
 * (who, unit, decision, comment, time).
 */
import type { FormSchema, Instance } from '../api.ts';
import { empty, h } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import type { FormHandle } from '../forms/render.ts';

export interface CaseContent {
  formKey: string;
  schema: FormSchema;
  values: Record<string, unknown>;
}

export interface StepOpinion {
  taskId: string;
  elementId: string;
  name: string | null;
  by: string;
  byName: string | null;
  unitName: string | null;
  onBehalfOf?: string | null;
  onBehalfOfName?: string | null;
  decisionLabel: string | null;
  comment: string | null;
  at: string;
}

/**
 * A card with the submitted content, read-only; the handle is returned so the page can destroy it.
 * form-js is loaded on demand (pages showing only the case are usable before it arrives), and the
 * form is drawn once `after` settles: a task page draws the handler's own form first.
 * Usage: `const { card, ready } = contentCard(detail.content); mount(host, card); onLeave(() => ready.then((f) => f?.destroy()))`.
 */
export function contentCard(content: CaseContent | null | undefined, title = '申请内容', after: Promise<unknown> = Promise.resolve()): { card: HTMLElement; ready: Promise<FormHandle | null> } {
  const host = h('div', { class: 'form-host case-content' });
  const card = h('div', { class: 'card case-content-card' }, h('h2', title), host);
  if (!content?.schema?.components?.length) {
    host.appendChild(empty('该事项没有申请表单内容。'));
    return { card, ready: Promise.resolve(null) };
  }
  const ready = Promise.all([import('../forms/render.ts'), after.catch(() => undefined)]).then(([{ renderForm }]) => renderForm(host, content.schema, content.values, { readOnly: true }));
  return { card, ready };
}

/** The 审批意见 card: one block per completed step, oldest first. */
export function opinionsCard(opinions: StepOpinion[] | undefined): HTMLElement {
  const list = opinions ?? [];
  return h(
    'div',
    { class: 'card opinions-card' },
    h('h2', '审批意见'),
    list.length
      ? h(
          'ol',
          { class: 'opinion-list' },
          list.map((o) =>
            h(
              'li',
              { class: 'opinion', 'data-element': o.elementId },
              h(
                'div',
                { class: 'opinion-head' },
                h('strong', o.name ?? o.elementId),
                ' ',
                h('span', { class: 'opinion-by' }, o.byName ?? o.by, o.unitName ? `（${o.unitName}）` : '', o.onBehalfOf ? ` 代 ${o.onBehalfOfName ?? o.onBehalfOf} 办理` : ''),
                ' ',
                h('span', { class: 'cell-sub' }, fmtDateTime(o.at)),
              ),
              o.decisionLabel ? h('div', { class: 'opinion-decision' }, '结论：', h('strong', o.decisionLabel)) : null,
              o.comment ? h('p', { class: 'opinion-comment' }, o.comment) : null,
            ),
          ),
        )
      : empty('尚无办理意见。'),
  );
}

/** The result summary: the last step's decision and comment (e.g. 分管局领导审批：同意 — 符合规定). */
export function resultLine(detail: Instance | null): HTMLElement | null {
  const last = [...(detail?.opinions ?? [])].reverse().find((o) => o.decisionLabel || o.comment);
  if (!last) return null;
  return h('div', { class: 'cell-sub result-line' }, `${last.name ?? last.elementId}：${last.decisionLabel ?? ''}${last.comment ? `${last.decisionLabel ? ' — ' : ''}${last.comment}` : ''}`);
}
