import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { chooseProcess } from './lenient.ts';
import { NS } from './dialects/index.ts';
import type { ElementInfo, ProcessModel } from './model.ts';

/**
 * Export of a deployed version for another engine (issue 12, item 4): the meanings this engine read
 * from any dialect (Flowable/Activiti attributes, zeebe extension elements, potentialOwner …) are
 * written back in the target's own dialect, so a bureau can move a process to Camunda 7 or 8.
 *
 * - camunda7: `camunda:assignee|candidateGroups|candidateUsers|formKey|dueDate|followUpDate|priority`,
 *   `camunda:initiator`, `camunda:candidateStarterGroups|Users`, service tasks as external tasks
 *   (`camunda:type="external" camunda:topic`), `camunda:historyTimeToLive` (Camunda 7.20+ refuses a
 *   process without it).
 * - camunda8: `zeebe:assignmentDefinition`, `zeebe:formDefinition formId`, `zeebe:taskSchedule`,
 *   `zeebe:taskDefinition type`, `zeebe:calledElement`; there is no starter restriction in Camunda 8.
 *
 * Other dialects' attributes and extension elements for these meanings are removed; everything
 * else (diagram, documentation, conditions, timers) is kept as deployed.
 */

export type ExportTarget = 'camunda7' | 'camunda8';
export const EXPORT_TARGETS: ExportTarget[] = ['camunda7', 'camunda8'];

const MODELER_NS = 'http://camunda.org/schema/modeler/1.0';
/** Attribute names (local) that carry a meaning this export rewrites. */
const MEANING_ATTRS = new Set([
  'assignee', 'candidateGroups', 'candidateUsers', 'formKey', 'dueDate', 'followUpDate', 'priority', 'initiator',
  'candidateStarterGroups', 'candidateStarterUsers', 'type', 'topic', 'formRef', 'skipExpression',
]);
const CAMUNDA_PROPS = ['assignee', 'candidateGroups', 'candidateUsers', 'formKey', 'dueDate', 'followUpDate', 'priority', 'initiator', 'type', 'topic'];
const ZEEBE_TYPES = new Set(['zeebe:AssignmentDefinition', 'zeebe:FormDefinition', 'zeebe:TaskSchedule', 'zeebe:TaskDefinition', 'zeebe:CalledElement', 'zeebe:UserTaskForm', 'zeebe:UserTask']);

/**
 * Writes `xml` (a deployed file) for `target`, with the meanings of `model` (that file's parsed
 * model). Usage: `const text = await exportFor('camunda8', row.bpmnXml, def.model)`.
 */
export async function exportFor(target: ExportTarget, xml: string, model: ProcessModel): Promise<string> {
  // camunda-bpmn-moddle and zeebe-bpmn-moddle cannot be loaded together (both define
  // modelerTemplate): the target's descriptor is typed, the other dialect's markup stays generic.
  const moddle = target === 'camunda7' ? new BpmnModdle({ camunda }) : new BpmnModdle({ zeebe });
  const { rootElement: definitions } = await moddle.fromXML(xml.trim());
  const chosen = chooseProcess(definitions);
  const proc = chosen.process ?? chosen.stored;
  const ns = namespaces(definitions);
  const foreign = new Set<string>([NS.flowable, NS.activiti, target === 'camunda7' ? NS.zeebe : NS.camunda]);
  if (proc && model.executable !== false) {
    proc.isExecutable = true;
    stripForeign(proc, ns, foreign);
    writeProcess(target, proc, model);
    visit(proc.flowElements ?? [], (el) => {
      stripForeign(el, ns, foreign);
      const info = model.elements.get(el.id);
      if (!info) return;
      if (target === 'camunda7') toCamunda7(el, info);
      else toCamunda8(moddle, el, info);
    });
  }
  definitions.$attrs['xmlns:modeler'] = MODELER_NS;
  definitions.$attrs['modeler:executionPlatform'] = target === 'camunda7' ? 'Camunda Platform' : 'Camunda Cloud';
  definitions.$attrs['modeler:executionPlatformVersion'] = target === 'camunda7' ? '7.22.0' : '8.6.0';
  definitions.exporter = 'power-control-platform';
  const { xml: out } = await moddle.toXML(definitions, { format: true });
  return out;
}

function namespaces(definitions: any): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(definitions?.$attrs ?? {})) if (k.startsWith('xmlns:')) out.set(k.slice(6), String(v));
  return out;
}

function visit(elements: any[], fn: (el: any) => void): void {
  for (const el of elements) {
    fn(el);
    if (el.flowElements) visit(el.flowElements, fn);
  }
}

/**
 * Other dialects' attributes for the meanings written here, their extension elements (zeebe ones
 * when writing for Camunda 7, generic there), and standard resource assignments.
 */
