/**
 * 批量审批 in the inbox: rows the server marks `batchable` (the form asks only for a decision and a
 * comment, and the user may act) get a check box; the bar offers the decisions all selected tasks
 * share and one comment, and POST /api/tasks/batch-complete completes each task as its own step.
 * Each task's result is listed — some may be refused (e.g. another handler took it first) while the
 * others go through; nothing is reported as all-or-nothing.
 */
import { api, ApiError, type Task } from '../api.ts';
import { h, mount, toast } from '../dom.ts';

interface BatchResult {
  taskId: string;
  status: 'completed' | 'refused';
  error?: { code: string; message: string };
}

export interface BatchControls {
  /** The bar above the list: count, decision, comment, 批量审批 (hidden while nothing is selected). */
  bar: HTMLElement;
  /** The last batch's per-task results. */
  results: HTMLElement;
  /** The header cell: select every batchable row on the page. */
  headCell(): HTMLElement;
  /** A row's selection cell (empty for a task that needs its own page). */
  cell(t: Task): HTMLElement;
  /** A new page of rows: selection starts empty. */
  reset(): void;
}

const label = (t: Task) => `${t.subject || t.name || t.elementId}${t.caseNumber ? `（${t.caseNumber}）` : ''}`;

/**
 * The batch controls of one inbox; `done` reloads the list after a batch.
 * Usage: `const batch = batchControls(() => load()); … batch.cell(task)`.
 */
export function batchControls(done: () => Promise<void>): BatchControls {
  const selected = new Map<string, Task>();
  const boxes = new Map<string, HTMLInputElement>();
  const count = h('strong', { class: 'batch-count' });
  const decision = h('select', { id: 'batch-decision', name: 'decision' });
  const comment = h('input', { id: 'batch-comment', name: 'comment', type: 'text', maxlength: 1000, placeholder: '如：同意' });
  const note = h('span', { class: 'batch-note', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, '批量审批');
  const all = h('input', { type: 'checkbox', class: 'batch-all', 'aria-label': '全选可批量审批的待办' });
  const results = h('div', { class: 'batch-results', 'aria-live': 'polite' });
  const bar = h(
    'form',
    { class: 'batch-bar card', hidden: true, 'aria-label': '批量审批', onsubmit: (ev: Event) => { ev.preventDefault(); void run(); } },
    h('span', '已选 ', count, ' 件'),
    h('div', { class: 'field' }, h('label', { for: 'batch-decision' }, '审批结论'), decision),
    h('div', { class: 'field batch-comment' }, h('label', { for: 'batch-comment' }, '审批意见'), comment),
    submit,
    note,
  );

  /** The decisions every selected task offers, labelled as the first task's form labels them. */
  function refresh(): void {
    const tasks = [...selected.values()];
    bar.hidden = tasks.length === 0;
    count.textContent = String(tasks.length);
    const boxList = [...boxes.values()];
    all.checked = boxList.length > 0 && boxList.every((b) => b.checked);
    if (!tasks.length) return;
    const shared = (tasks[0].batchDecisions ?? []).filter((d) => tasks.every((t) => (t.batchDecisions ?? []).some((x) => x.value === d.value)));
    const keep = decision.value;
    mount(decision, shared.map((d) => h('option', { value: d.value }, d.label)));
    const preferred = shared.find((d) => d.value === keep) ?? shared.find((d) => d.value === 'approve' || /同意|通过/.test(d.label));
    if (preferred) decision.value = preferred.value;
    submit.disabled = !shared.length;
    note.textContent = shared.length ? '' : '所选待办没有共同的审批结论，请分开办理。';
  }

  async function run(): Promise<void> {
    const tasks = [...selected.values()];
    if (!tasks.length || !decision.value) return;
    submit.disabled = true;
    let answer: { completed: number; refused: number; results: BatchResult[] };
    try {
      answer = await api.post('/api/tasks/batch-complete', { taskIds: tasks.map((t) => t.id), decision: decision.value, comment: comment.value.trim() || undefined });
    } catch (err) {
      submit.disabled = false;
      if (err instanceof ApiError && err.status !== 401) toast(err.fieldErrors[0]?.message ?? err.message, 'error');
      return;
    }
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const decided = decision.selectedOptions[0]?.textContent ?? decision.value;
    mount(
      results,
      h(
        'div',
        { class: `card batch-report${answer.refused ? ' has-refused' : ''}` },
        h('h2', `批量审批结果：${answer.completed} 件已办理${answer.refused ? `，${answer.refused} 件未办理` : ''}`),
        h(
          'ul',
          { class: 'batch-result-list' },
          answer.results.map((r) => {
            const t = byId.get(r.taskId);
            return h(
              'li',
              { class: `batch-result batch-${r.status}`, 'data-task': r.taskId },
              h('span', { class: `tag ${r.status === 'completed' ? 'tag-done' : 'tag-refused'}` }, r.status === 'completed' ? `已${decided}` : '未办理'),
              ' ',
              t ? label(t) : r.taskId,
              r.error ? h('div', { class: 'form-error' }, r.error.message) : null,
            );
          }),
        ),
      ),
    );
    toast(answer.refused ? `已办理 ${answer.completed} 件，${answer.refused} 件未办理，请查看原因` : `已批量办理 ${answer.completed} 件`, answer.refused ? 'error' : undefined);
    comment.value = '';
    await done();
  }

  all.addEventListener('change', () => {
    for (const [id, box] of boxes) {
      box.checked = all.checked;
      box.dispatchEvent(new Event('change'));
      if (!all.checked) selected.delete(id);
    }
    refresh();
  });

  return {
    bar,
    results,
    // Called after the rows' cells: a page without batchable rows shows no 全选 box.
    headCell: () => h('th', { scope: 'col', class: 'cell-select' }, boxes.size ? all : h('span', { class: 'sr-only' }, '选择')),
    cell(t: Task): HTMLElement {
      if (!t.batchable) return h('td', { class: 'cell-select', 'data-label': '选择' });
      const box = h('input', { type: 'checkbox', class: 'batch-pick', 'aria-label': `选择：${label(t)}`, checked: selected.has(t.id) });
      box.addEventListener('change', () => {
        if (box.checked) selected.set(t.id, t);
        else selected.delete(t.id);
        refresh();
      });
      box.addEventListener('click', (ev) => ev.stopPropagation());
      boxes.set(t.id, box);
      return h('td', { class: 'cell-select', 'data-label': '选择' }, box);
    },
    reset(): void {
      selected.clear();
      boxes.clear();
      refresh();
    },
  };
}
