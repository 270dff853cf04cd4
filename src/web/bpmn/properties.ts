/**
 * Tailors the Camunda 7 properties panel to what this engine reads: hides groups for features it
 * refuses (listeners, scripts, connectors, input/output mappings…) and adds a "职责分离"
 * (separation of duties) field on user tasks, stored as the camunda:properties entry
 * `separationOfDuties`.
 */
import { TextFieldEntry, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import { translateZh } from './translate.ts';
import { orgPickerGroup } from './org-picker.ts';

export const SOD = 'separationOfDuties';

/** Groups the engine has no use for, or refuses at deploy (no code from uploaded files runs). */
const HIDDEN = new Set([
  'CamundaPlatform__ExecutionListener',
  'CamundaPlatform__TaskListener',
  'CamundaPlatform__FieldInjection',
  'CamundaPlatform__Input',
  'CamundaPlatform__Output',
  'CamundaPlatform__ConnectorInput',
  'CamundaPlatform__ConnectorOutput',
  'CamundaPlatform__InMapping',
  'CamundaPlatform__OutMapping',
  'CamundaPlatform__InMappingPropagation',
  'CamundaPlatform__OutMappingPropagation',
  'CamundaPlatform__CallActivity',
  'CamundaPlatform__Script',
  'CamundaPlatform__HistoryCleanup',
  'CamundaPlatform__Tasklist',
  'CamundaPlatform__FormData',
  'CamundaPlatform__BusinessKey',
  'CamundaPlatform__AsynchronousContinuations',
  'CamundaPlatform__ProcessVariables',
]);

function propertiesOf(bo: any): any | undefined {
  return bo.get('extensionElements')?.get('values').find((v: any) => is(v, 'camunda:Properties'));
}

/** The current `separationOfDuties` value of a task. */
export function sodValue(element: unknown): string {
  const props = propertiesOf(getBusinessObject(element));
  return props?.get('values').find((p: any) => p.name === SOD)?.value ?? '';
}

function setSod(element: any, value: string, bpmnFactory: any, commandStack: any): void {
  const bo = getBusinessObject(element);
  const commands: any[] = [];
  const update = (moddleElement: any, properties: Record<string, unknown>) =>
    commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } });
  let ext = bo.get('extensionElements');
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
    update(ext, { values: [...ext.get('values'), props] });
  }
  const existing = props.get('values').find((p: any) => p.name === SOD);
  if (!value) {
    if (existing) update(props, { values: props.get('values').filter((p: any) => p !== existing) });
  } else if (existing) {
    update(existing, { value });
  } else {
    const prop = bpmnFactory.create('camunda:Property', { name: SOD, value });
    prop.$parent = props;
    update(props, { values: [...props.get('values'), prop] });
  }
  if (commands.length) commandStack.execute('properties-panel.multi-command-executor', commands);
}

function SodEntry(props: { element: any; id: string }) {
  const { element, id } = props;
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    element,
    id,
    label: '不得办理本环节的人',
    description: '多项用逗号分隔：写 starter 表示发起人；写环节编号表示完成该环节的人；写 var:变量名 表示该变量所指的人。',
    getValue: () => sodValue(element),
    setValue: (value: string) => setSod(element, (value ?? '').trim(), bpmnFactory, commandStack),
    debounce,
  });
}

class PlatformTailoring {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: any) {
    // Low priority: runs after the BPMN and Camunda providers have built their groups.
    propertiesPanel.registerProvider(200, this);
  }

  getGroups(element: any) {
    return (groups: any[]) => {
      // The panel's own words ("Toggle section", "Create new list item"…) come from each group's
      // `translate` prop, which bpmn-js-properties-panel leaves at its English fallback.
      const out = groups.filter((g) => !HIDDEN.has(g.id)).map((g) => ({ ...g, translate: translateZh }));
      if (is(element, 'bpmn:UserTask')) {
        const at = out.findIndex((g) => g.id === 'CamundaPlatform__UserAssignment');
        out.splice(at < 0 ? out.length : at + 1, 0, orgPickerGroup(element, translateZh), {
          id: 'separationOfDuties',
          label: '职责分离',
          entries: [{ id: 'separationOfDuties', element, component: SodEntry, isEdited: isTextFieldEntryEdited }],
          translate: translateZh,
        });
      }
      return out;
    };
  }
}

export const platformTailoringModule = {
  __init__: ['platformTailoring'],
  platformTailoring: ['type', PlatformTailoring],
};
