import { evaluate, parseExpression } from 'feelin';

/**
 * Expressions in process files are FEEL (as in Camunda 8), never JavaScript.
 *
 * Two notations are accepted wherever the engine reads an expression (conditions, due dates,
 * timers, names):
 * - `=amount > 300000` — Camunda 8 style: everything after `=` is FEEL.
 * - `${decision == "approve"}` — Camunda 7 style: the JUEL operators `==`, `!=`, `&&`, `||`, `!`,
 *   `not`, `eq`, `ne`, `lt`, `gt`, `le`, `ge` and single-quoted strings are translated to FEEL;
 *   anything else inside `${…}` must already be FEEL. Text around `${…}` is a template.
 * Anything else is a literal string.
 */
export type Compiled =
  | { kind: 'literal'; value: string }
  | { kind: 'feel'; feel: string }
  | { kind: 'template'; parts: Array<string | { feel: string }> };

export interface ExpressionProblem {
  message: string;
  /** 0-based offset within the original expression text. */
  offset?: number;
}

const WHOLE = /^\$\{([\s\S]*)\}$/;
const ANY = /\$\{([\s\S]*?)\}/g;

/** Usage: `compile('${a == 1}')` → `{kind: 'feel', feel: 'a = 1'}`. Throws ExpressionSyntaxError. */
export function compile(text: string): Compiled {
  const trimmed = text.trim();
  if (trimmed.startsWith('=')) return { kind: 'feel', feel: checked(trimmed.slice(1), text, text.indexOf('=') + 1) };
  const whole = WHOLE.exec(trimmed);
  if (whole && !whole[1].includes('${')) {
    return { kind: 'feel', feel: checked(juelToFeel(whole[1]), text, text.indexOf('${') + 2) };
  }
  if (!text.includes('${')) return { kind: 'literal', value: text };
  const parts: Compiled & { kind: 'template' } = { kind: 'template', parts: [] };
  let last = 0;
  for (const m of text.matchAll(ANY)) {
    if (m.index! > last) parts.parts.push(text.slice(last, m.index));
    parts.parts.push({ feel: checked(juelToFeel(m[1]), text, m.index! + 2) });
    last = m.index! + m[0].length;
  }
  if (last < text.length) parts.parts.push(text.slice(last));
  return parts;
}

export class ExpressionSyntaxError extends Error {
  readonly offset?: number;
  constructor(message: string, offset?: number) {
    super(message);
    this.offset = offset;
  }
}

/** Returns the problem with an expression, or null if it compiles. For deploy-time checks. */
export function problemOf(text: string): ExpressionProblem | null {
  try {
    compile(text);
    return null;
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) return { message: err.message, offset: err.offset };
    throw err;
  }
}

function checked(feel: string, original: string, base: number): string {
  const src = feel.trim();
  if (!src) throw new ExpressionSyntaxError(`表达式为空：${original}`, base);
  const doubleEq = findOutsideStrings(src, '==');
  if (doubleEq >= 0) {
    throw new ExpressionSyntaxError(`FEEL 中比较相等请用 "=" 而不是 "=="（位置 ${base + doubleEq}）：${original}`, base + doubleEq);
  }
  let errorAt = -1;
  let tree;
  try {
    tree = parseExpression(src, {}, undefined);
  } catch (err) {
    throw new ExpressionSyntaxError(`表达式无法解析：${original}（${(err as Error).message}）`, base);
  }
  let why = '';
  tree.iterate({
    enter(node) {
      if (errorAt >= 0) return false;
      const parent = node.node.parent;
      if (node.type.isError) errorAt = node.from;
      else if (node.name === 'SimplePositiveUnaryTest' && parent?.name === 'Comparison') {
        // `a > > 3` parses as a comparison with a unary test and evaluates to null.
        errorAt = node.from;
        why = '比较运算符重复';
      } else if (node.name === 'VariableName' && node.node.getChildren('Identifier').length > 1 && parent?.name !== 'FunctionInvocation') {
        // FEEL allows spaces in names; in a process variable that is a missing operator.
        errorAt = node.from;
        why = `“${src.slice(node.from, node.to)}”之间缺少运算符`;
      }
      return undefined;
    },
  });
  if (errorAt >= 0) {
    throw new ExpressionSyntaxError(`表达式语法错误（位置 ${base + errorAt}${why ? '，' + why : ''}）：${original}`, base + errorAt);
  }
  return src;
}

function findOutsideStrings(src: string, needle: string): number {
  let quote = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"') quote = c;
    else if (src.startsWith(needle, i)) return i;
  }
  return -1;
}

