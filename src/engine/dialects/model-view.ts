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

/** The group unassigned user tasks go to unless the process names another (camunda:properties defaultCandidateGroup). */
export const PROCESS_OWNERS = 'process-owners';

interface OwnerModel {
  properties: Record<string, string>;
  elements: Map<string, { id: string; name?: string; type: string; assignee?: string; candidateGroups: string[]; candidateUsers: string[]; loop?: unknown }>;
  notes: string[];
}

/**
 * No stranded work (issue 12, item 3): a user or manual task with no assignee and no candidates
 * goes to the process owners, and the deploy note says so.
 */
export function assignUnowned(model: OwnerModel): void {
  const group = model.properties.defaultCandidateGroup?.trim() || PROCESS_OWNERS;
  for (const e of model.elements.values()) {
    if (e.type !== 'bpmn:UserTask' && e.type !== 'bpmn:ManualTask') continue;
    if (e.assignee || e.candidateGroups.length || e.candidateUsers.length) continue;
    e.candidateGroups = [group];
    const via = group === PROCESS_OWNERS ? '流程管理员（process-owners）' : `流程的默认候选组 ${group}（defaultCandidateGroup）`;
    model.notes.push(`${e.type === 'bpmn:UserTask' ? '用户任务' : '人工任务'} ${e.name ? `${e.id}（${e.name}）` : e.id} 没有办理人或候选人，交给${via}办理`);
  }
}

/**
 * Camunda 8 forms embedded in the process (`<zeebe:userTaskForm id="x">{json}</zeebe:userTaskForm>`,
 * referenced as `camunda-forms:bpmn:x`) become forms named `<process id>-<x>`, deployed with the file.
 */
export function embeddedFormsOf(proc: any): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const ext of proc.extensionElements?.values ?? []) {
    if (!/:userTaskForm$/.test(String(ext.$type ?? '')) || !ext.id) continue;
    out[`${proc.id}-${ext.id}`] = String(ext.$body ?? ext.body ?? '');
  }
  return Object.keys(out).length ? out : undefined;
}

/** The form name of an embedded-form reference, when the file embeds that form. */
export function embeddedFormName(model: { processId: string; embeddedForms?: Record<string, string> }, formKey: string): string | undefined {
  const m = /^camunda-forms:bpmn:(.+)$/.exec(formKey.trim());
  const name = m && `${model.processId}-${m[1]}`;
  return name && model.embeddedForms?.[name] !== undefined ? name : undefined;
}
