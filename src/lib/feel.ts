import { evaluate, isFunction, parseExpression } from 'feelin';

/**
 * Expressions in process files are FEEL (as in Camunda 8), never JavaScript.
 *
 * Two notations are accepted wherever the engine reads an expression (conditions, due dates,
 * timers, names):
 * - `=amount > 300000` — Camunda 8 style: everything after `=` is FEEL.
 * - `${decision == "approve"}` (or `#{…}`) — Camunda 7 style: the JUEL operators `==`, `!=`, `&&`, `||`, `!`,
 *   `not`, `eq`, `ne`, `lt`, `gt`, `le`, `ge`, single-quoted strings and the Java methods of
 *   JUEL_METHODS (`list.contains(x)`, `size()`, `isEmpty()`, `startsWith`, `equals`,
 *   `execution.getVariable("x")` …) are translated to FEEL; anything else inside `${…}` must already
 *   be FEEL. Text around `${…}` is a template.
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

/** Usage: `compile('${a == 1}')` → `{kind: 'feel', feel: 'a = 1'}`. Throws ExpressionSyntaxError. */
export function compile(text: string): Compiled {
  const trimmed = text.trim();
  if (trimmed.startsWith('=')) return { kind: 'feel', feel: checked(trimmed.slice(1), text, text.indexOf('=') + 1) };
  const pieces = splitTemplate(text);
  if (!pieces.some((p) => typeof p !== 'string')) return { kind: 'literal', value: text };
  const only = pieces.filter((p) => typeof p !== 'string' || p.trim() !== '');
  if (only.length === 1 && typeof only[0] !== 'string') {
    return { kind: 'feel', feel: checked(juelToFeel(only[0].src), text, only[0].at) };
  }
  return { kind: 'template', parts: pieces.map((p) => (typeof p === 'string' ? p : { feel: checked(juelToFeel(p.src), text, p.at) })) };
}

/**
 * Splits `text` into literal text and `${…}` expressions. An expression ends at the first `}` outside
 * string literals and braces, so `${x == "}"}` is one expression. An unclosed `${` stays text.
 */
