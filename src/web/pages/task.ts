/**
 * A task (办理): its form rendered from JSON with the instance's values, submit with the
 * server's 422 errors on the fields, a local draft offered back after a session timeout, the
 * instance's history and the diagram with the current step highlighted.
 */
import { api, ApiError, type FormSchema, type HistoryEntry, type Instance, type PersonalData, type Task } from '../api.ts';
import { showDiagram, legend } from '../bpmn/viewer.ts';
import { clearDraft, differs, loadDraft, saveDraft } from '../drafts.ts';
import { debounce, empty, h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime, fmtDue, TASK_STATUS } from '../format.ts';
import { errorSummary } from '../forms/error-summary.ts';
import { renderForm, type FormHandle } from '../forms/render.ts';
import { refreshPendingCount } from '../layout.ts';
import { groupsLabel, processNames, userLabel } from '../names.ts';
import { navigate, type PageContext } from '../router.ts';
import { user } from '../session.ts';
import { attachmentsCard, uploadPickedFiles } from '../forms/attachments.ts';
import { definitionXml, historyList, instanceState, personalNotice, revealQuery } from './shared.ts';
import { warningMarker } from './inbox.ts';
import { contentCard, opinionsCard, type CaseContent, type StepOpinion } from './case-content.ts';
import { addSignerButton, signersCard, withdrawRequestsCard, type Signer } from './case-routing.ts';
import { wireTaskActions } from './task-actions.ts';

export const title = '办理任务';

interface TaskDetail {
  task: Task;
  form: FormSchema | null;
  variables: Record<string, unknown>;
  /** Platform data the form shows (select options), from the server. */
  formData: Record<string, unknown>;
  history?: HistoryEntry[];
  /** What the caller may do now, as the server sees it; `reason` says why separation of duties keeps them off it. */
  actions?: { claim: boolean; unclaim: boolean; complete: boolean; assign?: boolean; return?: boolean; cc?: boolean; addSigner?: boolean; reason?: string | null };
  /** 加签: the people asked to sign this step with the handler. */
  signers?: Signer[];
  /** Where the case may be sent back (退回) from this task. */
  returnTargets?: Array<{ elementId: string; name: string; applicant: boolean }>;
  /** For the assignee: the other candidates the task can be handed to (转办). */
  assignable?: Array<{ id: string; displayName: string; unitId: string | null }>;
  /** Whether ID numbers, phones and addresses are masked for the caller (已脱敏). */
  personalData?: PersonalData;
  /** The case's content (the start form, read-only). */
  content?: CaseContent | null;
}

