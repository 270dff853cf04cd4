/**
 * Issue 18, item 1: the properties-panel group "廉政风险" on every flow node. It edits the same
 * `camunda:properties` the server reads (src/lib/risk-points.ts): `riskLevel` (高/中/低/无),
 * `riskDescription`, `riskMeasures` (防控措施) and `riskRule` (the ids of the library's monitoring
 * rules that watch it, picked from a list).
 */
import { SelectEntry, TextAreaEntry, isSelectEntryEdited, isTextAreaEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import type { RuleChoicesBody } from '../../api/contracts/monitoring-rule-choices.ts';
import { api } from '../api.ts';
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

type Choices = RuleChoicesBody;

let choices: { at: number; promise: Promise<Choices> } | null = null;

/** The rule library's pick-list, fetched once a minute at most (the panel re-renders on every selection). */
function loadChoices(): Promise<Choices> {
  if (!choices || Date.now() - choices.at > 60_000) {
    const promise = api.get<Choices>('/api/monitoring-rule-choices', undefined, { quiet: true }).catch(() => ({ items: [], kinds: [] }));
    choices = { at: Date.now(), promise };
  }
  return choices.promise;
}

/** The id of the process the element belongs to (rules are configured per process). */
function processIdOf(element: unknown): string | null {
  let bo = getBusinessObject(element) as { $type?: string; id?: string; $parent?: unknown } | undefined;
  while (bo && bo.$type !== 'bpmn:Process') bo = bo.$parent as typeof bo;
  return bo?.id ?? null;
}

const splitRules = (v: string) => v.split(/[,，\s]+/).filter(Boolean);

/**
 * 监控规则: a pick-list of the library's rules for this process (Chinese names, the step each
 * watches), stored as rule ids in `riskRule`. A stored value that is no rule of the library (an
 * older file's rule type) stays listed, checked, under its type's name until unticked.
 */
function RuleEntry(props: { element: unknown; id: string }) {
  const { element, id } = props;
  const set = useSetter(element, 'rule');
  const [list, setList] = useState<Choices | null>(null);
  useEffect(() => {
    void loadChoices().then(setList);
  }, []);
  const current = splitRules(camundaProperty(element, RISK.rule));
  const processId = processIdOf(element);
  const elementId = (getBusinessObject(element) as { id?: string }).id;
  const rules = (list?.items ?? []).filter((r) => r.processKey === processId || current.includes(r.id)).sort((a, b) => Number(b.elementId === elementId) - Number(a.elementId === elementId));
  const known = new Set(rules.map((r) => r.id));
  const kindName = new Map((list?.kinds ?? []).map((k) => [k.kind, k.name]));
  const toggle = (ruleId: string, on: boolean) => set((on ? [...current, ruleId] : current.filter((x) => x !== ruleId)).join(','));
  const box = (ruleId: string, label: string, note: string) =>
    h(
      'li',
      { key: ruleId },
      h('label', { class: 'rule-choice' }, h('input', { type: 'checkbox', checked: current.includes(ruleId), 'data-rule': ruleId, onChange: (e: { target: { checked: boolean } }) => toggle(ruleId, e.target.checked) }), ` ${label}`, note ? h('span', { class: 'rule-choice-note' }, `（${note}）`) : null),
    );
  const items = [
    ...rules.map((r) => box(r.id, r.name, [r.kindName, r.elementName ? `环节：${r.elementName}` : r.elementId ? '' : '整个流程', r.enabled ? '' : '已停用'].filter(Boolean).join('，'))),
    ...current.filter((v) => !known.has(v)).map((v) => box(v, kindName.get(v) ?? '规则库中没有的规则', kindName.has(v) ? '规则类型，不是规则库中的规则，请改选' : '请取消')),
  ];
  return h(
    'div',
    { class: 'bio-properties-panel-entry rule-picker', 'data-entry-id': id },
    h('span', { class: 'bio-properties-panel-label', id: `${id}-label` }, '监控规则'),
    list === null
      ? h('p', { class: 'bio-properties-panel-description' }, '正在读取监察规则…')
      : items.length
        ? h('ul', { class: 'rule-choices', role: 'group', 'aria-labelledby': `${id}-label` }, items)
        : h('p', { class: 'bio-properties-panel-description' }, '本流程在监察规则库中还没有规则。'),
    h('p', { class: 'bio-properties-panel-description' }, '勾选监控本环节的监察规则（规则由监察室在 监察 → 监察规则 中配置，经局纪委审批后生效）。'),
  );
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
      { id: RISK.rule, element, component: RuleEntry },
    ],
    translate,
  };
}
