/** A start form (发起申请): the process's start form rendered from JSON; submit starts an instance. */
import { uploadPickedFiles } from '../forms/attachments.ts';
import { api, ApiError, type FormSchema, type Task } from '../api.ts';
import { clearDraft, differs, loadDraft, saveDraft } from '../drafts.ts';
import { debounce, empty, h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { errorSummary } from '../forms/error-summary.ts';
import type { FormHandle } from '../forms/render.ts';
import { refreshPendingCount } from '../layout.ts';
import { processNames } from '../names.ts';
import { navigate, type PageContext } from '../router.ts';
import { user } from '../session.ts';

export const title = '发起申请';

interface StartForm {
  processKey: string;
  definitionId: string;
  formKey: string | null;
  form: { key: string; version: number; schema: FormSchema } | null;
  /** Platform data the form shows (select options such as the caller's own records). */
  formData?: Record<string, unknown>;
  /** false: stored only (isExecutable="false"), never started. */
  executable?: boolean;
  canStart: boolean;
}

/** Prefills from the query string (`?itemCode=…` from the catalog) only fields the form has. */
function prefill(schema: FormSchema | undefined, query: URLSearchParams): Record<string, unknown> {
  const keys = new Set<string>();
  const walk = (list: Array<Record<string, any>>) => list.forEach((c) => (c.key && keys.add(c.key), c.components && walk(c.components)));
  walk(schema?.components ?? []);
  const out: Record<string, unknown> = {};
  for (const [k, v] of query) if (keys.has(k)) out[k] = v;
  return out;
}

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  // form-js (the largest part of the page) downloads while the page's data is fetched.
  const formRenderer = import('../forms/render.ts');
  formRenderer.catch(() => undefined);
  const key = ctx.params.key;
  mount(ctx.root, loading());
  const [sf, names] = await Promise.all([
    api.get<StartForm>(`/api/process-definitions/${encodeURIComponent(key)}/start-form`),
    processNames().catch(() => new Map<string, string>()),
  ]);
  if (!ctx.alive()) return;
  const name = names.get(key) ?? key;
  const scope = `start:${key}`;
  const host = h('div', { class: 'form-host' });
  const formError = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const summary = errorSummary();
  const draftBanner = h('div', { class: 'draft-banner', role: 'status', hidden: true });
  const submit = h('button', { type: 'button', class: 'btn btn-primary', disabled: !sf.canStart }, '提交申请');
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page task-page' },
      h('nav', { class: 'crumbs', 'aria-label': '位置' }, h('a', { href: '/start' }, '发起'), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', name)),
      h('div', { class: 'page-head' }, h('div', h('h1', name), h('p', { class: 'page-sub' }, `流程版本 ${sf.definitionId?.split(':').pop() ?? ''}`))),
      sf.executable === false
        ? h('p', { class: 'notice notice-warn' }, '这是非可执行流程（isExecutable="false"）：已保存，不能发起。')
        : !sf.canStart ? h('p', { class: 'notice notice-warn' }, '您没有发起该流程的权限。') : null,
      draftBanner,
      h('div', { class: 'card narrow-card' }, h('h2', '申请内容'), summary.el, host, formError, h('div', { class: 'actions sticky-actions' }, submit, h('a', { href: '/start', class: 'btn btn-ghost' }, '取消'))),
    ),
  );
  let handle: FormHandle | null = null;
  const initialValues = prefill(sf.form?.schema, ctx.query);
  if (sf.form?.schema?.components?.length) {
    handle = await (await formRenderer).renderForm(host, sf.form.schema, initialValues, { readOnly: !sf.canStart, platformData: sf.formData ?? {} });
    ctx.onLeave(() => handle?.destroy());
  } else {
    mount(host, empty('该流程发起时无需填写内容。'));
  }
  const initial = handle ? handle.data() : {};
  if (handle && sf.canStart) {
    const save = debounce((d: Record<string, unknown>) => differs(d, initial) && saveDraft(me.user.id, scope, d), 400);
    handle.onChange(save);
    handle.onChange((d) => summary.update(d));
    const draft = loadDraft(me.user.id, scope);
    if (draft && differs(draft.data, initial)) {
      mount(
        draftBanner,
        h('span', `您有一份未提交的申请草稿（保存于 ${fmtDateTime(draft.savedAt)}）。`),
        h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: async () => { await handle!.setData({ ...initialValues, ...draft.data }); draftBanner.hidden = true; toast('已恢复草稿'); } }, '恢复草稿'),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clearDraft(me.user.id, scope); draftBanner.hidden = true; } }, '丢弃'),
      );
      draftBanner.hidden = false;
    }
  }
  submit.addEventListener('click', async () => {
    formError.hidden = true;
    summary.clear();
    const variables = handle ? handle.data() : {};
    if (handle) {
      handle.clearErrors();
      saveDraft(me.user.id, scope, variables);
    }
    submit.disabled = true;
    submit.textContent = '正在提交…';
    try {
      const sent = handle ? await uploadPickedFiles(handle, variables) : variables;
      const res = await api.post<{ id: string; businessKey?: string | null; tasks?: Task[] }>(`/api/process-definitions/${encodeURIComponent(key)}/start`, { variables: sent });
      clearDraft(me.user.id, scope);
      toast(`已提交：${name}${res.businessKey ? `（${res.businessKey}）` : ''}`);
      void refreshPendingCount();
      const mine = (res.tasks ?? []).find((t) => t.assignee === me.user.id);
      navigate(mine ? `/tasks/${encodeURIComponent(mine.id)}` : `/requests?started=${encodeURIComponent(res.id)}`);
    } catch (err) {
      submit.disabled = false;
      submit.textContent = '提交申请';
      if (!(err instanceof ApiError) || err.status === 401) return;
      if (err.status === 422 && handle) {
        const rest = handle.showErrors(err.fieldErrors);
        summary.show(`${err.message}：以下 ${err.fieldErrors.length} 处需要修改`, handle.errorLinks(err.fieldErrors), rest, variables);
        return;
      }
      const rest = err.fieldErrors;
      mount(formError, h('p', err.status === 422 ? `${err.message}，请按提示修改后再提交。` : err.message), rest.length ? h('ul', rest.map((e) => h('li', e.field ? `${e.field}：${e.message}` : e.message))) : null);
      formError.hidden = false;
    }
  });
}
