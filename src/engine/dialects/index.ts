/**
 * BPMN dialects read into the one model the engine uses (issue 12, item 1).
 *
 * Modelers write the same meaning in different places:
 * - Camunda 7: `camunda:assignee` … attributes (typed by camunda-bpmn-moddle);
 * - Flowable and Activiti: `flowable:assignee` / `activiti:assignee` … attributes (read from `$attrs`);
 * - Camunda 8: `zeebe:assignmentDefinition`, `zeebe:formDefinition`, `zeebe:taskSchedule`,
 *   `zeebe:taskDefinition`, `zeebe:taskHeaders` extension elements;
 * - BPMN itself: `potentialOwner` / `humanPerformer` with a `resourceAssignmentExpression`.
 *
 * `readDialects` returns, per element, one value per meaning and the dialect it came from; two
 * dialects giving different values for one meaning on one element is a problem naming both.
 * `codeProblems` lists what would run code (listeners, classes, delegate expressions, scripts) in
 * any dialect.
 */

export const NS = {
  camunda: 'http://camunda.org/schema/1.0/bpmn',
  zeebe: 'http://camunda.org/schema/zeebe/1.0',
  flowable: 'http://flowable.org/bpmn',
  activiti: 'http://activiti.org/bpmn',
} as const;

export type Dialect = 'camunda' | 'zeebe' | 'flowable' | 'activiti' | 'bpmn';

/** Meanings a user task, start event, service task or process may carry. */
export type Meaning =
  | 'assignee'
  | 'candidateGroups'
  | 'candidateUsers'
  | 'formKey'
  | 'dueDate'
  | 'followUpDate'
  | 'priority'
  | 'initiator'
  | 'candidateStarterGroups'
  | 'candidateStarterUsers'
  | 'handler';

export const MEANINGS: Meaning[] = [
  'assignee',
  'candidateGroups',
  'candidateUsers',
  'formKey',
  'dueDate',
  'followUpDate',
  'priority',
  'initiator',
  'candidateStarterGroups',
  'candidateStarterUsers',
  'handler',
];

export interface DialectValues {
  values: Partial<Record<Meaning, string>>;
  /** Where each value came from, as written (`flowable:assignee`, `zeebe:assignmentDefinition`, …). */
  sources: Partial<Record<Meaning, string>>;
  /** zeebe:taskHeaders, read as properties. */
  headers: Record<string, string>;
  /** The handler is a Camunda 8 job type (so messages say "job type", not "handler"). */
  jobType?: boolean;
  problems: string[];
}

/** Prefix → namespace URI of a document, from the declarations on `definitions`. */
export function namespacesOf(definitions: any): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(definitions?.$attrs ?? {})) {
    if (k.startsWith('xmlns:')) out.set(k.slice(6), String(v));
  }
  return out;
}

/** Which dialect a qualified name (`flowable:assignee`) belongs to, by its namespace. */
function dialectOf(qname: string, ns: Map<string, string>): { dialect?: Dialect; local: string } {
  const at = qname.indexOf(':');
  if (at < 0) return { local: qname };
  const prefix = qname.slice(0, at);
  const uri = ns.get(prefix);
  const local = qname.slice(at + 1);
  for (const [d, u] of Object.entries(NS) as [Dialect, string][]) if (uri === u || (!uri && prefix === d)) return { dialect: d, local };
  return { local };
}

/** Flowable/Activiti attribute names → meanings. */
const ATTRS: Record<string, Meaning> = {
  assignee: 'assignee',
  candidateGroups: 'candidateGroups',
  candidateUsers: 'candidateUsers',
  formKey: 'formKey',
  dueDate: 'dueDate',
  priority: 'priority',
  initiator: 'initiator',
  candidateStarterGroups: 'candidateStarterGroups',
  candidateStarterUsers: 'candidateStarterUsers',
};

/** Camunda 7 properties (typed by camunda-bpmn-moddle) → meanings. */
const CAMUNDA_PROPS: Meaning[] = ['assignee', 'candidateGroups', 'candidateUsers', 'formKey', 'dueDate', 'followUpDate', 'priority', 'initiator', 'candidateStarterGroups', 'candidateStarterUsers'];

/**
 * Every dialect's values of one element. Usage:
 * `const d = readDialects(el, namespacesOf(definitions)); d.values.assignee`.
 */
