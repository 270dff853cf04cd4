/**
 * My requests (我的申请): the instances I started, their status, where each waits (step and
 * who), and withdraw where the process allows it (a withdraw message the instance is waiting
 * for, or a step of mine that offers to withdraw).
 */
import { resultLine } from './case-content.ts';
import { api, ApiError, type Instance, type Task } from '../api.ts';
import { withdrawPoints } from '../bpmn/model.ts';
import { ask, empty, h, loading, mount, showPager, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { candidatesLabel, processNames, userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { user } from '../session.ts';
import { definitionXml, openTasks, statusTag } from './shared.ts';
import { warningMarker } from './inbox.ts';
import { remindButton } from './remind.ts';

export const title = '我的申请';

const PAGE_SIZE = 20;
const xmlCache = new Map<string, Promise<string>>();

function xmlOf(inst: Instance): Promise<string> {
  if (!xmlCache.has(inst.definitionId)) xmlCache.set(inst.definitionId, definitionXml(inst.processKey, inst.definitionId));
  return xmlCache.get(inst.definitionId)!;
}

/** The end event an ended instance reached (申请已撤回, 变更已生效 …), from its history. */
function endName(detail: Instance | null): string | null {
  const ends = (detail?.history ?? []).filter((e) => e.type === 'activity.end' && /EndEvent/.test(e.elementType ?? ''));
  return ends.length ? (ends[ends.length - 1].elementName ?? null) : null;
}

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  const status = ctx.query.get('status') ?? '';
  let pageNo = Math.max(1, Number(ctx.query.get('page')) || 1);
  const names = await processNames().catch(() => new Map<string, string>());
  const statusSel = h(
    'select',
    { id: 'req-status' },
    [['', '全部'], ['running', '办理中'], ['completed', '已办结'], ['cancelled', '已撤销']].map(([v, l]) => h('option', { value: v, selected: v === status }, l)),
  );
  const list = h('div', loading());
  const pager = h('nav', { class: 'pager', 'aria-label': '分页' });
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page' },
      h('div', { class: 'page-head' }, h('div', h('h1', '我的申请'), h('p', { class: 'page-sub' }, '我发起的事项及其办理进度。')), h('a', { href: '/start', class: 'btn btn-primary' }, '发起新申请')),
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'req-status' }, '状态'), statusSel)),
      list,
      pager,
    ),
  );
  statusSel.addEventListener('change', () => {
    pageNo = 1;
    void load();
  });

  async function load(): Promise<void> {
    const params = new URLSearchParams();
    if (statusSel.value) params.set('status', statusSel.value);
    if (pageNo > 1) params.set('page', String(pageNo));
    history.replaceState(null, '', `/requests${params.size ? `?${params}` : ''}`);
    const { items, total } = await api.page<Instance>('/api/process-instances', {
      startedBy: me.user.id,
      status: statusSel.value || undefined,
      limit: PAGE_SIZE,
      offset: (pageNo - 1) * PAGE_SIZE,
    });
    if (!ctx.alive()) return;
    // Where each instance waits or how it ended: one detail request per row (the list has no tasks).
    const details = await Promise.all(items.map((i) => api.get<Instance>(`/api/process-instances/${encodeURIComponent(i.id)}`).catch(() => null)));
    if (!ctx.alive()) return;
    const highlight = ctx.query.get('started');
    mount(
      list,
      items.length
        ? h(
            'table',
            { class: 'table requests-table' },
            h('caption', { class: 'sr-only' }, '我的申请'),
            h('thead', h('tr', ['事项 / 流水号', '发起时间', '状态', '当前环节', '操作'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', items.map((inst, i) => row(inst, details[i], inst.id === highlight))),
          )
        : empty('您还没有发起过申请。', '在“发起”页选择流程或权力事项，填写后提交，即可在这里跟踪办理进度。', { href: '/start', label: '去发起' }),
    );
    showPager(pager, { page: pageNo, total, size: PAGE_SIZE, unit: '件', go: (p) => { pageNo = p; void load(); } });
  }

  function row(inst: Instance, detail: Instance | null, fresh: boolean): HTMLElement {
    const tasks: Task[] = detail ? openTasks(detail) : [];
    const actions = h('td', { class: 'cell-actions', 'data-label': '操作' }, h('a', { href: `/requests/${encodeURIComponent(inst.id)}`, class: 'btn btn-small' }, '详情'));
    const myTask = tasks.find((t) => t.assignee === me.user.id);
    if (myTask) actions.appendChild(h('a', { href: `/tasks/${encodeURIComponent(myTask.id)}`, class: 'btn btn-small btn-primary' }, /撤回/.test(myTask.name ?? '') ? '修改或撤回' : '去办理'));
    if (detail && inst.status === 'running') void addWithdraw(inst, detail, actions);
    return h(
      'tr',
      { class: fresh ? 'row-fresh' : '', 'data-instance': inst.id },
      h(
        'td',
        { class: 'cell-main', 'data-label': '事项' },
        h('a', { href: `/requests/${encodeURIComponent(inst.id)}` }, inst.subject || (names.get(inst.processKey) ?? inst.processKey)),
        h('div', { class: 'cell-sub' }, inst.caseNumber ? h('span', { class: 'case-no' }, inst.caseNumber) : (inst.businessKey ?? inst.id.slice(0, 8)), ' · ', names.get(inst.processKey) ?? inst.processKey),
      ),
      h('td', { 'data-label': '发起时间' }, fmtDateTime(inst.startedAt)),
      h('td', { 'data-label': '状态' }, statusTag(inst.status)),
      h(
        'td',
        { 'data-label': '当前环节', class: 'cell-where' },
        inst.status !== 'running'
          ? h('div', h('strong', endName(detail) ?? (inst.status === 'cancelled' ? '已撤销' : '已结束')), ' ', h('span', { class: 'cell-sub' }, inst.endedAt ? fmtDateTime(inst.endedAt) : ''), resultLine(detail))
          : tasks.length
            ? tasks.map((t) =>
                h(
                  'div',
                  { class: 'where' },
                  h('strong', t.name ?? t.elementId),
                  ' ',
                  h('span', { class: 'cell-sub' }, t.assignee ? `（${userLabel(t.assignee)} 办理中）` : `（待${candidatesLabel(t) || '办理人'}认领）`),
                  ' ',
                  warningMarker(t),
                  // The applicant may urge whoever holds their request (not themselves).
                  t.assignee !== me.user.id && !(t.candidateUsers ?? []).includes(me.user.id) ? h('span', { class: 'where-action' }, remindButton(t)) : null,
                ),
              )
            : detail?.activities && (detail.activities as any).active?.length
              ? (detail.activities as any).active.map((a: any) => h('div', a.name ?? a.elementId))
              : '自动处理中',
      ),
      actions,
    );
  }

  async function addWithdraw(inst: Instance, detail: Instance, cell: HTMLElement): Promise<void> {
    let xml: string;
    try {
      xml = await xmlOf(inst);
    } catch {
      return;
    }
    const active = new Set<string>([...openTasks(detail).map((t) => t.elementId), ...(((detail.activities as any)?.active ?? []) as Array<{ elementId: string }>).map((a) => a.elementId)]);
    const point = withdrawPoints(xml).find((p) => p.waitingAt.some((id) => active.has(id)));
    // Nobody has acted yet (no step done, no task claimed): the applicant withdraws directly.
    const untouched = !(detail.opinions ?? []).length && openTasks(detail).every((t) => !t.assignee || t.assignee === me.user.id);
    if (!point && !untouched) return;
    cell.appendChild(
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small btn-danger',
          onclick: async (ev: Event) => {
            const reason = await ask({ title: '撤回申请', message: '撤回后该申请将不再继续办理。', input: '撤回原因', required: true, ok: '确认撤回', danger: true });
            if (reason === null) return;
            const btn = ev.target as HTMLButtonElement;
            btn.disabled = true;
            try {
              if (point) await api.post(`/api/process-instances/messages/${encodeURIComponent(point.message)}`, { instanceId: inst.id, variables: { withdrawReason: reason } });
              else await api.post(`/api/process-instances/${encodeURIComponent(inst.id)}/withdraw`, { reason });
              toast('申请已撤回');
              await load();
            } catch (err) {
              btn.disabled = false;
              if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
            }
          },
        },
        '撤回',
      ),
    );
  }

  await load();
}
