/**
 * Lenient reading of BPMN files, where other BPMN engines (Camunda 7, Flowable, Activiti) are
 * lenient too (issue 12, item 2). Works on the moddle tree right after parsing, before the model is
 * read, so that the deploy check and every later parse of a stored file agree:
 *
 * - the process to run: `isExecutable="true"`, or — when no process says so — the one process not
 *   marked `isExecutable="false"` and not called by a call activity of the same file; a file whose
 *   processes are all `isExecutable="false"` is stored (viewable, downloadable) but not startable;
 * - flow elements without an id (legal in BPMN, common in Flowable files) get a deterministic id;
 * - an empty `<laneSet/>` (Bizagi exports) gets an empty lane list;
 * - parser warnings that do not change what runs become notes; the others stay problems.
 */

export interface LenientProblem {
  element?: string;
  line?: number;
  column?: number;
  message: string;
}

export interface ModdleWarning {
  message: string;
  element?: any;
  property?: string;
  value?: unknown;
}

/**
 * References whose target changes what runs: a dangling one is a problem. Any other unresolved
 * reference (`itemSubjectRef="xsd:string"`, `structureRef`, lanes' `flowNodeRef`, diagram
 * `bpmnElement` …) only describes the process and becomes a note.
 */
const EXECUTION_REFERENCES = new Set([
  'sourceRef',
  'targetRef',
  'attachedToRef',
  'messageRef',
  'default',
  'errorRef',
  'signalRef',
  'escalationRef',
  'eventDefinitionRef',
  'processRef',
]);

/** The types a sequence-flow `sourceRef`/`targetRef` only matters for (message flows, associations only draw). */
const DRAWN_ONLY = new Set(['bpmn:MessageFlow', 'bpmn:Association', 'bpmn:DataInputAssociation', 'bpmn:DataOutputAssociation', 'bpmndi:BPMNEdge', 'bpmndi:BPMNShape']);

/**
 * Splits moddle's warnings into problems (refuse the deployment) and notes (deploy, but say so).
 * Usage: `const { problems, notes } = classifyWarnings(moddleContext.warnings, xmlProblem)`.
 */
export function classifyWarnings(
  warnings: ModdleWarning[],
  toProblem: (raw: string, prefix: string, element?: string) => LenientProblem,
): { problems: LenientProblem[]; notes: string[] } {
  const problems: LenientProblem[] = [];
  const notes = new Set<string>();
  for (const w of warnings) {
    const msg = String(w.message ?? '');
    if (/^unsupported document encoding/.test(msg)) continue; // the text reached us decoded already
    const unknownAttr = /^unknown attribute <([^>]+)>/.exec(msg);
    if (unknownAttr) {
      notes.add(`已忽略${w.element?.id ? `元素 ${w.element.id} 上` : ''}不起作用的属性 ${unknownAttr[1]}`);
      continue;
    }
    const unresolved = /^unresolved reference <([^>]*)>/.exec(msg);
    if (unresolved) {
      const type: string = w.element?.$type ?? '';
      const property = String(w.property ?? '').replace(/^bpmn:/, '');
      if (!EXECUTION_REFERENCES.has(property) || DRAWN_ONLY.has(type) || type.startsWith('bpmndi:')) {
        notes.add(`已忽略无法解析的引用 ${property}="${unresolved[1]}"${w.element?.id ? `（元素 ${w.element.id}）` : ''}：它不影响流程运行`);
        continue;
      }
    }
    problems.push(toProblem(msg, '文件内容不符合 BPMN 2.0 规范', w.element?.id));
  }
  return { problems, notes: [...notes].slice(0, 20) };
}

/**
 * Chooses the process this file runs and marks it (alone) executable in the moddle tree.
 * Returns the process, or a problem saying why none can be chosen.
 */
