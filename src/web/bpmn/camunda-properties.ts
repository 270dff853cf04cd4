/**
 * Reads and writes one `camunda:property` (name → value) in a flow node's `camunda:properties`,
 * creating the extension elements on first use and removing the entry when the value is emptied.
 * One undoable command per change. Used by the 职责分离 field and the 廉政风险 group.
 */
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

/** The parts of a bpmn-moddle element this module touches. */
interface Moddle {
  get(name: string): unknown;
  $parent?: unknown;
  name?: string;
  value?: string;
}
export interface BpmnFactory {
  create(type: string, attrs: Record<string, unknown>): Moddle;
}
export interface CommandStack {
  execute(command: string, context: unknown): void;
}

const valuesOf = (m: Moddle | undefined): Moddle[] => (m?.get('values') as Moddle[] | undefined) ?? [];

function propertiesOf(bo: Moddle): Moddle | undefined {
  return valuesOf(bo.get('extensionElements') as Moddle | undefined).find((v) => is(v, 'camunda:Properties'));
}

/** The value of property `name` on `element` ('' when absent). Usage: `camundaProperty(el, 'riskLevel')`. */
export function camundaProperty(element: unknown, name: string): string {
  const props = propertiesOf(getBusinessObject(element) as Moddle);
  return valuesOf(props).find((p) => p.name === name)?.value ?? '';
}

/** Sets (or, for '', removes) property `name` of `element` as one command on the command stack. */
export function setCamundaProperty(element: unknown, name: string, value: string, bpmnFactory: BpmnFactory, commandStack: CommandStack): void {
  const bo = getBusinessObject(element) as Moddle;
  const commands: Array<{ cmd: string; context: unknown }> = [];
  const update = (moddleElement: Moddle, properties: Record<string, unknown>) =>
    commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } });
  let ext = bo.get('extensionElements') as Moddle | undefined;
  if (!ext) {
    if (!value) return;
    ext = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    ext.$parent = bo;
    update(bo, { extensionElements: ext });
  }
  let props = propertiesOf(bo);
  if (!props) {
    if (!value) return;
    props = bpmnFactory.create('camunda:Properties', { values: [] });
    props.$parent = ext;
    update(ext, { values: [...valuesOf(ext), props] });
  }
  const existing = valuesOf(props).find((p) => p.name === name);
  if (!value) {
    if (existing) update(props, { values: valuesOf(props).filter((p) => p !== existing) });
  } else if (existing) {
    if (existing.value !== value) update(existing, { value });
  } else {
    const prop = bpmnFactory.create('camunda:Property', { name, value });
    prop.$parent = props;
    update(props, { values: [...valuesOf(props), prop] });
  }
  if (commands.length) commandStack.execute('properties-panel.multi-command-executor', commands);
}
