/**
 * The decision table editor (决策表设计): dmn-js on a DMN decision, in Chinese. Deploying proposes
 * a new version (four eyes, like diagrams and forms); business rule tasks evaluate the newest
 * approved version when they run, so a process owner maintains rules such as the penalty discretion
 * standard (裁量基准) here instead of in code.
 */
import DmnModeler from 'dmn-js/lib/Modeler';
import { api, ApiError } from '../api.ts';
import { clearDraft, loadDraft, saveDraft } from '../drafts.ts';
import { debounce, h, loading, mount, toast } from '../dom.ts';
import { dmnTranslateModule } from '../dmn/translate.ts';
import { fmtDateTime } from '../format.ts';
import { navigate, type PageContext } from '../router.ts';
import { user } from '../session.ts';

export const title = '决策表设计';

interface DecisionAnswer {
  key: string;
  name: string | null;
  latest: { version: number; resourceName: string; deployedAt: string };
  versions: Array<{ version: number; deployedAt: string; deployedBy: string }>;
}

/** A new decision table: one input, one output, hit policy UNIQUE, one empty rule. */
export function newDecisionXml(key: string, name: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="${esc(key)}-definitions" name="${esc(name)}" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="${esc(key)}" name="${esc(name)}">
    <decisionTable id="${esc(key)}-table" hitPolicy="UNIQUE">
      <input id="${esc(key)}-input1" label="输入"><inputExpression id="${esc(key)}-ie1" typeRef="string"><text>input</text></inputExpression></input>
      <output id="${esc(key)}-output1" label="结果" name="result" typeRef="string" />
      <rule id="${esc(key)}-rule1"><inputEntry id="${esc(key)}-r1i1"><text>-</text></inputEntry><outputEntry id="${esc(key)}-r1o1"><text>""</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <dmndi:DMNDI><dmndi:DMNDiagram id="${esc(key)}-diagram"><dmndi:DMNShape id="${esc(key)}-shape" dmnElementRef="${esc(key)}"><dc:Bounds height="80" width="180" x="150" y="80" /></dmndi:DMNShape></dmndi:DMNDiagram></dmndi:DMNDI>
</definitions>`;
}

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  const key = ctx.params.key;
  const wanted = Number(ctx.query.get('version')) || 0;
  mount(ctx.root, loading('正在加载决策表设计器…'));
  let found: DecisionAnswer | null = null;
  let xml: string;
  try {
    found = await api.get<DecisionAnswer>(`/api/decision-definitions/${encodeURIComponent(key)}`);
    xml = await api.text(`/api/decision-definitions/${encodeURIComponent(key)}/xml`, { version: wanted || undefined });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    xml = newDecisionXml(key, ctx.query.get('name') || key);
  }
  if (!ctx.alive()) return;
  const file = found?.latest.resourceName ?? `${key}.dmn`;
  const scope = `decision:${key}`;
  const host = h('div', { class: 'decision-editor' });
  const status = h('span', { class: 'modeler-status', role: 'status' }, found ? '' : '新决策表：尚未部署');
  const errorsEl = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const deployBtn = h('button', { type: 'button', class: 'btn btn-primary' }, '部署决策表');
  const current = wanted || found?.latest.version || 0;
  const versionSel = h(
    'select',
    { 'aria-label': '版本' },
    found ? found.versions.map((v) => h('option', { value: String(v.version), selected: v.version === current }, `第 ${v.version} 版 · ${fmtDateTime(v.deployedAt)}`)) : h('option', { value: '' }, '未部署'),
  );
  const downloadBtn = h('button', { type: 'button', class: 'btn btn-ghost' }, '下载 DMN');
  const draftBanner = h('div', { class: 'draft-banner', role: 'status', hidden: true });
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page modeler-page' },
      h(
        'div',
        { class: 'modeler-head' },
        h('nav', { class: 'crumbs', 'aria-label': '位置' }, h('a', { href: '/modeler' }, '流程设计'), h('span', { 'aria-hidden': 'true' }, ' / 决策表 / '), h('h1', { class: 'inline-title' }, found?.name ?? key)),
        h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': '决策表工具栏' }, versionSel, downloadBtn, deployBtn, status),
      ),
      h('p', { class: 'page-sub' }, '输入条目写 FEEL 一元测试（如 < 10000、[1..5]、"公民","法人"、- 表示任意）；输出条目写 FEEL 表达式。部署后经第二人审批生效，之后执行的业务规则任务使用新版本。'),
      draftBanner,
      errorsEl,
      host,
    ),
  );
  // Each view takes its own additionalModules (dmn-js replaces `common.additionalModules`).
  const zh = { additionalModules: [dmnTranslateModule] };
  const modeler = new DmnModeler({ container: host, decisionTable: zh, drd: zh, literalExpression: zh, boxedExpression: zh });
  ctx.onLeave(() => modeler.destroy());
  const open = async (text: string) => {
    await modeler.importXML(text);
    const view = modeler.getViews().find((v) => v.type === 'decisionTable' && v.element.id === key) ?? modeler.getViews().find((v) => v.type === 'decisionTable');
    if (view) await modeler.open(view);
    // Edits fire on the open view's event bus (the manager's own events are about views).
    modeler.getActiveViewer()?.get('eventBus').on('elements.changed', () => markDirty());
  };
  let dirty = false;
  const save = debounce(async () => saveDraft(me.user.id, scope, { xml: (await modeler.saveXML({ format: true })).xml, base: current }), 600);
  function markDirty() {
    dirty = true;
    status.textContent = '有未部署的修改';
    save();
  }
  await open(xml);
  dirty = false;
  status.textContent = found ? '' : '新决策表：尚未部署';
  const draft = loadDraft(me.user.id, scope);
  if (draft?.data.xml) {
    mount(
      draftBanner,
      h('span', `您有一份未部署的决策表修改（保存于 ${fmtDateTime(draft.savedAt)}）。`),
      h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: async () => { await open(String(draft.data.xml)); dirty = true; draftBanner.hidden = true; } }, '恢复修改'),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clearDraft(me.user.id, scope); draftBanner.hidden = true; } }, '丢弃'),
    );
    draftBanner.hidden = false;
  }
  const beforeUnload = (ev: BeforeUnloadEvent) => {
    if (dirty) ev.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  ctx.onLeave(() => window.removeEventListener('beforeunload', beforeUnload));

  versionSel.addEventListener('change', () => versionSel.value && navigate(`/modeler/decisions/${encodeURIComponent(key)}?version=${versionSel.value}`));
  downloadBtn.addEventListener('click', async () => {
    const blob = new Blob([(await modeler.saveXML({ format: true })).xml], { type: 'application/xml' });
    const a = h('a', { href: URL.createObjectURL(blob), download: file });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  deployBtn.addEventListener('click', async () => {
    errorsEl.hidden = true;
    deployBtn.disabled = true;
    try {
      const { xml: content } = await modeler.saveXML({ format: true });
      const res = await api.post<{ items: Array<{ kind: string; key: string; version: number; unchanged: boolean }> }>('/api/deployments', {
        name: `决策表 ${key}（决策表设计器）`,
        files: [{ name: file, content }],
      });
      const changed = res.items.filter((i) => i.kind === 'decision' && !i.unchanged);
      clearDraft(me.user.id, scope);
      dirty = false;
      if (!changed.length) {
        status.textContent = '内容未改变，未产生新版本';
        return;
      }
      const words = changed.map((i) => `决策 ${i.key} 第 ${i.version} 版`).join('、');
      // A deploy is a proposal (202): the version exists only once a second person approves it.
      status.textContent = `已提交审批：${words}审批前不会生效`;
      toast(`已提交审批：${words}`);
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