export function chooseProcess(definitions: any): { process?: any; problem?: string; note?: string; stored?: any } {
  const processes: any[] = (definitions?.rootElements ?? []).filter((r: any) => r.$type === 'bpmn:Process');
  if (!processes.length) return { problem: '文件中没有流程（bpmn:process）' };
  let candidates = processes.filter((p) => p.isExecutable === true);
  const explicit = candidates.length > 0;
  // An empty process is a black-box pool of a collaboration (Bizagi writes one per participant): never run.
  if (!explicit) candidates = processes.filter((p) => p.isExecutable !== false && (p.flowElements?.length ?? 0) > 0);
  if (candidates.length > 1) {
    const called = calledIds(processes);
    const roots = candidates.filter((p) => !called.has(p.id));
    if (roots.length === 1) candidates = roots;
  }
  if (!candidates.length) {
    // Every process is a description (documentation models, MIWG reference files): stored and
    // versioned like Camunda 7 stores the resource, but nothing can start it. Keyed by the first
    // process with content.
    const described = processes.find((p) => (p.flowElements?.length ?? 0) > 0) ?? processes[0];
    return { stored: described };
  }
  if (candidates.length > 1) {
    return {
      problem: `一个文件只能运行一个流程，发现 ${candidates.length} 个可执行流程（${candidates.map((p) => p.id).join('、')}）：请只把要运行的流程标记为 isExecutable="true"，其余标记为 isExecutable="false"`,
    };
  }
  const chosen = candidates[0];
  for (const p of processes) p.isExecutable = p === chosen;
  return { process: chosen, ...(!explicit && { note: `流程 ${chosen.id} 未声明 isExecutable，按可执行流程部署（与 Camunda 7 / Flowable 相同）` }) };
}

function calledIds(processes: any[]): Set<string> {
  const out = new Set<string>();
  const visit = (elements: any[]) => {
    for (const el of elements ?? []) {
      if (el.$type === 'bpmn:CallActivity' && typeof el.calledElement === 'string') out.add(el.calledElement);
      if (el.flowElements) visit(el.flowElements);
    }
  };
  for (const p of processes) visit(p.flowElements);
  return out;
}

/**
 * Gives every flow element without an id a deterministic one (`Flow_<source>_<target>` for a
 * sequence flow, `<Type>_<n>` otherwise) and every lane set a lane list. Returns notes.
 */
export function fillGaps(process: any): string[] {
  const notes: string[] = [];
  const taken = new Set<string>();
  const collect = (container: any) => {
    for (const el of container.flowElements ?? []) {
      if (el.id) taken.add(el.id);
      if (el.flowElements) collect(el);
    }
  };
  collect(process);
  const unique = (base: string) => {
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    return id;
  };
  let counter = 0;
  const fill = (container: any) => {
    for (const ls of container.laneSets ?? []) if (!Array.isArray(ls.lanes)) ls.lanes = [];
    for (const el of container.flowElements ?? []) {
      if (!el.id) {
        const local = String(el.$type).replace(/^bpmn:/, '');
        el.id =
          el.$type === 'bpmn:SequenceFlow' && el.sourceRef?.id && el.targetRef?.id
            ? unique(`Flow_${el.sourceRef.id}_${el.targetRef.id}`)
            : unique(`${local}_${++counter}`);
        notes.push(`${local === 'SequenceFlow' ? '顺序流' : local} 没有 id，已按位置生成 ${el.id}`);
      }
      if (el.flowElements) fill(el);
    }
  };
  fill(process);
  return notes;
}

/**
 * Message flows connect pools; this engine runs one process per instance and correlates messages
 * by name, so they never change what runs. A flow from or to a pool without a process (a "black
 * box" participant, common in collaboration diagrams) even breaks the engine's serializer, so
 * message flows are hidden from the engine altogether.
 */
export function pruneMessageFlows(moddleContext: any): void {
  for (const r of moddleContext?.rootElement?.rootElements ?? []) {
    if (r.$type === 'bpmn:Collaboration' && r.messageFlows?.length) r.messageFlows = [];
  }
  moddleContext.references = (moddleContext?.references ?? []).filter((r: any) => r.element?.$type !== 'bpmn:MessageFlow');
}

/** Top-level elements that only describe types and partners; the engine has no element for them. */
const DESCRIPTIVE_ROOTS = new Set(['bpmn:ItemDefinition', 'bpmn:Resource', 'bpmn:Interface', 'bpmn:EndPoint']);

/**
 * Hides descriptive top-level elements from the engine (its serializer would take them for
 * activities). Called after the model is read; references to them stay valid objects.
 */
export function hideDescriptiveRoots(definitions: any): void {
  if (!Array.isArray(definitions?.rootElements)) return;
  definitions.rootElements = definitions.rootElements.filter((r: any) => !DESCRIPTIVE_ROOTS.has(r.$type));
}
