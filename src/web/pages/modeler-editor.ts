/**
 * The modeler's editor (流程设计): bpmn-js Modeler with the Camunda 7 properties panel (tailored to
 * what the engine reads), Chinese labels, bpmnlint's recommended rules and the server's deploy
 * checks shown on the diagram; unsaved diagrams kept as local drafts; deploy as a proposal.
 * Loaded by modeler.ts once its toolbar is on screen (bpmn-js and the panel are most of the page's
 * weight); the lint list and the forms list are in modeler-problems.ts.
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
import { ask, debounce, h, mount, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { forgetProcessNames } from '../names.ts';
import type { PageContext } from '../router.ts';
import { user } from '../session.ts';
import { listForms, renderProblems, type ElementRegistry, type LintIssue, type Services } from './modeler-problems.ts';

interface CommandStack {
  canUndo(): boolean;
  canRedo(): boolean;
  undo(): void;
  redo(): void;
}
interface Linting {
  toggle(active: boolean): void;
  update(): void;
  lint(): Promise<Record<string, LintIssue[]>>;
}
interface EventBus {
  on<T>(event: string, fn: (event: T) => void): void;
}
interface Canvas {
  zoom(level: string, center: string): void;
  viewbox(box?: { x: number; y: number; width: number; height: number }): { x: number; y: number; width: number; height: number; scale: number };
  getRootElement(): { businessObject?: { id?: string } } | undefined;
}
/** The bpmn-js Modeler as the editor uses it. */
interface ModelerApi extends Services {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(opts: { format: boolean }): Promise<{ xml?: string }>;
}

/** What the page has put on screen for the editor, and what it knows of the process. */
export interface EditorPage {
  ctx: PageContext;
  key: string;
  name: string | null;
  xml: string;
  /** The deployed version shown (none for a new process). */
  base: number;
  canvasEl: HTMLElement;
  propsEl: HTMLElement;
  problemsEl: HTMLElement;
  formsEl: HTMLElement;
  status: HTMLElement;
  draftBanner: HTMLElement;
  fileInput: HTMLInputElement;
  buttons: { deploy: HTMLButtonElement; lint: HTMLButtonElement; undo: HTMLButtonElement; redo: HTMLButtonElement; open: HTMLButtonElement };
}

interface Editor {
  modeler: ModelerApi;
  /** Imports a diagram and fits it in the canvas; false (and a message) if it cannot be read. */
  open(source: string): Promise<boolean>;
  dirty: boolean;
}

/**
 * Creates the modeler in the page's canvas, opens the diagram and wires the toolbar.
 * Usage: `const { startEditor } = await import('./modeler-editor.ts'); await startEditor(page)`.
 */
export async function startEditor(p: EditorPage): Promise<void> {
  const modeler: ModelerApi & { destroy(): void } = new Modeler({
    container: p.canvasEl,
    propertiesPanel: { parent: p.propsEl },
    linting: { bpmnlint: lintConfig, active: true },
    moddleExtensions: { camunda },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule, camundaBehaviors, platformTailoringModule, lintModule, translateModule],
  });
  p.ctx.onLeave(() => modeler.destroy());
  const canvas = modeler.get<Canvas>('canvas');
  const editor: Editor = {
    modeler,
    dirty: false,
    async open(source) {
      try {
        const { warnings } = await modeler.importXML(source);
        canvas.zoom('fit-viewport', 'auto');
        // Leave room for the palette on the left.
        const vb = canvas.viewbox();
        const pad = 130 / vb.scale;
        canvas.viewbox({ x: vb.x - pad, y: vb.y, width: vb.width + pad, height: vb.height });
        p.status.textContent = warnings.length ? `导入时有 ${warnings.length} 条警告` : '';
        listForms(p.formsEl, modeler.get<ElementRegistry>('elementRegistry'));
        return true;
      } catch (err) {
        toast(`无法打开该 BPMN 文件：${(err as Error).message}`, 'error');
        return false;
      }
    },
  };
  const beforeUnload = (ev: BeforeUnloadEvent) => {
    if (editor.dirty) ev.preventDefault();
  };
  window.addEventListener('beforeunload', beforeUnload);
  p.ctx.onLeave(() => window.removeEventListener('beforeunload', beforeUnload));
  await editor.open(p.xml);
  trackChanges(p, editor);
  offerDraft(p, editor);
  wireToolbar(p, editor);
  wireLint(p, editor);
  wireDeploy(p, editor);
}

/** Unsaved changes: the undo/redo state, the status line, and a local draft of the diagram. */
function trackChanges(p: EditorPage, editor: Editor): void {
  const { modeler } = editor;
  const commandStack = modeler.get<CommandStack>('commandStack');
  const scope = `bpmn:${p.key}`;
  const saveLocal = debounce(async () => {
    const { xml: now } = await modeler.saveXML({ format: true });
    if (now) saveDraft(user().user.id, scope, { xml: now, base: p.base });
  }, 800);
  modeler.get<EventBus>('eventBus').on('commandStack.changed', () => {
    editor.dirty = commandStack.canUndo();
    p.status.textContent = editor.dirty ? '有未部署的修改' : '';
    p.buttons.undo.disabled = !commandStack.canUndo();
    p.buttons.redo.disabled = !commandStack.canRedo();
    if (editor.dirty) saveLocal();
    listForms(p.formsEl, modeler.get<ElementRegistry>('elementRegistry'));
  });
  p.buttons.undo.disabled = p.buttons.redo.disabled = true;
}

