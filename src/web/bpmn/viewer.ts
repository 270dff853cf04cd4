/**
 * The read-only process diagram (bpmn-js NavigatedViewer) with the instance's state drawn on
 * it: completed steps, active steps with how many tokens wait there, overdue steps in red, and
 * incidents; and every 廉政风险点 (riskLevel 高/中/低 in the node's camunda properties) as a badge.
 */
import type NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { loadStyles } from '../styles.ts';
import { h } from '../dom.ts';

export interface DiagramState {
  /** Element id → number of open tasks/tokens there. */
  active?: Record<string, number>;
  completed?: Iterable<string>;
  overdue?: Iterable<string>;
  warning?: Iterable<string>;
  incidents?: Iterable<string>;
  /** Multi-instance progress by element id (会签 "2/3"). */
  progress?: Record<string, { completed: number; total: number }>;
}

export interface DiagramHandle {
  destroy(): void;
  viewer: NavigatedViewer;
}

/** Usage: `const d = await showDiagram(el, xml, { active: { Task_Review: 1 } })`. */
export async function showDiagram(container: HTMLElement, xml: string, state: DiagramState = {}, opts: { focus?: string; minHeight?: number } = {}): Promise<DiagramHandle> {
  const canvasEl = h('div', { class: 'diagram-canvas', role: 'group', 'aria-label': '流程图' });
  container.replaceChildren(canvasEl);
  // bpmn-js and its stylesheet load only here, after the page around the diagram is usable.
  const [{ default: Viewer }] = await Promise.all([import('bpmn-js/lib/NavigatedViewer'), loadStyles('diagram')]);
  const viewer = new Viewer({ container: canvasEl });
  await viewer.importXML(xml);
  const canvas = viewer.get<any>('canvas');
  const registry = viewer.get<any>('elementRegistry');
  const overlays = viewer.get<any>('overlays');
  const mark = (ids: Iterable<string> | undefined, cls: string) => {
    for (const id of ids ?? []) if (registry.get(id)) canvas.addMarker(id, cls);
  };
  mark(state.completed, 'hl-completed');
  mark(Object.keys(state.active ?? {}), 'hl-active');
  mark(state.warning, 'hl-warning');
  mark(state.overdue, 'hl-overdue');
  mark(state.incidents, 'hl-incident');
  addRiskBadges(registry, overlays);
  for (const [id, count] of Object.entries(state.active ?? {})) {
    if (!registry.get(id) || count < 1) continue;
    overlays.add(id, 'count', { position: { top: -12, right: 12 }, html: `<span class="count-badge" title="当前停留 ${count} 个">${count}</span>` });
  }
  for (const [id, p] of Object.entries(state.progress ?? {})) {
    if (!registry.get(id)) continue;
    const text = `${Number(p.completed)}/${Number(p.total)}`;
    overlays.add(id, 'progress', { position: { bottom: 14, left: -8 }, html: `<span class="count-badge progress-badge" title="多实例进度：已完成 ${text}">${text}</span>` });
  }
  // Wide processes fitted into a small box become unreadable: below this scale, zoom in on the
  // current step instead (the user can pan and zoom).
  const MIN_SCALE = 0.45;
  const focusId = opts.focus ?? Object.keys(state.active ?? {})[0];
  const fit = () => {
    try {
      canvas.resized();
      const scale = canvas.zoom('fit-viewport', 'auto');
      const target = focusId ? registry.get(focusId) : null;
      if (scale < MIN_SCALE && target) {
        canvas.zoom(0.6);
        const vb = canvas.viewbox();
        canvas.viewbox({ x: target.x + target.width / 2 - vb.width / 2, y: target.y + target.height / 2 - vb.height / 2, width: vb.width, height: vb.height });
      }
    } catch {
      /* detached */
    }
  };
  // Size the box to the diagram's proportions (a wide process needs less height), within limits.
  const inner = canvas.viewbox().inner as { width: number; height: number };
  const box = container.getBoundingClientRect();
  if (inner.width > 0 && box.width > 0) {
    // Fitting never zooms in beyond 1:1, so a small process needs only its own height.
    const scale = Math.min(1, (box.width - 40) / inner.width);
    const wanted = Math.round(inner.height * scale) + 90;
    container.style.height = `${Math.max(opts.minHeight ?? 200, Math.min(box.height || 420, wanted))}px`;
  }
  fit();
  const ro = new ResizeObserver(() => fit());
  ro.observe(canvasEl);
  return {
    viewer,
    destroy() {
      ro.disconnect();
      viewer.destroy();
    },
  };
}

/** The legend under a diagram. */
export function legend(): HTMLElement {
  const item = (cls: string, text: string) => h('span', { class: 'legend-item' }, h('span', { class: `legend-swatch ${cls}`, 'aria-hidden': 'true' }), text);
  return h('div', { class: 'legend' }, item('sw-active', '当前环节'), item('sw-completed', '已完成'), item('sw-warning', '临近期限'), item('sw-overdue', '已超期'), item('sw-incident', '异常'), item('sw-risk', '廉政风险点（高/中/低）'));
}

const RISK: Record<string, { cls: string; label: string }> = {
  高: { cls: 'risk-high', label: '高' },
  high: { cls: 'risk-high', label: '高' },
  中: { cls: 'risk-medium', label: '中' },
  medium: { cls: 'risk-medium', label: '中' },
  低: { cls: 'risk-low', label: '低' },
  low: { cls: 'risk-low', label: '低' },
};

/** The camunda:properties of a business object, read with or without the camunda moddle extension. */
function camundaProperties(bo: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ext of bo?.extensionElements?.values ?? []) {
    const type = String(ext.$type ?? '');
    if (type !== 'camunda:Properties' && type !== 'camunda:properties') continue;
    for (const p of ext.values ?? ext.$children ?? []) if (p?.name) out[p.name] = String(p.value ?? '');
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Badges 廉·高/中/低 on the flow nodes that declare a risk point, with description and measures as the title. */
function addRiskBadges(registry: any, overlays: any): void {
  for (const el of registry.getAll()) {
    if (!el.businessObject || el.type === 'label') continue;
    const props = camundaProperties(el.businessObject);
    const risk = RISK[(props.riskLevel ?? '').trim().toLowerCase()];
    if (!risk) continue;
    const title = escapeHtml(`廉政风险点（${risk.label}）：${props.riskDescription ?? ''}；防控措施：${props.riskMeasures ?? ''}`);
    overlays.add(el.id, 'risk', { position: { top: -12, left: -6 }, html: `<span class="risk-badge ${risk.cls}" title="${title}" data-risk="${risk.cls}">廉·${risk.label}</span>` });
  }
}
