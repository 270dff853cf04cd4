/**
 * The modeler (流程设计): bpmn-js Modeler with the Camunda 7 properties panel (tailored to what
 * the engine reads), Chinese labels, bpmnlint's recommended rules and the server's deploy checks
 * shown on the diagram; deploy makes a new version; any version's BPMN can be downloaded. The
 * bpmn.io watermark stays (its licence requires it). Unsaved diagrams are kept as local drafts.
 */
import Modeler from 'bpmn-js/lib/Modeler';
import lintModule from 'bpmn-js-bpmnlint';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule } from 'bpmn-js-properties-panel';
import camundaBehaviors from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json';
import { api, ApiError } from '../api.ts';
import { clearServerProblems, lintConfig, setServerProblems, type ServerProblem } from '../bpmn/lint.ts';
import { platformTailoringModule } from '../bpmn/properties.ts';
import { translateModule } from '../bpmn/translate.ts';
import { clearDraft, loadDraft, saveDraft } from '../drafts.ts';
import { ask, debounce, h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { forgetProcessNames } from '../names.ts';
import { navigate, type PageContext } from '../router.ts';
import { user } from '../session.ts';
import { downloadLink, xmlUrl } from './modeler-list.ts';

export const title = '流程设计';

interface Version {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deployedAt: string;
  deployedBy: string | null;
}

interface LintIssue {
  id: string;
  message: string;
  category: 'error' | 'warn' | 'info';
  rule?: string;
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

export async function render(ctx: PageContext): Promise<void> {
  const me = user();
  const key = ctx.params.key;
  const isNew = ctx.query.has('new');
  const wanted = Number(ctx.query.get('version')) || 0;
  mount(ctx.root, loading('正在加载流程设计器…'));

  let versions: Version[] = [];
  let name: string | null = null;
  try {
    const v = await api.get<{ name: string | null; versions: Version[] }>(`/api/process-definitions/${encodeURIComponent(key)}`);
    versions = v.versions;
    name = v.name;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && isNew)) throw err;
  }
  if (!ctx.alive()) return;
  const current = versions.find((v) => v.version === wanted) ?? versions[0];
  let xml: string;
  if (current) xml = await api.text(xmlUrl(key, current.version));
  else {
    const procName = (await ask({ title: '新建流程', message: `流程编号：${key}`, input: '流程名称（中文）', required: true, ok: '创建' })) ?? key;
    xml = newProcessXml(key, procName);
    name = procName;
  }
  if (!ctx.alive()) return;

  const scope = `bpmn:${key}`;
  const canvasEl = h('div', { class: 'modeler-canvas', 'aria-label': '流程图编辑区' });
  const propsEl = h('aside', { class: 'modeler-props bio-theme-parent', 'aria-label': '属性面板' });
  const problemsEl = h('div', { class: 'problems', 'aria-live': 'polite' });
  const status = h('span', { class: 'modeler-status', role: 'status' });
  const versionSel = h(
    'select',
    { id: 'modeler-version', 'aria-label': '版本' },
    versions.length ? versions.map((v) => h('option', { value: String(v.version), selected: v === current }, `第 ${v.version} 版 · ${fmtDateTime(v.deployedAt)}`)) : h('option', { value: '' }, '未部署'),
  );
  const deployBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'deploy' }, '部署');
  const lintBtn = h('button', { type: 'button', class: 'btn', 'data-action': 'lint' }, '检查');
  const undoBtn = h('button', { type: 'button', class: 'btn btn-ghost', title: '撤销 (Ctrl+Z)' }, '撤销');
  const redoBtn = h('button', { type: 'button', class: 'btn btn-ghost', title: '重做 (Ctrl+Y)' }, '重做');
  const fileInput = h('input', { type: 'file', accept: '.bpmn,.xml,application/xml,text/xml', hidden: true, 'aria-label': '打开 BPMN 文件' });
  const openBtn = h('button', { type: 'button', class: 'btn btn-ghost' }, '打开文件');
  const formsEl = h('div', { class: 'modeler-forms' });
  const draftBanner = h('div', { class: 'draft-banner', role: 'status', hidden: true });
  const download = current ? downloadLink(key, current.version, '下载此版本') : null;

  mount(
    ctx.root,
    h(
      'section',
      { class: 'page modeler-page' },
      h(
        'div',
        { class: 'modeler-head' },
        h('nav', { class: 'crumbs', 'aria-label': '位置' }, h('a', { href: '/modeler' }, '流程设计'), h('span', { 'aria-hidden': 'true' }, ' / '), h('h1', { class: 'inline-title' }, name ?? key)),
        h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': '设计器工具栏' }, versionSel, download, openBtn, fileInput, undoBtn, redoBtn, lintBtn, deployBtn, status),
      ),
      draftBanner,
      h('div', { class: 'modeler-body' }, canvasEl, propsEl),
      h('div', { class: 'modeler-foot' }, problemsEl, formsEl),
    ),
  );

  const modeler = new Modeler({
    container: canvasEl,
    propertiesPanel: { parent: propsEl },
    linting: { bpmnlint: lintConfig, active: true },
    moddleExtensions: { camunda },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      camundaBehaviors,
      platformTailoringModule,
      lintModule,
      translateModule,
    ],
  });
  ctx.onLeave(() => modeler.destroy());
  const eventBus = modeler.get<any>('eventBus');
  const canvas = modeler.get<any>('canvas');
  const registry = modeler.get<any>('elementRegistry');
  const commandStack = modeler.get<any>('commandStack');
  const linting = modeler.get<any>('linting');

  let dirty = false;
  const beforeUnload = (ev: BeforeUnloadEvent) => {
    if (dirty) ev.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  ctx.onLeave(() => window.removeEventListener('beforeunload', beforeUnload));

  async function open(source: string): Promise<boolean> {
    try {
      const { warnings } = await modeler.importXML(source);
      canvas.zoom('fit-viewport', 'auto');
      // Leave room for the palette on the left.
      const vb = canvas.viewbox();
      const pad = 130 / vb.scale;
      canvas.viewbox({ x: vb.x - pad, y: vb.y, width: vb.width + pad, height: vb.height });
      status.textContent = warnings.length ? `导入时有 ${warnings.length} 条警告` : '';
      listForms();
      return true;
    } catch (err) {
      toast(`无法打开该 BPMN 文件：${(err as Error).message}`, 'error');
      return false;
    }
  }
  await open(xml);

  // ---- drafts of unsaved diagrams -------------------------------------------------------------
  const saveLocal = debounce(async () => {
    const { xml: now } = await modeler.saveXML({ format: true });
    if (now) saveDraft(me.user.id, scope, { xml: now, base: current?.version ?? 0 });
  }, 800);
  eventBus.on('commandStack.changed', () => {
    dirty = commandStack.canUndo();
    status.textContent = dirty ? '有未部署的修改' : '';
    undoBtn.disabled = !commandStack.canUndo();
    redoBtn.disabled = !commandStack.canRedo();
    if (dirty) saveLocal();
    listForms();
  });
  undoBtn.disabled = redoBtn.disabled = true;
  const draft = loadDraft(me.user.id, scope);
  if (draft && typeof draft.data.xml === 'string' && draft.data.xml !== xml) {
    mount(
      draftBanner,
      h('span', `您有一份未部署的修改（保存于 ${fmtDateTime(draft.savedAt)}，基于第 ${draft.data.base || '—'} 版）。`),
      h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: async () => { if (await open(draft.data.xml as string)) { dirty = true; status.textContent = '有未部署的修改（草稿）'; } draftBanner.hidden = true; } }, '恢复修改'),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clearDraft(me.user.id, scope); draftBanner.hidden = true; } }, '丢弃'),
    );
    draftBanner.hidden = false;
  }

  // ---- toolbar --------------------------------------------------------------------------------
  undoBtn.addEventListener('click', () => commandStack.undo());
  redoBtn.addEventListener('click', () => commandStack.redo());
  versionSel.addEventListener('change', () => {
    if (versionSel.value) navigate(`/modeler/processes/${encodeURIComponent(key)}?version=${versionSel.value}`);
  });
  openBtn.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    if (file.size > 2 * 1024 * 1024) return toast('文件过大（上限 2 MB）', 'error');
    if (await open(await file.text())) {
      dirty = true;
      status.textContent = `已打开 ${file.name}，尚未部署`;
    }
    fileInput.value = '';
  });

  // ---- lint results ---------------------------------------------------------------------------
  let lastIssues: Record<string, LintIssue[]> = {};
  eventBus.on('linting.completed', ({ issues }: { issues: Record<string, LintIssue[]> }) => {
    lastIssues = issues;
    renderProblems();
  });
  lintBtn.addEventListener('click', () => {
    linting.toggle(true);
    linting.update();
  });

  function renderProblems(): void {
    const list = Object.entries(lastIssues).flatMap(([id, issues]) => issues.map((i) => ({ ...i, elementId: id })));
    const errors = list.filter((i) => i.category === 'error');
    const warnings = list.filter((i) => i.category === 'warn');
    if (!list.length) {
      mount(problemsEl, h('p', { class: 'problems-ok' }, '检查通过：没有发现问题。'));
      return;
    }
    mount(
      problemsEl,
      h('p', { class: 'problems-summary' }, h('strong', `检查结果：${errors.length} 个错误，${warnings.length} 个警告`), '（已标注在图上；点击条目定位）'),
      h(
        'ul',
        { class: 'problems-list' },
        [...errors, ...warnings, ...list.filter((i) => i.category === 'info')].map((i) => {
          const el = registry.get(i.elementId);
          const label = el?.businessObject?.name || i.elementId;
          return h(
            'li',
            { class: `problem problem-${i.category}` },
            h(
              'button',
              {
                type: 'button',
                class: 'link-button',
                onclick: () => {
                  if (!el) return;
                  modeler.get<any>('selection').select(el);
                  canvas.scrollToElement(el);
                },
              },
              h('span', { class: 'problem-kind' }, i.category === 'error' ? '错误' : i.category === 'warn' ? '警告' : '提示'),
              ` ${label}：${i.message}`,
              i.rule && !i.rule.startsWith('server') ? h('small', { class: 'cell-sub' }, ` [${i.rule}]`) : null,
            ),
          );
        }),
      ),
    );
  }

  // ---- forms used by the diagram --------------------------------------------------------------
  function listForms(): void {
    // Each form under the names of the steps that show it (the key stays in the link only).
    const users = new Map<string, string[]>();
    for (const el of registry.getAll()) {
      const fk = el.businessObject?.get?.('camunda:formKey');
      if (!fk) continue;
      const k = String(fk).replace(/^camunda-forms:(deployment|app):/, '').replace(/\.form$/, '');
      const name = String(el.businessObject.name ?? '').trim() || (el.type === 'bpmn:StartEvent' ? '发起' : '未命名环节');
      users.set(k, [...(users.get(k) ?? []), name]);
    }
    mount(
      formsEl,
      h('h2', { class: 'small-title' }, '本流程使用的表单'),
      users.size
        ? h('ul', { class: 'form-links' }, [...users].sort(([a], [b]) => a.localeCompare(b)).map(([k, names]) => h('li', h('a', { href: `/modeler/forms/${encodeURIComponent(k)}`, target: '_blank', rel: 'noopener' }, `“${[...new Set(names)].join('”“')}”的表单`))))
        : h('p', { class: 'cell-sub' }, '尚未引用表单（在属性面板“表单”中填写表单编号）。'),
    );
  }

  // ---- deploy ---------------------------------------------------------------------------------
  deployBtn.addEventListener('click', async () => {
    deployBtn.disabled = true;
    try {
      clearServerProblems();
      const { xml: content } = await modeler.saveXML({ format: true });
      const processId = canvas.getRootElement()?.businessObject?.id ?? key;
      // bpmnlint first: its findings are advice; the server's checks decide.
      const issues = (await linting.lint()) as Record<string, LintIssue[]>;
      linting.toggle(true);
      linting.update();
      const lintErrors = Object.values(issues).flat().filter((i) => i.category === 'error').length;
      if (lintErrors) {
        const go = await ask({ title: '检查发现问题', message: `bpmnlint 推荐规则发现 ${lintErrors} 个错误（已标注在图上）。这些是建模建议，服务器仍会做部署检查。仍要部署吗？`, ok: '仍然部署' });
        if (!go) return;
      }
      status.textContent = '正在部署…';
      const res = await api.post<{ id: string | null; status?: string; approverGroup?: string; items: Array<{ kind: string; key: string; version: number; unchanged: boolean }>; notes?: Array<{ message: string }> }>(
        '/api/deployments',
        { name: `${name ?? key}（流程设计器）`, files: [{ name: `${processId}.bpmn`, content }] },
      );
      const item = res.items.find((i) => i.kind === 'process');
      clearDraft(me.user.id, scope);
      dirty = false;
      forgetProcessNames();
      if (!item || item.unchanged) {
        status.textContent = '内容未改变，未产生新版本';
        toast('内容未改变，未产生新版本', 'info');
        return;
      }
      // A deploy is a proposal (202): the version exists only once a second person approves it.
      const who = res.approverGroup === 'supervision' ? '监察室' : '分管局领导';
      status.textContent = `已提交审批：${item.key} 第 ${item.version} 版待${who}审批，审批前不会生效`;
      toast(`已提交审批：${item.key} 第 ${item.version} 版`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 401) return;
      if (err.code === 'DEPLOYMENT_INVALID' && Array.isArray(err.details)) {
        const problems = err.details as ServerProblem[];
        setServerProblems(problems, registry.getAll().map((e: any) => e.id));
        linting.toggle(true);
        linting.update();
        status.textContent = `部署被拒绝：${problems.length} 个问题`;
        toast(`部署被拒绝：${problems.length} 个问题，已标注在图上`, 'error');
      } else {
        status.textContent = err.message;
        toast(err.message, 'error');
      }
    } finally {
      deployBtn.disabled = false;
    }
  });
}
