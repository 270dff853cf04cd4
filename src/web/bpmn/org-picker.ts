/**
 * Issue 12, item 3: candidate groups and users are picked from the organisation, searched by
 * Chinese name (张明, 办公室) or id, instead of typed as free text. A pick appends the id to
 * `camunda:candidateGroups` / `camunda:candidateUsers` of the user task; the text fields above stay
 * for expressions (`${unitHeadOf(starter)}`), and deploy still checks every literal id.
 */
import { h } from '@bpmn-io/properties-panel/preact';
import { useEffect, useState } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import { orgEntries } from '../names.ts';

type Kind = 'candidateGroups' | 'candidateUsers';
interface Entry {
  id: string;
  name: string;
  unit?: string;
}

const split = (v: unknown) => String(v ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The entries matching `q` (name or id, case-insensitive), at most `max`. */
export function matching(entries: Entry[], q: string, max = 8): Entry[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [];
  return entries.filter((e) => e.name.toLowerCase().includes(needle) || e.id.toLowerCase().includes(needle)).slice(0, max);
}

function OrgPicker(props: { element: any; id: string; kind: Kind }) {
  const { element, id, kind } = props;
  const commandStack = useService('commandStack');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [q, setQ] = useState('');
  useEffect(() => {
    void orgEntries().then((o) => setEntries(kind === 'candidateGroups' ? o.groups : o.users));
  }, [kind]);
  const bo = getBusinessObject(element);
  const current = split(bo.get(`camunda:${kind}`));
  const add = (pick: string) => {
    if (current.includes(pick)) return;
    commandStack.execute('element.updateModdleProperties', { element, moddleElement: bo, properties: { [`camunda:${kind}`]: [...current, pick].join(',') } });
    setQ('');
  };
  const label = kind === 'candidateGroups' ? '从组织机构添加候选组' : '从组织机构添加候选人';
  return h(
    'div',
    { class: 'bio-properties-panel-entry org-picker', 'data-entry-id': id },
    h('label', { for: `${id}-q`, class: 'bio-properties-panel-label' }, label),
    h('input', {
      id: `${id}-q`,
      class: 'bio-properties-panel-input',
      type: 'search',
      placeholder: '输入中文名称或编号搜索',
      autocomplete: 'off',
      value: q,
      onInput: (e: any) => setQ(e.target.value),
    }),
    h(
      'ul',
      { class: 'org-picker-results', role: 'listbox', 'aria-label': label },
      matching(entries, q).map((e) =>
        h(
          'li',
          { key: e.id },
          h('button', { type: 'button', class: 'link-button', disabled: current.includes(e.id), onClick: () => add(e.id) }, `${e.name}（${e.id}）${e.unit ? ` · ${e.unit}` : ''}`),
        ),
      ),
    ),
  );
}

/** The properties-panel group with both pickers, for user tasks. */
export function orgPickerGroup(element: any, translate: unknown) {
  return {
    id: 'orgPicker',
    label: '从组织机构选择办理人',
    entries: [
      { id: 'orgPickerGroups', element, component: (p: any) => OrgPicker({ ...p, kind: 'candidateGroups' }) },
      { id: 'orgPickerUsers', element, component: (p: any) => OrgPicker({ ...p, kind: 'candidateUsers' }) },
    ],
    translate,
  };
}
