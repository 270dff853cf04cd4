import { DmnModdle } from 'dmn-moddle';
import { parseExpression, parseUnaryTests, unaryTest } from 'feelin';

/**
 * Reading a DMN 1.3 file into the decision tables the engine evaluates, and every reason to refuse
 * it. Only decision tables are supported (no literal expressions, no required decisions): what is
 * not supported is refused at deploy, naming the decision.
 */

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'PRIORITY' | 'ANY' | 'COLLECT' | 'RULE ORDER';
export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';

export interface TableInput {
  id: string;
  label?: string;
  /** FEEL expression giving the input value (usually a variable name). */
  expression: string;
}

export interface TableOutput {
  id: string;
  name: string;
  label?: string;
  /** Allowed values in priority order (unary test literals), for hit policy PRIORITY. */
  values?: string[];
}

export interface TableRule {
  id: string;
  description?: string;
  /** FEEL unary tests, one per input ('-' or '' matches anything). */
  inputEntries: string[];
  /** FEEL expressions, one per output ('' gives null). */
  outputEntries: string[];
}

export interface DecisionTable {
  hitPolicy: HitPolicy;
  aggregation?: Aggregation;
  inputs: TableInput[];
  outputs: TableOutput[];
  rules: TableRule[];
}

export interface DecisionInfo {
  id: string;
  name?: string;
  table: DecisionTable;
}

export interface DmnProblem {
  element?: string;
  line?: number;
  column?: number;
  message: string;
}

const HIT_POLICIES = new Set(['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER']);

const label = (el: any) => (el.name ? `${el.id}（${el.name}）` : el.id);

/**
 * Parses and checks a DMN file; `problems` lists everything wrong with it at once.
 * Usage: `const { decisions, problems } = await parseDmn(xml)`.
 */
export async function parseDmn(xml: string): Promise<{ decisions: DecisionInfo[]; problems: DmnProblem[] }> {
  let root: any;
  let warnings: any[] = [];
  try {
    const res = await new DmnModdle().fromXML(xml.trim(), 'dmn:Definitions');
    root = res.rootElement;
    warnings = res.warnings ?? [];
  } catch (err) {
    return { decisions: [], problems: [{ message: `DMN 文件无法解析：${(err as Error).message.split('\n')[0]}` }] };
  }
  const problems: DmnProblem[] = [];
  for (const w of warnings) {
    const msg = String(w.message ?? w).split('\n')[0];
    if (/unknown (type|attribute)|unparsable content/i.test(msg) && !/dmndi|biodi|camunda/i.test(msg)) problems.push({ message: `DMN 文件有无法识别的内容：${msg}` });
  }
  if (root?.$type !== 'dmn:Definitions') return { decisions: [], problems: [{ message: 'DMN 文件的根元素应为 definitions（DMN 1.3）' }] };
  const decisions: DecisionInfo[] = [];
  for (const d of root.drgElement ?? []) {
    if (d.$type === 'dmn:InputData' || d.$type === 'dmn:KnowledgeSource' || d.$type === 'dmn:TextAnnotation') continue;
    if (d.$type !== 'dmn:Decision') {
      problems.push({ element: d.id, message: `不支持的 DMN 元素 ${d.$type.replace('dmn:', '')}：${label(d)}` });
      continue;
    }
    if (d.informationRequirement?.some((r: any) => r.requiredDecision)) {
      problems.push({ element: d.id, message: `决策 ${label(d)} 依赖其他决策（requiredDecision）：暂只支持独立的决策表` });
      continue;
    }
    const table = d.decisionLogic;
    if (table?.$type !== 'dmn:DecisionTable') {
      problems.push({ element: d.id, message: `决策 ${label(d)} 不是决策表（${table?.$type?.replace('dmn:', '') ?? '无决策逻辑'}）：暂只支持决策表` });
      continue;
    }
    const read = readTable(d, table, problems);
    if (read) decisions.push({ id: d.id, name: d.name, table: read });
  }
  if (!decisions.length && !problems.length) problems.push({ message: 'DMN 文件中没有决策表' });
  const ids = decisions.map((d) => d.id);
  if (new Set(ids).size !== ids.length) problems.push({ message: 'DMN 文件中有重复的决策 id' });
  return { decisions, problems };
}

