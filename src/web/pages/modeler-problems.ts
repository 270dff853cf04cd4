/**
 * The modeler's lists under the diagram: the check results (bpmnlint and the server's deploy
 * checks), each taking the user to its element, and the forms the diagram uses.
 */
import { h, mount } from '../dom.ts';

/** The bpmn-js services the modeler uses, as far as it uses them (bpmn-js types them loosely). */
export interface DiagramElement {
  id: string;
  type: string;
  businessObject?: { id?: string; name?: string; get?(property: string): unknown };
}
export interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  getAll(): DiagramElement[];
}
export interface Services {
  get<T>(name: string): T;
}

export interface LintIssue {
  id: string;
  message: string;
  category: 'error' | 'warn' | 'info';
  rule?: string;
}

/**
 * 检查结果: errors, then warnings, then hints; a click selects the element and scrolls to it.
 * Usage: `eventBus.on('linting.completed', ({ issues }) => renderProblems(el, modeler, issues))`.
 */
export function renderProblems(problemsEl: HTMLElement, modeler: Services, issues: Record<string, LintIssue[]>): void {
  const registry = modeler.get<ElementRegistry>('elementRegistry');
  const canvas = modeler.get<{ scrollToElement(el: DiagramElement): void }>('canvas');
  const list = Object.entries(issues).flatMap(([id, found]) => found.map((i) => ({ ...i, elementId: id })));
  const errors = list.filter((i) => i.category === 'error');
  const warnings = list.filter((i) => i.category === 'warn');
  if (!list.length) {
    mount(problemsEl, h('p', { class: 'problems-ok' }, '检查通过：没有发现问题。'));
    return;
  }
  const item = (i: LintIssue & { elementId: string }) => {
    const el = registry.get(i.elementId);
    const label = el?.businessObject?.name || i.elementId;
    const go = () => {
      if (!el) return;
      modeler.get<{ select(el: DiagramElement): void }>('selection').select(el);
      canvas.scrollToElement(el);
    };
    return h(
      'li',
      { class: `problem problem-${i.category}` },
      h(
        'button',
        { type: 'button', class: 'link-button', onclick: go },
        h('span', { class: 'problem-kind' }, i.category === 'error' ? '错误' : i.category === 'warn' ? '警告' : '提示'),
        ` ${label}：${i.message}`,
        i.rule && !i.rule.startsWith('server') ? h('small', { class: 'cell-sub' }, ` [${i.rule}]`) : null,
      ),
    );
  };
  mount(
    problemsEl,
    h('p', { class: 'problems-summary' }, h('strong', `检查结果：${errors.length} 个错误，${warnings.length} 个警告`), '（已标注在图上；点击条目定位）'),
    h('ul', { class: 'problems-list' }, [...errors, ...warnings, ...list.filter((i) => i.category === 'info')].map(item)),
  );
}

/** 本流程使用的表单: each form under the names of the steps that show it (the key stays in the link only). */
export function listForms(formsEl: HTMLElement, registry: ElementRegistry): void {
  const users = new Map<string, string[]>();
  for (const el of registry.getAll()) {
    const fk = el.businessObject?.get?.('camunda:formKey');
    if (!fk) continue;
    const k = String(fk).replace(/^camunda-forms:(deployment|app):/, '').replace(/\.form$/, '');
    const name = String(el.businessObject?.name ?? '').trim() || (el.type === 'bpmn:StartEvent' ? '发起' : '未命名环节');
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