function stripForeign(el: any, ns: Map<string, string>, foreign: Set<string>): void {
  const foreignPrefix = (qname: string) => {
    const at = qname.indexOf(':');
    const uri = at < 0 ? undefined : ns.get(qname.slice(0, at));
    return uri !== undefined && foreign.has(uri);
  };
  for (const key of Object.keys(el.$attrs ?? {})) {
    if (foreignPrefix(key) && MEANING_ATTRS.has(key.slice(key.indexOf(':') + 1))) delete el.$attrs[key];
  }
  if (el.extensionElements?.values) {
    el.extensionElements.values = el.extensionElements.values.filter((v: any) => !ZEEBE_TYPES.has(v.$type) && !(ns.get(String(v.$type).split(':')[0]) === NS.zeebe && foreign.has(NS.zeebe)));
  }
  if (el.resources?.length) el.resources = el.resources.filter((r: any) => r.$type !== 'bpmn:PotentialOwner' && r.$type !== 'bpmn:HumanPerformer');
}

function extensions(moddle: any, el: any): any[] {
  if (!el.extensionElements) el.extensionElements = moddle.create('bpmn:ExtensionElements', { values: [] });
  el.extensionElements.values = el.extensionElements.values ?? [];
  return el.extensionElements.values;
}

function writeProcess(target: ExportTarget, proc: any, model: ProcessModel): void {
  if (target !== 'camunda7') return; // Camunda 8 has no starter restriction in the file.
  proc.set('camunda:candidateStarterGroups', model.starterGroups?.length ? model.starterGroups.join(',') : undefined);
  proc.set('camunda:candidateStarterUsers', model.starterUsers?.length ? model.starterUsers.join(',') : undefined);
  if (!proc.get('camunda:historyTimeToLive')) proc.set('camunda:historyTimeToLive', '180');
}

const list = (xs: string[]) => (xs.length ? xs.join(',') : undefined);

function toCamunda7(el: any, info: ElementInfo): void {
  for (const p of CAMUNDA_PROPS) el.set(`camunda:${p}`, undefined);
  const set = (name: string, value: string | undefined) => value && el.set(`camunda:${name}`, value);
  if (info.type === 'bpmn:UserTask' || info.type === 'bpmn:ManualTask') {
    set('assignee', info.assignee);
    set('candidateGroups', list(info.candidateGroups));
    set('candidateUsers', list(info.candidateUsers));
    set('formKey', info.formKey && `camunda-forms:deployment:${info.formKey}.form`);
    set('dueDate', info.dueDate);
    set('followUpDate', info.followUpDate);
    set('priority', info.priority);
  }
  if (info.type === 'bpmn:StartEvent') {
    set('initiator', info.initiator);
    set('formKey', info.formKey && `camunda-forms:deployment:${info.formKey}.form`);
  }
  if (info.handler && (info.type === 'bpmn:ServiceTask' || info.type === 'bpmn:SendTask')) {
    el.set('camunda:type', 'external');
    el.set('camunda:topic', info.handler);
  }
  if (el.extensionElements && !el.extensionElements.values?.length) el.extensionElements = undefined;
}

function toCamunda8(moddle: any, el: any, info: ElementInfo): void {
  const ext = () => extensions(moddle, el);
  if (info.type === 'bpmn:UserTask' || info.type === 'bpmn:ManualTask') {
    if (info.type === 'bpmn:UserTask') ext().push(moddle.create('zeebe:UserTask'));
    if (info.assignee || info.candidateGroups.length || info.candidateUsers.length) {
      ext().push(moddle.create('zeebe:AssignmentDefinition', { assignee: feel(info.assignee), candidateGroups: list(info.candidateGroups), candidateUsers: list(info.candidateUsers) }));
    }
    if (info.formKey) ext().push(moddle.create('zeebe:FormDefinition', { formId: info.formKey }));
    if (info.dueDate || info.followUpDate) ext().push(moddle.create('zeebe:TaskSchedule', { dueDate: feel(info.dueDate), followUpDate: feel(info.followUpDate) }));
  }
  if (info.type === 'bpmn:StartEvent' && info.formKey) ext().push(moddle.create('zeebe:FormDefinition', { formId: info.formKey }));
  if (info.handler && (info.type === 'bpmn:ServiceTask' || info.type === 'bpmn:SendTask')) {
    ext().push(moddle.create('zeebe:TaskDefinition', { type: info.handler, retries: '3' }));
  }
  if (info.call?.calledElement) ext().push(moddle.create('zeebe:CalledElement', { processId: info.call.calledElement, propagateAllChildVariables: false }));
  if (el.extensionElements && !el.extensionElements.values?.length) el.extensionElements = undefined;
}

/** `${x}` (JUEL) becomes the FEEL expression `=x`; a literal stays a literal. */
function feel(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^\$\{(.*)\}$/s.exec(value.trim());
  return m ? `=${m[1].trim()}` : value;
}