function splitTemplate(text: string): Array<string | { src: string; at: number }> {
  const parts: Array<string | { src: string; at: number }> = [];
  let last = 0;
  // `#{…}` (JUEL's deferred form, common in Flowable and Activiti files) reads like `${…}`.
  const next = (from: number) => {
    const d = text.indexOf('${', from);
    const h = text.indexOf('#{', from);
    return d < 0 ? h : h < 0 ? d : Math.min(d, h);
  };
  let i = next(0);
  while (i >= 0) {
    const end = expressionEnd(text, i + 2);
    if (end < 0) break;
    if (i > last) parts.push(text.slice(last, i));
    parts.push({ src: text.slice(i + 2, end), at: i + 2 });
    last = end + 1;
    i = next(last);
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Index of the `}` closing an expression that starts at `from`, or -1. */
function expressionEnd(text: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && depth-- === 0) return i;
  }
  return -1;
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
      else if (node.name === 'FunctionInvocation' && unknownFunction(src, node.node)) {
        errorAt = node.from;
        why = `未知函数“${unknownFunction(src, node.node)}”`;
      } else if (node.name === 'SimplePositiveUnaryTest' && parent?.name === 'Comparison') {
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

/**
 * Functions the platform supplies to every expression beside FEEL's built-ins: the organisation
 * functions (evaluated against a snapshot of the organisation register taken for the step).
 * `unitHeadOf(userId)` → the head of that person's unit; `leaderInChargeOf(unitId)` → the bureau
 * leader in charge of the unit (分管领导); `certifiedOfficersIn(unitId)` → the unit's holders of a
 * valid 执法证, as a comma list. Usage: `camunda:candidateUsers="${unitHeadOf(initiator)}"`.
 */
export const PLATFORM_FUNCTIONS: ReadonlySet<string> = new Set(['unitHeadOf', 'leaderInChargeOf', 'certifiedOfficersIn']);

const builtinCache = new Map<string, boolean>();

/** Whether `name` is a FEEL built-in function (e.g. `string length`), probed once per name. */
export function isBuiltinFunction(name: string): boolean {
  let known = builtinCache.get(name);
  if (known === undefined) {
    try {
      const value = evaluate(name, {}).value;
      known = typeof value === 'function' || isFunction(value);
    } catch {
      known = false;
    }
    builtinCache.set(name, known);
  }
  return known;
}

/** The name of the function a call invokes when neither FEEL nor the platform knows it, else ''. */
function unknownFunction(src: string, call: { firstChild: { name: string; from: number; to: number } | null }): string {
  const callee = call.firstChild;
  if (!callee || callee.name !== 'VariableName') return '';
  const name = src.slice(callee.from, callee.to).trim();
  return PLATFORM_FUNCTIONS.has(name) || isBuiltinFunction(name) ? '' : name;
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
const SYMBOL_OPS: Record<string, string> = { '==': '=', '&&': 'and', '||': 'or' };
/** FEEL keywords after which `(` or `[` opens a group or list rather than a call or a filter. */
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'between', 'if', 'then', 'else', 'for', 'return', 'some', 'every', 'satisfies', 'instance', 'of', 'function']);

/**
 * Translates the JUEL operators Camunda 7 files use into FEEL, on the token stream: string literals
 * are single tokens and come out unchanged (re-quoted with `"`), so `decision == "a ( b"` becomes
 * `decision = "a ( b"`. Unknown constructs pass through and are caught by the FEEL parser afterwards.
 * Usage: `juelToFeel("!approved && amount gt 5")` → `not(approved) and amount > 5`.
 */
export function juelToFeel(src: string): string {
  return render(translate(tokenize(src), src));
}

/** JUEL tokens → FEEL tokens. `!x` / `not x` become `not ( x )` around the operand. */
function translate(tokens: Token[], src: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const afterDot = tokens[i - 1]?.text === '.' && tokens[i - 1].kind === 'punct';
    const method = t.kind === 'punct' && t.text === '.' && tokens[i + 1]?.kind === 'word' && tokens[i + 2]?.text === '(' ? tokens[i + 1].text : '';
    if (method && !Object.hasOwn(JUEL_METHODS, method)) {
      throw new ExpressionSyntaxError(`不支持的方法调用 .${method}(…)（可用：${Object.keys(JUEL_METHODS).join('、')}）：${src}`, t.at);
    }
    if (method) {
      // `receiver.method(args)`: the receiver is what `out` ends with; the call becomes FEEL.
      const start = receiverStart(out);
      const close = closingIndex(tokens, i + 2);
      if (start < 0 || close < 0) throw new ExpressionSyntaxError(`无法识别方法调用 .${method}(…)：${src}`, t.at);
      const receiver = render(out.splice(start));
      const args = splitArgs(tokens.slice(i + 3, close)).map((a) => render(translate(a, src)));
      const feel = JUEL_METHODS[method](receiver, args, tokens.slice(i + 3, close));
      if (feel === null) throw new ExpressionSyntaxError(`不支持的方法调用 ${receiver}.${method}(…)：${src}`, t.at);
      out.push({ kind: 'raw', text: feel, at: t.at });
      i = close;
    } else if (t.kind === 'op' && (t.text === '!' || t.text === 'not')) {
      // Wrap the operand: an identifier path (with calls/indexes) or a parenthesised group.
      const end = operandEnd(tokens, i + 1);
      if (end <= i + 1) throw new ExpressionSyntaxError(`"${t.text}" 后缺少操作数：${src}`, t.at);
      out.push({ kind: 'not', text: 'not', at: t.at }, { kind: 'punct', text: '(', at: t.at });
      out.push(...translate(tokens.slice(i + 1, end), src));
      out.push({ kind: 'punct', text: ')', at: t.at });
      i = end - 1;
    } else if (t.kind === 'op') out.push({ ...t, text: SYMBOL_OPS[t.text] ?? t.text });
    else if (t.kind === 'word' && !afterDot && WORD_OPS[t.text]) out.push({ ...t, kind: 'op', text: WORD_OPS[t.text] });
    else if (t.kind === 'word' && !afterDot && t.text === 'empty') throw new ExpressionSyntaxError(`不支持 JUEL 的 empty 运算符，请写成 x = null：${src}`, t.at);
    else out.push(t);
  }
  return out;
}

/** Joins FEEL tokens with spaces where FEEL reads them as separate, none inside paths and calls. */
function render(tokens: Token[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const prev = tokens[i - 1];
    const t = tokens[i];
    if (prev && spaceBetween(prev, t)) out += ' ';
    out += t.text;
  }
  return out;
}

function spaceBetween(a: Token, b: Token): boolean {
  const punct = (t: Token, chars: string) => t.kind === 'punct' && chars.includes(t.text);
  if (punct(b, '.,)]')) return false;
  if (punct(a, '([.')) return false;
  if (a.kind === 'not') return false; // not(…)
  // A call `f(x)` or a filter/index `a[0]`, `f(x)[0]`, `a)(`: no space; after a keyword, a group or list.
  if (punct(b, '([')) return !((a.kind === 'word' && !KEYWORDS.has(a.text)) || punct(a, ')]'));
  return true;
}

/**
 * The Java methods Camunda 7 users call in JUEL, as FEEL: `receiver.method(args)` → FEEL text.
 * `contains` and `isEmpty` work on lists and strings alike (decided when evaluated); null: not supported.
 */
