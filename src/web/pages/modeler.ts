/**
 * The modeler (流程设计): the page, its toolbar and version list come first; the editor (bpmn-js
 * with the properties panel, most of the page's weight, modeler-editor.ts) is fetched then, all its
 * files at once (index.html names them), and takes over the canvas when it arrives. The bpmn.io
 * watermark stays (its licence requires it). Unsaved diagrams are kept as local drafts.
 */
import { api, ApiError } from '../api.ts';
import { ask, h, loading, mount } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { navigate, preloadLater, type PageContext } from '../router.ts';
import { loadStyles } from '../styles.ts';
import { downloadLink, xmlUrl } from './modeler-list.ts';
import type { EditorPage } from './modeler-editor.ts';

export const title = '流程设计';

interface Version {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deployedAt: string;
  deployedBy: string | null;
}

/** A minimal executable process to start from. */
export function newProcessXml(key: string, name: string): string {
  const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_${esc(key)}" targetNamespace="http://czmf.gov.cn/bpmn/power-control">
  <bpmn:process id="${esc(key)}" name="${esc(name)}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="提交申请" camunda:initiator="applicant"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Review" name="审核" camunda:candidateGroups="unit-heads" camunda:dueDate="P3D"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" name="办结"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${esc(key)}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="182" y="142" width="36" height="36" /><bpmndi:BPMNLabel><dc:Bounds x="174" y="185" width="52" height="14" /></bpmndi:BPMNLabel></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Review_di" bpmnElement="Task_Review"><dc:Bounds x="280" y="120" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1"><dc:Bounds x="442" y="142" width="36" height="36" /><bpmndi:BPMNLabel><dc:Bounds x="449" y="185" width="22" height="14" /></bpmndi:BPMNLabel></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="218" y="160" /><di:waypoint x="280" y="160" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="380" y="160" /><di:waypoint x="442" y="160" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** The versions and the BPMN to open: the version asked for, the latest, or a new process's skeleton. */
async function loadProcess(ctx: PageContext, key: string): Promise<{ versions: Version[]; current?: Version; name: string | null; xml: string } | null> {
  const isNew = ctx.query.has('new');
  const wanted = Number(ctx.query.get('version')) || 0;
  let versions: Version[] = [];
  let name: string | null = null;
  try {
    const v = await api.get<{ name: string | null; versions: Version[] }>(`/api/process-definitions/${encodeURIComponent(key)}`);
    versions = v.versions;
    name = v.name;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && isNew)) throw err;
  }
  if (!ctx.alive()) return null;
  const current = versions.find((v) => v.version === wanted) ?? versions[0];
  if (current) return { versions, current, name, xml: await api.text(xmlUrl(key, current.version)) };
  const procName = (await ask({ title: '新建流程', message: `流程编号：${key}`, input: '流程名称（中文）', required: true, ok: '创建' })) ?? key;
  return { versions, name: procName, xml: newProcessXml(key, procName) };
}

export async function render(ctx: PageContext): Promise<void> {
  const key = ctx.params.key;
  mount(ctx.root, loading('正在加载流程设计器…'));
  const process = await loadProcess(ctx, key);
  if (!process || !ctx.alive()) return;
  // The editor's code (most of the page's weight) downloads once the toolbar can be drawn.
  // Its stylesheets too: the toolbar needs only the platform's.
  preloadLater();
  const editorCode = Promise.all([import(/* preload */ './modeler-editor.ts'), loadStyles('diagram', 'editor')]);
  editorCode.catch(() => undefined);
  const { versions, current, name, xml } = process;
  const page = editorPage(ctx, key, name, xml, current?.version ?? 0);
  const versionSel = h(
    'select',
    { id: 'modeler-version', 'aria-label': '版本' },
    versions.length ? versions.map((v) => h('option', { value: String(v.version), selected: v === current }, `第 ${v.version} 版 · ${fmtDateTime(v.deployedAt)}`)) : h('option', { value: '' }, '未部署'),
  );
  versionSel.addEventListener('change', () => {
    if (versionSel.value) navigate(`/modeler/processes/${encodeURIComponent(key)}?version=${versionSel.value}`);
  });
  const b = page.buttons;
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page modeler-page' },
      h(
        'div',
        { class: 'modeler-head' },
        h('nav', { class: 'crumbs', 'aria-label': '位置' }, h('a', { href: '/modeler' }, '流程设计'), h('span', { 'aria-hidden': 'true' }, ' / '), h('h1', { class: 'inline-title' }, name ?? key)),
        h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': '设计器工具栏' }, versionSel, current ? downloadLink(key, current.version, '下载此版本') : null, b.open, page.fileInput, b.undo, b.redo, b.lint, b.deploy, page.status),
      ),
      page.draftBanner,
      h('div', { class: 'modeler-body' }, page.canvasEl, page.propsEl),
      h('div', { class: 'modeler-foot' }, page.problemsEl, page.formsEl),
    ),
  );
  const [{ startEditor }] = await editorCode;
  if (!ctx.alive()) return;
  mount(page.canvasEl);
  await startEditor(page);
}

/** The page's parts the editor fills in; its buttons wait (disabled) until it is there. */
function editorPage(ctx: PageContext, key: string, name: string | null, xml: string, base: number): EditorPage {
  const button = (label: string, cls: string, attrs: Record<string, string> = {}) => h('button', { type: 'button', class: cls, disabled: true, ...attrs }, label);
  return {
    ctx,
    key,
    name,
    xml,
    base,
    canvasEl: h('div', { class: 'modeler-canvas', 'aria-label': '流程图编辑区' }, loading('正在加载流程设计器…')),
    propsEl: h('aside', { class: 'modeler-props bio-theme-parent', 'aria-label': '属性面板' }),
    problemsEl: h('div', { class: 'problems', 'aria-live': 'polite' }),
    formsEl: h('div', { class: 'modeler-forms' }),
    status: h('span', { class: 'modeler-status', role: 'status' }),
    draftBanner: h('div', { class: 'draft-banner', role: 'status', hidden: true }),
    fileInput: h('input', { type: 'file', accept: '.bpmn,.xml,application/xml,text/xml', hidden: true, 'aria-label': '打开 BPMN 文件' }),
    buttons: {
      deploy: button('部署', 'btn btn-primary', { 'data-action': 'deploy' }),
      lint: button('检查', 'btn', { 'data-action': 'lint' }),
      undo: button('撤销', 'btn btn-ghost', { title: '撤销 (Ctrl+Z)' }),
      redo: button('重做', 'btn btn-ghost', { title: '重做 (Ctrl+Y)' }),
      open: button('打开文件', 'btn btn-ghost'),
    },
  };
}
