/**
 * The form editor (表单设计): @bpmn-io/form-js FormEditor on a form's JSON; deploying makes a
 * new form version (tasks always show the latest version of their form).
 */
import { FormEditor } from '@bpmn-io/form-js';
import { api, ApiError, type FormSchema } from '../api.ts';
import { clearDraft, loadDraft, saveDraft } from '../drafts.ts';
import { debounce, h, loading, mount, toast } from '../dom.ts';
import { installFormJsChinese } from '../forms/zh.ts';
import { fmtDateTime } from '../format.ts';
import { navigate, type PageContext } from '../router.ts';
import { user } from '../session.ts';

export const title = '表单设计';

interface FormAnswer {
  key: string;
  version: number;
  versions: number[];
  deployedAt: string;
  deployedBy: string | null;
  schema: FormSchema;
}

const EMPTY: FormSchema = { type: 'default', components: [] };

/** A form's name for people: the first heading of its text, else "新表单"/"表单". */
export function formTitle(schema: FormSchema | undefined): string {
  if (!schema) return '新表单';
  for (const c of (schema.components ?? []) as Array<Record<string, any>>) {
    const m = c.type === 'text' && typeof c.text === 'string' ? c.text.match(/^#+\s*(.+)$/m) : null;
    if (m) return m[1].trim();
  }
  return '表单';
}

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  const key = ctx.params.key;
  const wanted = Number(ctx.query.get('version')) || 0;
  mount(ctx.root, loading('正在加载表单设计器…'));
  let form: FormAnswer | null = null;
  try {
    form = await api.get<FormAnswer>(`/api/forms/${encodeURIComponent(key)}`, { version: wanted || undefined });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  if (!ctx.alive()) return;
  const scope = `form:${key}`;
  const host = h('div', { class: 'form-editor bio-theme-parent' });
  const status = h('span', { class: 'modeler-status', role: 'status' }, form ? '' : '新表单：尚未部署');
  const errorsEl = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const deployBtn = h('button', { type: 'button', class: 'btn btn-primary' }, '部署表单');
  const versionSel = h(
    'select',
    { 'aria-label': '版本' },
    form ? form.versions.map((v) => h('option', { value: String(v), selected: v === form!.version }, `第 ${v} 版`)) : h('option', { value: '' }, '未部署'),
  );
  const downloadBtn = h('button', { type: 'button', class: 'btn btn-ghost' }, '下载 JSON');
  const draftBanner = h('div', { class: 'draft-banner', role: 'status', hidden: true });
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page modeler-page' },
      h(
        'div',
        { class: 'modeler-head' },
        h('nav', { class: 'crumbs', 'aria-label': '位置' }, h('a', { href: '/modeler' }, '流程设计'), h('span', { 'aria-hidden': 'true' }, ' / 表单 / '), h('h1', { class: 'inline-title' }, formTitle(form?.schema))),
        h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': '表单工具栏' }, versionSel, downloadBtn, deployBtn, status),
      ),
      draftBanner,
      errorsEl,
      host,
    ),
  );
  // The palette and properties panel in Chinese (form-js's words are translated as they render).
  installFormJsChinese();
  const editor = new FormEditor({ container: host });
  ctx.onLeave(() => editor.destroy());
  const schema = form?.schema ?? { ...EMPTY, id: key };
  await editor.importSchema(schema as any);

  let dirty = false;
  const save = debounce(() => saveDraft(me.user.id, scope, { schema: editor.saveSchema(), base: form?.version ?? 0 }), 600);
  editor.on('changed', () => {
    dirty = true;
    status.textContent = '有未部署的修改';
    save();
  });
  const draft = loadDraft(me.user.id, scope);
  if (draft?.data.schema) {
    mount(
      draftBanner,
      h('span', `您有一份未部署的表单修改（保存于 ${fmtDateTime(draft.savedAt)}）。`),
      h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: async () => { await editor.importSchema(draft.data.schema as any); dirty = true; draftBanner.hidden = true; } }, '恢复修改'),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clearDraft(me.user.id, scope); draftBanner.hidden = true; } }, '丢弃'),
    );
    draftBanner.hidden = false;
  }
  const beforeUnload = (ev: BeforeUnloadEvent) => {
    if (dirty) ev.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  ctx.onLeave(() => window.removeEventListener('beforeunload', beforeUnload));

  versionSel.addEventListener('change', () => versionSel.value && navigate(`/modeler/forms/${encodeURIComponent(key)}?version=${versionSel.value}`));
  downloadBtn.addEventListener('click', () => {
    const blob = new Blob([JSON.stringify(editor.saveSchema(), null, 2)], { type: 'application/json' });
    const a = h('a', { href: URL.createObjectURL(blob), download: `${key}.form` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  deployBtn.addEventListener('click', async () => {
    errorsEl.hidden = true;
    deployBtn.disabled = true;
    try {
      const res = await api.post<{ items: Array<{ kind: string; key: string; version: number; unchanged: boolean }> }>('/api/deployments', {
        name: `表单 ${key}（表单设计器）`,
        files: [{ name: `${key}.form`, content: JSON.stringify(editor.saveSchema(), null, 2) }],
      });
      const item = res.items.find((i) => i.kind === 'form');
      clearDraft(me.user.id, scope);
      dirty = false;
      if (!item || item.unchanged) {
        status.textContent = '内容未改变，未产生新版本';
        return;
      }
      // A deploy is a proposal (202): the version exists only once a second person approves it.
      status.textContent = `已提交审批：表单 ${item.key} 第 ${item.version} 版审批前不会生效`;
      toast(`已提交审批：表单 ${item.key} 第 ${item.version} 版`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 401) return;
      const details = Array.isArray(err.details) ? (err.details as Array<{ message: string }>) : [];
      mount(errorsEl, h('p', err.message), details.length ? h('ul', details.map((d) => h('li', d.message))) : null);
      errorsEl.hidden = false;
    } finally {
      deployBtn.disabled = false;
    }
  });
}