const JUEL_METHODS: Record<string, (recv: string, args: string[], raw: Token[]) => string | null> = {
  contains: (r, [a]) => (a === undefined ? null : `(if ${r} instance of string then contains(${r}, ${a}) else list contains(${r}, ${a}))`),
  size: (r, args) => (args.length ? null : `count(${r})`),
  isEmpty: (r, args) => (args.length ? null : `(if ${r} instance of string then string length(${r}) = 0 else count(${r}) = 0)`),
  length: (r, args) => (args.length ? null : `string length(${r})`),
  startsWith: (r, [a]) => (a === undefined ? null : `starts with(${r}, ${a})`),
  endsWith: (r, [a]) => (a === undefined ? null : `ends with(${r}, ${a})`),
  equals: (r, [a]) => (a === undefined ? null : `(${r} = ${a})`),
  equalsIgnoreCase: (r, [a]) => (a === undefined ? null : `(lower case(${r}) = lower case(${a}))`),
  toUpperCase: (r, args) => (args.length ? null : `upper case(${r})`),
  toLowerCase: (r, args) => (args.length ? null : `lower case(${r})`),
  substring: (r, [from, to]) => (from === undefined ? null : to === undefined ? `substring(${r}, (${from}) + 1)` : `substring(${r}, (${from}) + 1, (${to}) - (${from}))`),
  // execution.getVariable("x") is the variable x.
  getVariable: (r, args, raw) => {
    const name = raw.length === 1 && raw[0].kind === 'str' ? JSON.parse(raw[0].text) : '';
    return r === 'execution' && args.length === 1 && /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name) ? name : null;
  },
};

/** Where the operand that `out` ends with begins (a path with calls and indexes), or -1. */
function receiverStart(out: Token[]): number {
  let i = out.length - 1;
  while (i >= 0) {
    const t = out[i];
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) {
      i = openingIndex(out, i);
      if (i < 0) return -1;
      const before = out[i - 1];
      if (before && (before.kind === 'word' || before.kind === 'raw' || (before.kind === 'punct' && ')]'.includes(before.text)))) {
        i--;
        continue;
      }
      return i;
    }
    if (['word', 'str', 'num', 'raw'].includes(t.kind)) {
      if (out[i - 1]?.kind === 'punct' && out[i - 1].text === '.') {
        i -= 2;
        continue;
      }
      return i;
    }
    return -1;
  }
  return -1;
}

function openingIndex(tokens: Token[], close: number): number {
  const pair: Record<string, string> = { ')': '(', ']': '[' };
  const open = pair[tokens[close].text];
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (tokens[i].kind !== 'punct') continue;
    if (tokens[i].text === tokens[close].text) depth++;
    else if (tokens[i].text === open && --depth === 0) return i;
  }
  return -1;
}

function closingIndex(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].kind !== 'punct') continue;
    if (tokens[i].text === '(' || tokens[i].text === '[') depth++;
    else if ((tokens[i].text === ')' || tokens[i].text === ']') && --depth === 0) return i;
  }
  return -1;
}

/** Call arguments split at the commas outside brackets. */
function splitArgs(tokens: Token[]): Token[][] {
  if (!tokens.length) return [];
  const out: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
    if (t.kind === 'punct' && ')]}'.includes(t.text)) depth--;
    if (t.kind === 'punct' && t.text === ',' && depth === 0) out.push([]);
    else out[out.length - 1].push(t);
  }
  return out;
}

interface Token {
  kind: 'str' | 'num' | 'word' | 'op' | 'punct' | 'not' | 'raw';
  text: string;
  at: number;
}

/** Escapes a string literal's content for FEEL's double-quoted strings. */
function feelString(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      // JUEL escapes: \' \" \\ ; the value is kept exactly and re-quoted for FEEL.
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          value += src[j + 1];
          j += 2;
        } else {
          value += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new ExpressionSyntaxError(`字符串缺少结束引号：${src}`, i);
      tokens.push({ kind: 'str', text: feelString(value), at: i });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      tokens.push({ kind: 'num', text: m[0], at: i });
      i += m[0].length;
    } else if (/[\p{L}_$]/u.test(c)) {
      const m = /^[\p{L}\p{N}_$]+/u.exec(src.slice(i))!;
      const afterDot = tokens[tokens.length - 1]?.text === '.';
      tokens.push({ kind: m[0] === 'not' && !afterDot ? 'op' : 'word', text: m[0], at: i });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '&&', '||', '<=', '>='].includes(two)) {
        tokens.push({ kind: 'op', text: two, at: i });
        i += 2;
      } else if ('!<>+-*/%='.includes(c)) {
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
      if (tokens[i].kind === 'punct' && tokens[i].text === open) depth++;
      else if (tokens[i].kind === 'punct' && tokens[i].text === close) depth--;
      i++;
    } while (i < tokens.length && depth > 0);
  };
  if (i < tokens.length && tokens[i].kind === 'punct' && tokens[i].text === '(') {
    skipGroup('(', ')');
    return i;
  }
  if (i >= tokens.length || !['word', 'str', 'num'].includes(tokens[i].kind)) return start;
  i++;
  while (i < tokens.length && tokens[i].kind === 'punct') {
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
