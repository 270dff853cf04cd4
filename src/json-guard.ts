import { BadRequestError } from './errors.ts';

/**
 * Checks on parsed JSON from outside (request bodies, exchange files, form schemas) before
 * anything recursive touches it (issue 10, findings 11 and 12).
 *
 * - Depth: V8's JSON.parse is iterative and happily builds 40,000 levels, but JSON.stringify, the
 *   audit's canonical JSON and the form checks recurse and would overflow the stack (500).
 * - Ill-formed text: a lone UTF-16 surrogate (`"\ud800"` is valid JSON) cannot be encoded as
 *   UTF-8; both databases store it as U+FFFD, so what is stored differs from what was checked and
 *   hashed. U+0000 is refused too: PostgreSQL cannot store it in text at all.
 * The walk is iterative, so it is safe at any depth.
 */
export const MAX_JSON_DEPTH = 64;

export type JsonProblem = { code: 'JSON_TOO_DEEP'; path: string } | { code: 'ILL_FORMED_TEXT'; path: string };

/** Whether a string can be stored and hashed as it is: no lone surrogate, no NUL. */
export function isStorableText(s: string, allowNul = false): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed() && (allowNul || !s.includes('\u0000'));
}

/** `s` with every lone surrogate replaced by U+FFFD: exactly what UTF-8 storage turns it into. */
export function wellFormed(s: string): string {
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}

export interface JsonCheckOptions {
  maxDepth?: number;
  /** Let NUL through (deployments report binary file content per file themselves). */
  allowNul?: boolean;
}

/** The first problem of `value`, or null. Usage: `jsonProblem(JSON.parse(text))`. */
export function jsonProblem(value: unknown, opts: JsonCheckOptions = {}): JsonProblem | null {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 0, path: '$' }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v, opts.allowNul)) return { code: 'ILL_FORMED_TEXT', path };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { code: 'JSON_TOO_DEEP', path };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (!isStorableText(k)) return { code: 'ILL_FORMED_TEXT', path: `${path}.${wellFormed(k).replace(/\u0000/g, '\\0')}` };
      stack.push({ v: x, depth: depth + 1, path: `${path}.${k}` });
    }
  }
  return null;
}

/** Throws 400 JSON_TOO_DEEP / ILL_FORMED_TEXT for a body or file that may not be processed. */
export function assertJsonAcceptable(value: unknown, what = '请求内容', opts: JsonCheckOptions = {}): void {
  const p = jsonProblem(value, opts);
  if (!p) return;
  if (p.code === 'JSON_TOO_DEEP') throw new BadRequestError(`${what}嵌套过深（最多 ${MAX_JSON_DEPTH} 层）`, { path: p.path.slice(0, 200) }, 'JSON_TOO_DEEP');
  throw new BadRequestError(`${what}含有无效字符（孤立的 UTF-16 代理项或空字符），无法原样保存`, { path: p.path.slice(0, 200) }, 'ILL_FORMED_TEXT');
}
