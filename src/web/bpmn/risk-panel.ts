/**
 * Issue 18, item 1: the properties-panel group "廉政风险" on every flow node. It edits the same
 * `camunda:properties` the server reads (src/lib/risk-points.ts): `riskLevel` (高/中/低/无),
 * `riskDescription`, `riskMeasures` (防控措施) and `riskRule` (the monitoring rules that watch it).
 */
import { SelectEntry, TextAreaEntry, TextFieldEntry, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { camundaProperty, setCamundaProperty, type BpmnFactory, type CommandStack } from './camunda-properties.ts';

export const RISK = { level: 'riskLevel', description: 'riskDescription', measures: 'riskMeasures', rule: 'riskRule' } as const;
type Field = keyof typeof RISK;

/** Stored spellings the server accepts, to the option the select shows. */
const CANONICAL: Record<string, string> = { 高: '高', high: '高', 中: '中', medium: '中', 低: '低', low: '低', 无: '无', none: '无' };
const OPTIONS = [
  { value: '', label: '未评估' },
  { value: '高', label: '高' },
  { value: '中', label: '中' },
  { value: '低', label: '低' },
  { value: '无', label: '无（已评估，无廉政风险）' },
];

/** The level as the select shows it: 高/中/低/无, '' when unassessed, the raw text when invalid. */
export function riskLevelValue(element: unknown): string {
  const raw = camundaProperty(element, RISK.level).trim();
  return CANONICAL[raw.toLowerCase()] ?? raw;
}

const isPoint = (element: unknown) => ['高', '中', '低'].includes(riskLevelValue(element));

function useSetter(element: unknown, field: Field) {
  const bpmnFactory = useService<BpmnFactory>('bpmnFactory');
  const commandStack = useService<CommandStack>('commandStack');
  return (value: string | undefined) => setCamundaProperty(element, RISK[field], (value ?? '').trim(), bpmnFactory, commandStack);
}

function LevelEntry(props: { element: unknown; id: string }) {
  const { element, id } = props;
  const setValue = useSetter(element, 'level');
  const current = riskLevelValue(element);
  const options = OPTIONS.some((o) => o.value === current) ? OPTIONS : [...OPTIONS, { value: current, label: `${current}（无效，请重新选择）` }];
  return h(SelectEntry, {
    element,
    id,
    label: '风险等级',
    description: '权力运行流程的每个用户任务都须评估；无风险时选“无”。',
    getValue: () => current,
    setValue,
    getOptions: () => options,
  });
}

function TextEntry(props: { element: unknown; id: string; field: 'description' | 'measures' }) {
  const { element, id, field } = props;
  const debounce = useService('debounceInput');
  const required = isPoint(element) ? '（高/中/低风险点必填）' : '';
  return h(TextAreaEntry, {
    element,
    id,
    label: field === 'description' ? `风险描述${required}` : `防控措施${required}`,
    description: field === 'description' ? '本环节可能发生的廉政风险，如滥用自由裁量权、吃拿卡要。' : '针对该风险的制度、流程或技术防控手段。',
    getValue: () => camundaProperty(element, RISK[field]),
    setValue: useSetter(element, field),
    debounce,
    rows: 3,
    autoResize: true,
  });
}

function RuleEntry(props: { element: unknown; id: string }) {
  const { element, id } = props;
  const debounce = useService('debounceInput');
  return h(TextFieldEntry, {
    element,
    id,
    label: '监控规则',
    description: '填写监察规则库中规则的类型编号，多项用逗号分隔（规则及其参数在 监察 → 监察规则 中查看和配置）。',
    getValue: () => camundaProperty(element, RISK.rule),
    setValue: useSetter(element, 'rule'),
    debounce,
  });
}

// Module-level components: the panel re-renders on every change, and a component created per
// render would be remounted, losing what is being typed in the other fields.
const DescriptionEntry = (p: { element: unknown; id: string }) => h(TextEntry, { ...p, field: 'description' });
const MeasuresEntry = (p: { element: unknown; id: string }) => h(TextEntry, { ...p, field: 'measures' });

/** The "廉政风险" group for any flow node. */
export function riskGroup(element: unknown, translate: unknown) {
  return {
    id: 'riskPoint',
    label: '廉政风险',
    entries: [
      { id: RISK.level, element, component: LevelEntry, isEdited: isSelectEntryEdited },
      { id: RISK.description, element, component: DescriptionEntry, isEdited: isTextAreaEntryEdited },
      { id: RISK.measures, element, component: MeasuresEntry, isEdited: isTextAreaEntryEdited },
      { id: RISK.rule, element, component: RuleEntry, isEdited: isTextFieldEntryEdited },
    ],
    translate,
  };
}