const WORD_OPS: Record<string, string> = { eq: '=', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=', and: 'and', or: 'or' };

/**
 * Translates the JUEL operators Camunda 7 files use into FEEL. Unknown constructs pass through and
 * are caught by the FEEL parser afterwards.
 */
export function juelToFeel(src: string): string {
  const tokens = tokenize(src);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'op' && (t.text === '!' || t.text === 'not')) {
      // Wrap the operand: an identifier path (with calls/indexes) or a parenthesised group.
      const end = operandEnd(tokens, i + 1);
      if (end <= i + 1) throw new ExpressionSyntaxError(`"${t.text}" 后缺少操作数：${src}`, t.at);
      out.push('not(' + juelToFeel(tokens.slice(i + 1, end).map((x) => x.text).join(' ')) + ')');
      i = end - 1;
      continue;
    }
    if (t.kind === 'op') out.push(t.text === '==' ? '=' : t.text === '&&' ? 'and' : t.text === '||' ? 'or' : t.text);
    else if (t.kind === 'word' && WORD_OPS[t.text]) out.push(WORD_OPS[t.text]);
    else if (t.kind === 'word' && t.text === 'empty') throw new ExpressionSyntaxError(`不支持 JUEL 的 empty 运算符，请写成 x = null：${src}`, t.at);
    else out.push(t.text);
  }
  return out.join(' ').replace(/ ([.,)\]]) ?/g, '$1').replace(/([([]) /g, '$1').replace(/ \(/g, '(').replace(/\b(and|or|not|in|between|if|then|else|for|return|some|every|satisfies)\(/g, '$1 (').replace(/not \(/g, 'not(');
}

interface Token {
  kind: 'str' | 'num' | 'word' | 'op' | 'punct';
  text: string;
  at: number;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          value += src[j + 1] === '"' ? '\\"' : src[j + 1];
          j += 2;
        } else {
          value += src[j] === '"' ? '\\"' : src[j];
          j++;
        }
      }
      if (j >= src.length) throw new ExpressionSyntaxError(`字符串缺少结束引号：${src}`, i);
      tokens.push({ kind: 'str', text: `"${value}"`, at: i });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      tokens.push({ kind: 'num', text: m[0], at: i });
      i += m[0].length;
    } else if (/[\p{L}_$]/u.test(c)) {
      const m = /^[\p{L}\p{N}_$]+/u.exec(src.slice(i))!;
      tokens.push({ kind: m[0] === 'not' ? 'op' : 'word', text: m[0], at: i });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '&&', '||', '<=', '>='].includes(two)) {
        tokens.push({ kind: 'op', text: two, at: i });
        i += 2;
      } else if ('!<>+-*/%'.includes(c)) {
        tokens.push({ kind: 'op', text: c, at: i });
        i++;
      } else {
        tokens.push({ kind: 'punct', text: c, at: i });
        i++;
      }
    }
  }
  return tokens;
}

function operandEnd(tokens: Token[], start: number): number {
  let i = start;
  if (i < tokens.length && tokens[i].kind === 'op' && (tokens[i].text === '!' || tokens[i].text === 'not')) {
    return operandEnd(tokens, i + 1);
  }
  const skipGroup = (open: string, close: string) => {
    let depth = 0;
    do {
      if (tokens[i].text === open) depth++;
      else if (tokens[i].text === close) depth--;
      i++;
    } while (i < tokens.length && depth > 0);
  };
  if (i < tokens.length && tokens[i].text === '(') {
    skipGroup('(', ')');
    return i;
  }
  if (i >= tokens.length || !['word', 'str', 'num'].includes(tokens[i].kind)) return start;
  i++;
  while (i < tokens.length) {
    if (tokens[i].text === '.' && tokens[i + 1]?.kind === 'word') i += 2;
    else if (tokens[i].text === '(') skipGroup('(', ')');
    else if (tokens[i].text === '[') skipGroup('[', ']');
    else break;
  }
  return i;
}

/** Thrown when an expression cannot be evaluated against the instance's variables. */
export class EvaluationError extends Error {}

const LENIENT = /\bnull\b/;

/**
 * Evaluates compiled FEEL against variables. A variable that does not exist is an error (as with
 * Camunda 7's JUEL), unless the expression compares with `null` (e.g. `=comment != null`), which is
 * how a process asks whether an optional variable is there.
 * Usage: `evaluateCompiled(compile('=a + 1'), {a: 1})` → 2.
 */
export function evaluateCompiled(c: Compiled, variables: Record<string, unknown>): unknown {
  if (c.kind === 'literal') return c.value;
  if (c.kind === 'feel') return evalFeel(c.feel, variables);
  return c.parts.map((p) => (typeof p === 'string' ? p : stringify(evalFeel(p.feel, variables)))).join('');
}

function evalFeel(feel: string, variables: Record<string, unknown>): unknown {
  let result;
  try {
    result = evaluate(feel, variables);
  } catch (err) {
    throw new EvaluationError(`表达式求值失败：${feel}（${(err as Error).message}）`);
  }
  if (!LENIENT.test(feel)) {
    const missing = result.warnings.filter((w) => w.type === 'NO_VARIABLE_FOUND');
    if (missing.length) {
      const names = missing.map((w) => feel.slice(w.position.from, w.position.to));
      throw new EvaluationError(`表达式引用了不存在的变量 ${names.join('、')}：${feel}`);
    }
  }
  return normalise(result.value);
}

function normalise(value: unknown): unknown {
  // FEEL temporal values print as ISO text; the engine stores plain JSON.
  if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as object).toString === 'function') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return String(value);
  }
  return value;
}

function stringify(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Evaluates a condition; anything but a boolean is an error, never a silent false. */
export function evaluateCondition(c: Compiled, variables: Record<string, unknown>): boolean {
  const value = evaluateCompiled(c, variables);
  if (typeof value !== 'boolean') {
    const src = c.kind === 'feel' ? c.feel : JSON.stringify(c);
    throw new EvaluationError(`条件表达式的结果不是布尔值（得到 ${JSON.stringify(value)}）：${src}`);
  }
  return value;
}