function readTable(d: any, t: any, problems: DmnProblem[]): DecisionTable | null {
  const before = problems.length;
  const where = `决策表 ${label(d)}`;
  const hitPolicy = String(t.hitPolicy ?? 'UNIQUE');
  if (!HIT_POLICIES.has(hitPolicy)) problems.push({ element: d.id, message: `${where} 的命中策略 ${hitPolicy} 暂不支持（支持 UNIQUE、FIRST、PRIORITY、ANY、COLLECT、RULE ORDER）` });
  const aggregation = t.aggregation ? String(t.aggregation) : undefined;
  if (aggregation && hitPolicy !== 'COLLECT') problems.push({ element: d.id, message: `${where}：聚合（${aggregation}）只能用于 COLLECT 命中策略` });
  if (aggregation && !['SUM', 'MIN', 'MAX', 'COUNT'].includes(aggregation)) problems.push({ element: d.id, message: `${where} 的聚合 ${aggregation} 不支持` });
  const inputs: TableInput[] = (t.input ?? []).map((i: any, n: number) => {
    const expression = String(i.inputExpression?.text ?? '').trim();
    if (!expression) problems.push({ element: d.id, message: `${where} 的第 ${n + 1} 个输入（${i.label ?? i.id}）没有输入表达式` });
    else if (feelError(expression, false)) problems.push({ element: d.id, message: `${where} 的输入表达式 "${expression}" 不是有效的 FEEL 表达式` });
    return { id: i.id, label: i.label, expression };
  });
  const outputs: TableOutput[] = (t.output ?? []).map((o: any, n: number) => {
    const name = o.name ?? (t.output.length === 1 ? (o.label ?? o.id) : undefined);
    if (!name) problems.push({ element: d.id, message: `${where} 的第 ${n + 1} 个输出（${o.label ?? o.id}）没有名称（name）：多个输出时每个输出都须有名称` });
    const values = unaryValues(o.outputValues?.text);
    return { id: o.id, name: name ?? o.id, label: o.label, ...(values && { values }) };
  });
  if (!outputs.length) problems.push({ element: d.id, message: `${where} 没有输出列` });
  if (aggregation && outputs.length !== 1) problems.push({ element: d.id, message: `${where}：COLLECT ${aggregation} 聚合要求只有一个输出列` });
  if (hitPolicy === 'PRIORITY' && !outputs.some((o) => o.values?.length)) {
    problems.push({ element: d.id, message: `${where} 使用 PRIORITY 命中策略，须在输出列上给出按优先级排列的输出值（outputValues，如 "高","中","低"）` });
  }
  const rules: TableRule[] = (t.rule ?? []).map((r: any, n: number) => {
    const inputEntries = (r.inputEntry ?? []).map((e: any) => String(e.text ?? '').trim());
    const outputEntries = (r.outputEntry ?? []).map((e: any) => String(e.text ?? '').trim());
    const at = `${where} 的第 ${n + 1} 条规则`;
    if (inputEntries.length !== inputs.length) problems.push({ element: r.id ?? d.id, message: `${at} 有 ${inputEntries.length} 个输入条目，表有 ${inputs.length} 个输入列` });
    if (outputEntries.length !== outputs.length) problems.push({ element: r.id ?? d.id, message: `${at} 有 ${outputEntries.length} 个输出条目，表有 ${outputs.length} 个输出列` });
    inputEntries.forEach((e: string, k: number) => {
      if (e && e !== '-' && feelError(e, true)) problems.push({ element: r.id ?? d.id, message: `${at} 的第 ${k + 1} 个输入条目 "${e}" 不是有效的 FEEL 一元测试（如 > 100、[1..10]、"甲","乙"、-）` });
    });
    outputEntries.forEach((e: string, k: number) => {
      if (e && feelError(e, false)) problems.push({ element: r.id ?? d.id, message: `${at} 的第 ${k + 1} 个输出条目 "${e}" 不是有效的 FEEL 表达式` });
    });
    return { id: r.id ?? `rule-${n + 1}`, ...(r.description && { description: r.description }), inputEntries, outputEntries };
  });
  if (problems.length > before) return null;
  return { hitPolicy: hitPolicy as HitPolicy, ...(aggregation && { aggregation: aggregation as Aggregation }), inputs, outputs, rules };
}

/** Whether `text` fails to parse as a FEEL expression (or unary tests). */
function feelError(text: string, unary: boolean): boolean {
  try {
    const tree = unary ? parseUnaryTests(text, {}, undefined) : parseExpression(text, {}, undefined);
    let bad = false;
    tree.iterate({
      enter: (n: any) => {
        if (n.type.isError) bad = true;
      },
    });
    if (bad || !unary || /[A-Za-z_\u4e00-\u9fa5]/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return bad;
    // Literal-only tests that parse but cannot run (feelin reads `>> 3` as a range): tried once.
    unaryTest(text, { '?': null });
    return false;
  } catch {
    return true;
  }
}

/** `"high","low"` → ['"high"', '"low"'] (kept as FEEL literals, compared after evaluation). */
function unaryValues(text: unknown): string[] | undefined {
  if (typeof text !== 'string' || !text.trim()) return undefined;
  const out = text.match(/"(?:[^"\\]|\\.)*"|[^,\s][^,]*/g)?.map((s) => s.trim()).filter(Boolean);
  return out?.length ? out : undefined;
}