/** Accepts `{task, form, variables}` or a task object carrying `form` and `variables`. */
function normalise(body: any): TaskDetail {
  const task = body.task ?? body;
  const form = body.form?.schema ?? body.form ?? null;
  return { task, form, variables: body.variables ?? task.variables ?? {}, formData: body.formData ?? {}, history: body.history, actions: body.actions, assignable: body.assignable ?? [], personalData: body.personalData, content: body.content ?? null, returnTargets: body.returnTargets ?? [], signers: body.signers ?? [] };
}

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  const id = ctx.params.id;
  // The process names come with the task, not one round trip after it.
  const namesFirst = processNames().catch(() => new Map<string, string>());
  mount(ctx.root, loading());
  let detail: TaskDetail;
  try {
    detail = normalise(await api.get(`/api/tasks/${encodeURIComponent(id)}`, revealQuery()));
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
      mount(ctx.root, h('section', { class: 'page narrow' }, h('h1', '无法打开任务'), h('p', err.message), h('a', { href: '/inbox', class: 'btn btn-primary' }, '返回待办')));
      return;
    }
    throw err;
  }
  if (!ctx.alive()) return;
  const { task } = detail;
  const names = (await namesFirst).has(task.processKey) ? await namesFirst : await processNames(task.processKey).catch(() => new Map<string, string>());
  const scope = `task:${task.id}`;
  const open = task.status === 'open';
  const mine = task.assignee === me.user.id;
  const claimedByOther = Boolean(task.assignee && !mine);
  const may = detail.actions ?? { claim: open && !task.assignee, unclaim: open && mine, complete: open && !claimedByOther };
  // Supervision may look at anyone's task, read-only.
  const onlyLooking = open && !claimedByOther && !may.complete;

  const formHost = h('div', { class: 'form-host' });
  const formError = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const summary = errorSummary();
  const draftBanner = h('div', { class: 'draft-banner', role: 'status', hidden: true });
  const blocked = open && !claimedByOther ? ((may as { reason?: string | null }).reason ?? null) : null;
  const submit = h('button', { type: 'button', class: 'btn btn-primary', disabled: !may.complete }, '提交');
  const claimBtn = may.claim ? h('button', { type: 'button', class: 'btn' }, '认领') : null;
  // Gives the task back to its group: never offered on a task the process assigned (the applicant's own step).
  const unclaimBtn = may.unclaim ? h('button', { type: 'button', class: 'btn btn-ghost', title: '放回组内，由其他候选人认领' }, '放回待认领') : null;
  const assignBtn = may.assign && detail.assignable?.length ? h('button', { type: 'button', class: 'btn btn-ghost' }, '转办') : null;
  // 退回 to an earlier step or the applicant; 抄送 to others for their information.
  const returnBtn = detail.actions?.return && detail.returnTargets?.length ? h('button', { type: 'button', class: 'btn btn-ghost' }, '退回') : null;
  const ccBtn = detail.actions?.cc ? h('button', { type: 'button', class: 'btn btn-ghost' }, '抄送') : null;
  const showProblemLater = (text: string) => showProblem(text);
  const signerBtn = detail.actions?.addSigner ? addSignerButton(task.id, me.user.id, showProblemLater, () => navigate(location.pathname, { replace: true })) : null;
  const withdrawHost = h('div', { class: 'withdraw-host' });
  const diagramHost = h('div', { class: 'diagram' }, loading('正在加载流程图…'));
  const historyHost = h('div', { class: 'history' }, loading('正在加载办理记录…'));
  const attachmentsHost = h('div', { class: 'attachments-host' });
  const opinionsHost = h('div', { class: 'opinions-host' });
  // The case's content beside the step's own form: read-only, from the start form's schema.
  let formDrawn: () => void = () => undefined;
  const content = contentCard(detail.content, undefined, new Promise<void>((resolve) => (formDrawn = resolve)));
  ctx.onLeave(() => void content.ready.then((f) => f?.destroy()));

  // A 前加签 signer still to sign: the handler waits for them, the step stays theirs.
  const waitingSigner = (detail.signers ?? []).some((x) => x.mode === 'before' && (x.status === 'waiting' || x.status === 'active'));
  const statusNote = !open
    ? h('p', { class: 'notice' }, `该任务${TASK_STATUS[task.status] ?? task.status}，不能再提交。`)
    : blocked
      ? h('p', { class: 'notice notice-warn blocked-note', role: 'note' }, waitingSigner ? `${blocked}。` : `${blocked}。本任务由其他候选人办理，您只能查看。`)
    : claimedByOther
      ? h('p', { class: 'notice notice-warn' }, `该任务已由 ${userLabel(task.assignee, task.assigneeName)} 认领，您只能查看。`)
      : onlyLooking
        ? h('p', { class: 'notice' }, '您不是该任务的办理人或候选人，只能查看。')
      : !task.assignee
        ? h('p', { class: 'notice' }, '该任务尚未认领：您可以先认领，也可以直接填写并提交（提交即由您办理）。')
        : null;

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page task-page' },
      h('nav', { class: 'crumbs', 'aria-label': '位置' }, h('a', { href: '/inbox' }, '待办'), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', task.name ?? task.elementId)),
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          h('h1', task.name ?? task.elementId),
          h(
            'p',
            { class: 'page-sub' },
            task.caseNumber ? [h('span', { class: 'case-no' }, task.caseNumber), ' · '] : null,
            task.subject ? [h('span', { class: 'case-subject' }, task.subject), ' · '] : null,
            task.processName ?? names.get(task.processKey) ?? task.processKey,
            task.businessKey ? ` · 业务编号 ${task.businessKey}` : '',
          ),
        ),
        warningMarker(task),
      ),
      h(
        'dl',
        { class: 'meta' },
        task.startedBy ? h('div', h('dt', '申请人'), h('dd', userLabel(task.startedBy, task.startedByName))) : null,
        h('div', h('dt', '到达时间'), h('dd', fmtDateTime(task.createdAt))),
        h('div', h('dt', '办理期限'), h('dd', task.dueAt ? fmtDue(task.dueAt) : '无时限')),
        h('div', h('dt', '办理人'), h('dd', task.assignee ? userLabel(task.assignee, task.assigneeName) : '待认领')),
        task.candidateGroups?.length ? h('div', h('dt', '候选岗位'), h('dd', groupsLabel(task.candidateGroups))) : null,
      ),
      h(
        'div',
        { class: 'task-grid' },
        h(
          'div',
          { class: 'col-main' },
          statusNote,
          personalNotice(detail.personalData),
          draftBanner,
          withdrawHost,
          content.card,
          signersCard(detail.signers ?? []),
          opinionsHost,
          h('div', { class: 'card' }, h('h2', '办理表单'), summary.el, formHost, formError, h('div', { class: 'actions sticky-actions' }, blocked ? null : submit, claimBtn, unclaimBtn, assignBtn, returnBtn, signerBtn, ccBtn, h('a', { href: '/inbox', class: 'btn btn-ghost' }, '返回'))),
        ),
        h('aside', { class: 'col-side' }, h('div', { class: 'card' }, h('h2', '流程图'), diagramHost, legend()), attachmentsHost, h('div', { class: 'card' }, h('h2', '办理记录'), historyHost)),
      ),
    ),
  );

  // ---- form ---------------------------------------------------------------------------------
  let handle: FormHandle | null = null;
  if (detail.form && detail.form.components?.length) {
    handle = await renderForm(formHost, detail.form, detail.variables, { readOnly: !may.complete, platformData: detail.formData });
    ctx.onLeave(() => handle?.destroy());
  } else {
    mount(formHost, empty('此环节没有需要填写的内容，确认后直接提交即可。'));
  }
  formDrawn();
  const initial = handle ? handle.data() : {};
  const save = debounce((data: Record<string, unknown>) => {
    if (differs(data, initial)) saveDraft(me.user.id, scope, data);
  }, 400);
  if (handle && may.complete) {
    handle.onChange((data) => save(data));
    handle.onChange((data) => summary.update(data));
    const draft = loadDraft(me.user.id, scope);
    if (draft && differs(draft.data, initial)) {
      mount(
        draftBanner,
        h('span', `您有一份未提交的草稿（保存于 ${fmtDateTime(draft.savedAt)}），可能是登录超时前填写的。`),
        h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: async () => { await handle!.setData({ ...detail.variables, ...draft.data }); draftBanner.hidden = true; toast('已恢复草稿'); } }, '恢复草稿'),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clearDraft(me.user.id, scope); draftBanner.hidden = true; } }, '丢弃'),
      );
      draftBanner.hidden = false;
    }
  }

  const showProblem = (text: string, list: Array<{ field: string; message: string }> = []) => {
    mount(formError, h('p', text), list.length ? h('ul', list.map((e) => h('li', e.field ? `${e.field}：${e.message}` : e.message))) : null);
    formError.hidden = false;
  };

  submit.addEventListener('click', async () => {
    formError.hidden = true;
    summary.clear();
    const data = handle ? handle.data() : {};
    if (handle) {
      handle.clearErrors();
      saveDraft(me.user.id, scope, data);
    }
    submit.disabled = true;
    submit.textContent = '正在提交…';
    try {
      const variables = handle ? await uploadPickedFiles(handle, data) : data;
      await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { variables });
      clearDraft(me.user.id, scope);
      toast(`已提交：${task.name ?? ''}`);
      void refreshPendingCount();
      navigate('/inbox');
    } catch (err) {
      submit.disabled = false;
      submit.textContent = '提交';
      if (!(err instanceof ApiError) || err.status === 401) return;
      if (err.status === 422 && handle) {
        const rest = handle.showErrors(err.fieldErrors);
        summary.show(`${err.message}：以下 ${err.fieldErrors.length} 处需要修改`, handle.errorLinks(err.fieldErrors), rest, data);
      } else {
        showProblem(err.message, err.fieldErrors);
        if (err.status === 409) submit.disabled = true;
      }
    }
  });

  wireTaskActions(task, detail, { claim: claimBtn, unclaim: unclaimBtn, assign: assignBtn, return: returnBtn, cc: ccBtn }, showProblem);

  // ---- diagram and history --------------------------------------------------------------------
  let instance: Instance | null = null;
  try {
    instance = await api.get<Instance>(`/api/process-instances/${encodeURIComponent(task.instanceId)}`);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status === 401) return;
  }
  if (!ctx.alive()) return;
  const history = detail.history ?? instance?.history ?? null;
  mount(historyHost, history ? historyList(history) : empty('无权查看该流程的办理记录。'));
  mount(attachmentsHost, await attachmentsCard(task.instanceId));
  // 申请撤回: the applicant asked to withdraw; whoever may act on this step decides.
  const requests = await withdrawRequestsCard(task.instanceId, open && Boolean(may.complete || may.claim), (approved) => (approved ? navigate('/inbox') : navigate(location.pathname, { replace: true })));
  if (requests && ctx.alive()) mount(withdrawHost, requests);
  const opinions = (instance as (Instance & { opinions?: StepOpinion[] }) | null)?.opinions;
  if (opinions?.length) mount(opinionsHost, opinionsCard(opinions));
  try {
    const xml = await definitionXml(task.processKey, task.definitionId);
    if (!ctx.alive()) return;
    const state = instance ? instanceState(instance) : { active: { [task.elementId]: 1 } };
    if (!state.active || !Object.keys(state.active).length) state.active = { [task.elementId]: 1 };
    const diagram = await showDiagram(diagramHost, xml, state, { focus: task.elementId, minHeight: 260 });
    diagram.viewer.get<any>('canvas').addMarker(task.elementId, 'hl-current');
    ctx.onLeave(() => diagram.destroy());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    mount(diagramHost, empty('流程图无法显示。'));
  }
}
