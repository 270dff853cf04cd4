import { evaluate, unaryTest } from 'feelin';
import type { DecisionTable } from './model.ts';

/**
 * Evaluating a decision table against the instance's variables (FEEL, no code), applying its hit
 * policy, and mapping the result the way Camunda 7 (`camunda:mapDecisionResult`) or Camunda 8
 * (`zeebe:calledDecision`) hand it to the process.
 */

/** A decision that cannot give a result (UNIQUE with two matches, singleEntry of a list …). */
export class DecisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionError';
  }
}

export type MapDecisionResult = 'singleEntry' | 'singleResult' | 'collectEntries' | 'resultList' | 'zeebe';

export interface DecisionOutcome {
  /** The input values the rules were tested against, by input label (or expression). */
  inputs: Record<string, unknown>;
  /** Ids of the matched rules, in rule order, before the hit policy chose. */
  matched: string[];
  /** One map of output name → value per chosen rule (or the aggregate). */
  result: Array<Record<string, unknown>>;
}

/**
 * Usage: `const out = evaluateTable(table, { partyType: 'person', amount: 800 })`.
 * Throws DecisionError when the hit policy is violated.
 */
export function evaluateTable(table: DecisionTable, variables: Record<string, unknown>): DecisionOutcome {
  const values = table.inputs.map((i) => feel(i.expression, variables));
  const inputs: Record<string, unknown> = {};
  table.inputs.forEach((i, n) => (inputs[i.label || i.expression] = values[n]));
  const hits = table.rules.filter((r) => r.inputEntries.every((e, n) => matches(e, values[n], variables)));
  const outputsOf = (r: (typeof hits)[number]) => {
    const o: Record<string, unknown> = {};
    table.outputs.forEach((out, n) => (o[out.name] = r.outputEntries[n] ? feel(r.outputEntries[n], variables) : null));
    return o;
  };
  const rows = hits.map(outputsOf);
  const matched = hits.map((r) => r.id);
  let result: Array<Record<string, unknown>>;
  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (rows.length > 1) throw new DecisionError(`命中策略 UNIQUE 要求至多命中一条规则，实际命中 ${rows.length} 条（${matched.join('、')}）`);
      result = rows;
      break;
    case 'FIRST':
      result = rows.slice(0, 1);
      break;
    case 'ANY':
      if (new Set(rows.map((r) => JSON.stringify(r))).size > 1) throw new DecisionError(`命中策略 ANY 要求命中的规则输出相同，实际命中的 ${matched.join('、')} 输出不同`);
      result = rows.slice(0, 1);
      break;
    case 'PRIORITY':
      result = rows.length ? [byPriority(table, rows)] : [];
      break;
    case 'RULE ORDER':
      result = rows;
      break;
    case 'COLLECT':
      result = table.aggregation ? aggregate(table, rows) : rows;
      break;
  }
  return { inputs, matched, result };
}

/**
 * The value handed to the process. Camunda 7: `singleEntry` (one value), `singleResult` (one map),
 * `collectEntries` (the values of the one output), `resultList` (the default: every map).
 * Camunda 8: one value or map for single-result hit policies, a list for COLLECT and RULE ORDER.
 */
export function mapResult(table: DecisionTable, result: Array<Record<string, unknown>>, mode: MapDecisionResult): unknown {
  const single = (what: string) => {
    if (result.length > 1) throw new DecisionError(`结果映射 ${what} 要求至多一条结果，实际 ${result.length} 条：请改用 collectEntries 或 resultList`);
    return result[0];
  };
  const oneOutput = (what: string) => {
    if (table.outputs.length > 1 && !table.aggregation) throw new DecisionError(`结果映射 ${what} 要求决策表只有一个输出列，实际 ${table.outputs.length} 个：请改用 singleResult 或 resultList`);
  };
  switch (mode) {
    case 'singleEntry': {
      oneOutput('singleEntry');
      const r = single('singleEntry');
      return r ? Object.values(r)[0] : null;
    }
    case 'singleResult':
      return single('singleResult') ?? null;
    case 'collectEntries':
      oneOutput('collectEntries');
      return result.map((r) => Object.values(r)[0]);
    case 'resultList':
      return result;
    case 'zeebe': {
      const many = table.hitPolicy === 'RULE ORDER' || (table.hitPolicy === 'COLLECT' && !table.aggregation);
      const unwrap = (r: Record<string, unknown>) => (table.outputs.length === 1 || table.aggregation ? Object.values(r)[0] : r);
      if (many) return result.map(unwrap);
      return result[0] ? unwrap(result[0]) : null;
    }
  }
}

function feel(expression: string, variables: Record<string, unknown>): unknown {
  let res;
  try {
    res = evaluate(expression, variables);
  } catch (err) {
    throw new DecisionError(`FEEL 表达式 "${expression}" 求值失败：${(err as Error).message}`);
  }
  return plain(res.value);
}

function matches(entry: string, value: unknown, variables: Record<string, unknown>): boolean {
  if (!entry || entry === '-') return true;
  try {
    return unaryTest(entry, { ...variables, '?': value }).value === true;
  } catch (err) {
    throw new DecisionError(`输入条目 "${entry}" 求值失败：${(err as Error).message}`);
  }
}

/** PRIORITY: the row whose outputs come first in the outputs' value lists (outputs left to right). */
function byPriority(table: DecisionTable, rows: Array<Record<string, unknown>>): Record<string, unknown> {
  const rank = (row: Record<string, unknown>) =>
    table.outputs.map((o) => {
      if (!o.values?.length) return 0;
      const i = o.values.findIndex((v) => feel(v, {}) === row[o.name]);
      return i < 0 ? o.values.length : i;
    });
  return [...rows].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return 0;
  })[0];
}

function aggregate(table: DecisionTable, rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  const name = table.outputs[0].name;
  const values = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
  if (table.aggregation === 'COUNT') return [{ [name]: values.length }];
  if (!values.length) return [];
  const numbers = values.map((v) => {
    if (typeof v !== 'number') throw new DecisionError(`COLLECT ${table.aggregation} 只能聚合数值，"${name}" 的值 ${JSON.stringify(v)} 不是数值`);
    return v;
  });
  if (table.aggregation === 'SUM') return [{ [name]: numbers.reduce((a, b) => a + b, 0) }];
  if (table.aggregation === 'MIN') return [{ [name]: Math.min(...numbers) }];
  return [{ [name]: Math.max(...numbers) }];
}

/** FEEL values as plain JSON (temporal values as their ISO text). */
function plain(v: unknown): unknown {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return String(v);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}
