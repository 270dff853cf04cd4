/**
 * Tailors the Camunda 7 properties panel to what this engine reads: hides groups for features it
 * refuses (listeners, scripts, connectors, input/output mappings…) and adds a "职责分离"
 * (separation of duties) field on user tasks, stored as the camunda:properties entry
 * `separationOfDuties`, and the "廉政风险" group (risk-panel.ts) on every flow node.
 */
import { TextFieldEntry, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { is } from 'bpmn-js/lib/util/ModelUtil';
import { camundaProperty, setCamundaProperty, type BpmnFactory, type CommandStack } from './camunda-properties.ts';
import { translateZh } from './translate.ts';
import { orgPickerGroup } from './org-picker.ts';
import { riskGroup } from './risk-panel.ts';

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

/** The current `separationOfDuties` value of a task. */
export function sodValue(element: unknown): string {
  return camundaProperty(element, SOD);
}

function SodEntry(props: { element: any; id: string }) {
  const { element, id } = props;
  const bpmnFactory = useService<BpmnFactory>('bpmnFactory');
  const commandStack = useService<CommandStack>('commandStack');
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    element,
    id,
    label: '不得办理本环节的人',
    description: '多项用逗号分隔：写 starter 表示发起人；写环节编号表示完成该环节的人；写 var:变量名 表示该变量所指的人。',
    getValue: () => sodValue(element),
    setValue: (value: string) => setCamundaProperty(element, SOD, (value ?? '').trim(), bpmnFactory, commandStack),
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
      if (is(element, 'bpmn:FlowNode')) {
        const after = ['separationOfDuties', 'documentation', 'general'].map((id) => out.findIndex((g) => g.id === id)).find((i) => i >= 0) ?? out.length - 1;
        out.splice(after + 1, 0, riskGroup(element, translateZh));
      }
      return out;
    };
  }
}

export const platformTailoringModule = {
  __init__: ['platformTailoring'],
  platformTailoring: ['type', PlatformTailoring],
};