/** A draft kept from an earlier visit (a session timeout, a closed tab) is offered back. */
function offerDraft(p: EditorPage, editor: Editor): void {
  const me = user();
  const scope = `bpmn:${p.key}`;
  const draft = loadDraft(me.user.id, scope);
  if (!draft || typeof draft.data.xml !== 'string' || draft.data.xml === p.xml) return;
  const restore = async () => {
    if (await editor.open(draft.data.xml as string)) {
      editor.dirty = true;
      p.status.textContent = '有未部署的修改（草稿）';
    }
    p.draftBanner.hidden = true;
  };
  mount(
    p.draftBanner,
    h('span', `您有一份未部署的修改（保存于 ${fmtDateTime(draft.savedAt)}，基于第 ${draft.data.base || '—'} 版）。`),
    h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: restore }, '恢复修改'),
    h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clearDraft(me.user.id, scope); p.draftBanner.hidden = true; } }, '丢弃'),
  );
  p.draftBanner.hidden = false;
}

/** 撤销, 重做 and 打开文件 (a local .bpmn file, at most 2 MB, opened as an undeployed change). */
function wireToolbar(p: EditorPage, editor: Editor): void {
  const commandStack = editor.modeler.get<CommandStack>('commandStack');
  p.buttons.undo.addEventListener('click', () => commandStack.undo());
  p.buttons.redo.addEventListener('click', () => commandStack.redo());
  p.buttons.open.addEventListener('click', () => p.fileInput.click());
  p.fileInput.addEventListener('change', async () => {
    const file = p.fileInput.files?.[0];
    if (!file) return;
    if (file.size > 2 * 1024 * 1024) return toast('文件过大（上限 2 MB）', 'error');
    if (await editor.open(await file.text())) {
      editor.dirty = true;
      p.status.textContent = `已打开 ${file.name}，尚未部署`;
    }
    p.fileInput.value = '';
  });
  p.buttons.open.disabled = false;
}

/** bpmnlint's findings (and the server's, after a refused deploy) listed under the diagram. */
function wireLint(p: EditorPage, editor: Editor): void {
  const linting = editor.modeler.get<Linting>('linting');
  editor.modeler.get<EventBus>('eventBus').on('linting.completed', ({ issues }: { issues: Record<string, LintIssue[]> }) => renderProblems(p.problemsEl, editor.modeler, issues));
  p.buttons.lint.addEventListener('click', () => {
    linting.toggle(true);
    linting.update();
  });
  p.buttons.lint.disabled = false;
}

/** 部署: bpmnlint first (advice), then the server's checks decide; a deploy is a proposal. */
function wireDeploy(p: EditorPage, editor: Editor): void {
  const { modeler } = editor;
  const linting = modeler.get<Linting>('linting');
  const deployBtn = p.buttons.deploy;
  deployBtn.addEventListener('click', async () => {
    deployBtn.disabled = true;
    try {
      clearServerProblems();
      const { xml: content } = await modeler.saveXML({ format: true });
      const processId = modeler.get<Canvas>('canvas').getRootElement()?.businessObject?.id ?? p.key;
      const issues = await linting.lint();
      linting.toggle(true);
      linting.update();
      const lintErrors = Object.values(issues).flat().filter((i) => i.category === 'error').length;
      if (lintErrors) {
        const go = await ask({ title: '检查发现问题', message: `bpmnlint 推荐规则发现 ${lintErrors} 个错误（已标注在图上）。这些是建模建议，服务器仍会做部署检查。仍要部署吗？`, ok: '仍然部署' });
        if (!go) return;
      }
      p.status.textContent = '正在部署…';
      await deploy(p, editor, content ?? '', processId);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 401) return;
      deployRefused(p, editor, err);
    } finally {
      deployBtn.disabled = false;
    }
  });
  deployBtn.disabled = false;
}

async function deploy(p: EditorPage, editor: Editor, content: string, processId: string): Promise<void> {
  const res = await api.post<{ id: string | null; status?: string; approverGroup?: string; items: Array<{ kind: string; key: string; version: number; unchanged: boolean }>; notes?: Array<{ message: string }> }>(
    '/api/deployments',
    { name: `${p.name ?? p.key}（流程设计器）`, files: [{ name: `${processId}.bpmn`, content }] },
  );
  const item = res.items.find((i) => i.kind === 'process');
  clearDraft(user().user.id, `bpmn:${p.key}`);
  editor.dirty = false;
  forgetProcessNames();
  if (!item || item.unchanged) {
    p.status.textContent = '内容未改变，未产生新版本';
    toast('内容未改变，未产生新版本', 'info');
    return;
  }
  // A deploy is a proposal (202): the version exists only once a second person approves it.
  const who = res.approverGroup === 'supervision' ? '监察室' : '分管局领导';
  p.status.textContent = `已提交审批：${item.key} 第 ${item.version} 版待${who}审批，审批前不会生效`;
  toast(`已提交审批：${item.key} 第 ${item.version} 版`);
}

function deployRefused(p: EditorPage, editor: Editor, err: ApiError): void {
  if (err.code === 'DEPLOYMENT_INVALID' && Array.isArray(err.details)) {
    const problems = err.details as ServerProblem[];
    setServerProblems(problems, editor.modeler.get<ElementRegistry>('elementRegistry').getAll().map((e) => e.id));
    const linting = editor.modeler.get<Linting>('linting');
    linting.toggle(true);
    linting.update();
    p.status.textContent = `部署被拒绝：${problems.length} 个问题`;
    toast(`部署被拒绝：${problems.length} 个问题，已标注在图上`, 'error');
  } else {
    p.status.textContent = err.message;
    toast(err.message, 'error');
  }
}
