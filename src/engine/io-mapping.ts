import { compile, evaluateCompiled, problemOf } from '../lib/feel.ts';

/**
 * Input/output mappings (issue 11, item 9): `camunda:inputOutput` (Camunda 7) and `zeebe:ioMapping`
 * (Camunda 8) on tasks and sub-processes. No code runs: every value is a literal, a FEEL/JUEL
 * expression, or (Camunda 7) a literal list or map of such values; `camunda:script` is refused.
 *
 * Inputs are evaluated against the instance's variables when the activity starts: a user task sees
 * them as its own variables (its assignee, candidates and due date may use them, and they are kept
 * on the task row), a service task's handler gets them with the variables. Outputs are evaluated
 * when the activity ends, against the variables, the inputs and what the activity produced (the
 * submitted form, the handler's result), and are written to the instance's variables.
 */

/** A value: a literal or expression text, or a list or map of values. */
export type IoValue = { text: string } | { list: IoValue[] } | { map: Array<[string, IoValue]> };

export interface IoMapping {
  inputs: Array<{ name: string; value: IoValue }>;
  outputs: Array<{ name: string; value: IoValue }>;
}

const NAME = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/**
 * The element's mapping, or undefined; `problem` receives every reason to refuse it.
 * Usage: `info.io = ioMappingOf(el, label(el), (m) => problems.push({ element: el.id, message: m }))`.
 */
export function ioMappingOf(el: any, label: string, problem: (message: string) => void): IoMapping | undefined {
  const io: IoMapping = { inputs: [], outputs: [] };
  for (const ext of el.extensionElements?.values ?? []) {
    const type = String(ext.$type ?? '');
    if (type === 'camunda:InputOutput') {
      for (const p of ext.inputParameters ?? []) io.inputs.push({ name: p.name, value: camundaValue(p, label, problem) });
      for (const p of ext.outputParameters ?? []) io.outputs.push({ name: p.name, value: camundaValue(p, label, problem) });
    } else if (type.endsWith(':ioMapping')) {
      // Only Camunda 8 (zeebe:) defines ioMapping, whatever prefix the file gives its namespace.
      for (const c of ext.$children ?? ext.values ?? []) {
        const a = { ...(c.$attrs ?? {}), ...c };
        const kind = String(c.$type ?? '').split(':')[1];
        const entry = { name: String(a.target ?? ''), value: { text: String(a.source ?? '') } };
        if (kind === 'input') io.inputs.push(entry);
        else if (kind === 'output') io.outputs.push(entry);
      }
    }
  }
  if (!io.inputs.length && !io.outputs.length) return undefined;
  for (const p of [...io.inputs, ...io.outputs]) {
    if (!p.name || !NAME.test(p.name)) problem(`${label} 的输入/输出映射中 "${p.name}" 不是有效的变量名`);
    for (const text of texts(p.value)) {
      const bad = problemOf(text);
      if (bad) problem(`${label} 的输入/输出映射 ${p.name} 的表达式有误：${bad.message}`);
    }
  }
  return io;
}

function camundaValue(p: any, label: string, problem: (message: string) => void): IoValue {
  const def = p.definition;
  if (!def) return { text: String(p.value ?? '') };
  if (def.$type === 'camunda:Script') {
    problem(`${label} 的输入/输出映射 ${p.name ?? p.key ?? ''} 使用了脚本（camunda:script）：上传的流程不允许运行代码，请改用 FEEL 表达式`);
    return { text: '' };
  }
  if (def.$type === 'camunda:List') return { list: (def.items ?? []).map((i: any) => camundaValue({ definition: i.$type === 'camunda:Value' ? undefined : i, value: i.value }, label, problem)) };
  if (def.$type === 'camunda:Map') return { map: (def.entries ?? []).map((e: any) => [String(e.key ?? ''), camundaValue(e, label, problem)] as [string, IoValue]) };
  return { text: String(def.value ?? p.value ?? '') };
}

function texts(v: IoValue): string[] {
  if ('text' in v) return [v.text];
  if ('list' in v) return v.list.flatMap(texts);
  return v.map.flatMap(([, x]) => texts(x));
}

function evaluateValue(v: IoValue, scope: Record<string, unknown>): unknown {
  if ('list' in v) return v.list.map((x) => evaluateValue(x, scope));
  if ('map' in v) return Object.fromEntries(v.map.map(([k, x]) => [k, evaluateValue(x, scope)]));
  if (v.text === '') return null;
  return evaluateCompiled(compile(v.text), scope);
}

/** The inputs' values, each seeing the variables and the inputs before it. */
export function evaluateInputs(io: IoMapping | undefined, variables: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of io?.inputs ?? []) out[p.name] = evaluateValue(p.value, { ...variables, ...out });
  return out;
}

/** The outputs' values, to be written to the instance's variables. */
export function evaluateOutputs(io: IoMapping | undefined, scope: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of io?.outputs ?? []) out[p.name] = evaluateValue(p.value, scope);
  return out;
}
