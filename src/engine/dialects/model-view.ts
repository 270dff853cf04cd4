import { foreignCode } from './code.ts';
import { namespacesOf, readDialects, type DialectValues } from './index.ts';

/**
 * The glue between model.ts and the dialect readers: the document's namespaces are found from any
 * element (moddle elements know their `$parent`), and an element's conflicts and foreign code are
 * reported as problems of that element.
 */

interface Problem {
  element?: string;
  message: string;
}

const namespaces = new WeakMap<object, Map<string, string>>();

function rootOf(el: any): any {
  let cur = el;
  while (cur?.$parent) cur = cur.$parent;
  return cur;
}

function nsOf(el: any): Map<string, string> {
  const root = rootOf(el);
  let ns = namespaces.get(root);
  if (!ns) {
    ns = namespacesOf(root);
    namespaces.set(root, ns);
  }
  return ns;
}

function label(el: any): string {
  return el.name ? `${el.id}（${el.name}）` : el.id;
}

/**
 * Every dialect's values of `el`; conflicts and code of Flowable/Activiti/Camunda 8 are pushed to
 * `problems`. `code` says whether the element carries code (so "no handler" need not be said too).
 */
export function dialectsOf(el: any, problems: Problem[]): DialectValues & { code: boolean } {
  const ns = nsOf(el);
  const d = readDialects(el, ns);
  for (const m of d.problems) problems.push({ element: el.id, message: `${label(el)}：${m}` });
  const code = foreignCode(el, ns);
  for (const m of code) problems.push({ element: el.id, message: `${label(el)} ${m}` });
  return { ...d, code: code.length > 0 || Boolean(el.class || el.expression || (el.delegateExpression && !/^\$\{\s*[\w.-]+\s*\}$/.test(el.delegateExpression))) };
}

interface InitiatorModel {
  elements: Map<string, { type: string; assignee?: string; initiator?: string }>;
  startEvents: Array<{ id: string }>;
  notes: string[];
}

/**
 * Flowable's modeler writes `assignee="$INITIATOR"` for "the person who started the process": it
 * becomes `${<initiator variable>}`, the start events' `initiator` variable (`initiator` when the
 * file names none, which then is set on every start event).
 */
export function resolveInitiator(model: InitiatorModel): void {
  const users = [...model.elements.values()].filter((e) => e.assignee?.trim() === '$INITIATOR');
  if (!users.length) return;
  const starts = model.startEvents.map((s) => model.elements.get(s.id)).filter((e): e is NonNullable<typeof e> => Boolean(e));
  let variable = starts.find((s) => s.initiator)?.initiator;
  if (!variable) {
    variable = 'initiator';
    for (const s of starts) s.initiator ??= variable;
  }
  for (const e of users) e.assignee = `\${${variable}}`;
  model.notes.push(`办理人 $INITIATOR 按流程发起人处理（变量 ${variable}）`);
}