export function readDialects(el: any, ns: Map<string, string>): DialectValues {
  const out: DialectValues = { values: {}, sources: {}, headers: {}, problems: [] };
  const set = (m: Meaning, value: unknown, source: string) => {
    if (value === undefined || value === null || String(value).trim() === '') return;
    const v = String(value).trim();
    const prev = out.values[m];
    if (prev !== undefined && prev !== v && !sameList(prev, v)) {
      out.problems.push(`${out.sources[m]}="${prev}" 与 ${source}="${v}" 矛盾：同一元素上两种方言给出了不同的值，请只保留一个`);
      return;
    }
    out.values[m] = v;
    out.sources[m] ??= source;
  };
  for (const p of CAMUNDA_PROPS) if (typeof el[p] === 'string') set(p, el[p], `camunda:${p}`);
  if (el.topic) set('handler', el.topic, 'camunda:topic');
  for (const [qname, value] of Object.entries(el.$attrs ?? {})) {
    const { dialect, local } = dialectOf(qname, ns);
    if ((dialect === 'flowable' || dialect === 'activiti') && ATTRS[local]) set(ATTRS[local], value, qname);
    if ((dialect === 'flowable' || dialect === 'activiti') && local === 'topic' && /external/i.test(String(el.$attrs[`${qname.split(':')[0]}:type`] ?? ''))) {
      set('handler', value, qname);
    }
  }
  for (const ext of el.extensionElements?.values ?? []) readZeebe(ext, ns, set, out);
  readResources(el, set);
  return out;
}

function readZeebe(ext: any, ns: Map<string, string>, set: (m: Meaning, v: unknown, s: string) => void, out: DialectValues): void {
  const { dialect, local } = dialectOf(String(ext.$type ?? ''), ns);
  if (dialect !== 'zeebe') return;
  const a = { ...(ext.$attrs ?? {}), ...ext };
  const src = `zeebe:${local}`;
  if (local === 'assignmentDefinition') {
    set('assignee', zeebeValue(a.assignee), `${src} assignee`);
    set('candidateGroups', zeebeValue(a.candidateGroups), `${src} candidateGroups`);
    set('candidateUsers', zeebeValue(a.candidateUsers), `${src} candidateUsers`);
  } else if (local === 'formDefinition') {
    set('formKey', a.formId ?? a.formKey, `${src} ${a.formId ? 'formId' : 'formKey'}`);
  } else if (local === 'taskSchedule') {
    set('dueDate', a.dueDate, `${src} dueDate`);
    set('followUpDate', a.followUpDate, `${src} followUpDate`);
  } else if (local === 'priorityDefinition') {
    set('priority', a.priority, `${src} priority`);
  } else if (local === 'taskDefinition') {
    set('handler', a.type, `${src} type`);
    out.jobType = true;
  } else if (local === 'taskHeaders') {
    for (const h of childrenOf(ext)) {
      const hv = { ...(h.$attrs ?? {}), ...h };
      if (hv.key) out.headers[String(hv.key)] = String(hv.value ?? '');
    }
  }
}

/** Zeebe writes FEEL lists as `=["a","b"]` or plain `a,b`; both become a comma list. */
function zeebeValue(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  const list = /^=\s*\[(.*)\]\s*$/.exec(t);
  if (list && /^(\s*"[^"]*"\s*,?)*$/.test(list[1])) return [...list[1].matchAll(/"([^"]*)"/g)].map((m) => m[1]).join(',');
  const str = /^=\s*"([^"]*)"\s*$/.exec(t);
  if (str) return str[1];
  return t;
}

function childrenOf(ext: any): any[] {
  return ext.$children ?? ext.values ?? [];
}

function sameList(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .sort()
      .join(',');
  return norm(a) === norm(b);
}

/**
 * Standard BPMN resource assignment: `potentialOwner` (candidates) and `humanPerformer` /
 * `performer` (the assignee) with a formal expression: `user(id)`, `group(id)`, plain ids (groups
 * for potentialOwner, as Activiti and Flowable read them), comma lists, `${…}` expressions.
 */
function readResources(el: any, set: (m: Meaning, v: unknown, s: string) => void): void {
  const users: string[] = [];
  const groups: string[] = [];
  for (const r of el.resources ?? []) {
    const body = String(r.resourceAssignmentExpression?.expression?.body ?? '').trim();
    if (!body) continue;
    if (r.$type === 'bpmn:PotentialOwner') {
      for (const part of splitTop(body)) {
        const m = /^(user|group)\s*\(\s*([^)]*?)\s*\)$/.exec(part);
        if (m) (m[1] === 'user' ? users : groups).push(m[2]);
        else groups.push(part);
      }
    } else if (r.$type === 'bpmn:HumanPerformer' || r.$type === 'bpmn:Performer') {
      const m = /^user\s*\(\s*([^)]*?)\s*\)$/.exec(body);
      set('assignee', m ? m[1] : body, 'humanPerformer');
    }
  }
  if (users.length) set('candidateUsers', users.join(','), 'potentialOwner user(…)');
  if (groups.length) set('candidateGroups', groups.join(','), 'potentialOwner group(…)');
}

/** Splits on commas outside `${…}` and parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '{') depth++;
    if (c === ')' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out.filter(Boolean);
}
