import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import { AppError, BadRequestError, type FieldError } from '../errors.ts';
import { assertJsonAcceptable } from '../json-guard.ts';

/**
 * Request parsing for the thin handlers: a size-limited JSON body, typed body fields and query
 * parameters. Every problem is collected and answered at once as 400 with `details` per field.
 */

/** Whether the request carries a body at all. */
function hasBody(ctx: Context): boolean {
  return ctx.req.headers['transfer-encoding'] !== undefined || Number(ctx.req.headers['content-length'] ?? 0) > 0;
}

/**
 * Parses a JSON object body of at most `limit` bytes (413 beyond, 400 if malformed, 415 if not
 * JSON). A request without a body gets `{}`.
 */
export function jsonBody(limit: number) {
  const parse = koaBody({ json: true, jsonLimit: limit, jsonStrict: true, multipart: false, urlencoded: false, text: false });
  return async function parseJson(ctx: Context, next: Next): Promise<void> {
    if (!hasBody(ctx)) {
      ctx.request.body = {};
      return next();
    }
    if (!ctx.is('application/json', '+json')) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请求内容须为 JSON（Content-Type: application/json）');
    await parse(ctx, async () => undefined);
    const body = ctx.request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('请求体须为 JSON 对象');
    assertJsonAcceptable(body);
    return next();
  };
}

type Kind = 'string' | 'object' | 'array' | 'boolean' | 'number';

interface FieldSpec {
  type: Kind;
  required?: boolean;
  /** Longest string / array. */
  max?: number;
  /** A string must not be blank. */
  nonEmpty?: boolean;
}

const KIND_NAMES: Record<Kind, string> = { string: '字符串', object: '对象', array: '数组', boolean: '布尔值', number: '数字' };

/**
 * The body's fields checked against `spec`; unknown fields are ignored.
 * Usage: `const { username, password } = bodyFields(ctx, { username: { type: 'string', required: true } })`.
 */
export function bodyFields<S extends Record<string, FieldSpec>>(ctx: Context, spec: S): { [K in keyof S]: any } {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [field, s] of Object.entries(spec)) {
    const v = body[field];
    if (v === undefined || v === null) {
      if (s.required) errors.push({ field, message: '必填' });
      continue;
    }
    const kind: Kind = Array.isArray(v) ? 'array' : (typeof v as Kind);
    if (kind !== s.type) {
      errors.push({ field, message: `应为${KIND_NAMES[s.type]}` });
      continue;
    }
    if (s.type === 'string' && s.nonEmpty && !(v as string).trim()) errors.push({ field, message: '不能为空' });
    if (s.max !== undefined && (s.type === 'string' || s.type === 'array') && (v as string | unknown[]).length > s.max) {
      errors.push({ field, message: `长度不能超过 ${s.max}` });
    }
    out[field] = v;
  }
  if (errors.length) throw new BadRequestError('请求参数有误', errors);
  return out as { [K in keyof S]: any };
}

/** Reads query parameters, collecting every problem; `done()` throws them as one 400. */
export class QueryReader {
  private readonly errors: FieldError[] = [];
  constructor(private readonly query: Record<string, string | string[] | undefined>) {}

  private raw(name: string): string | undefined {
    const v = this.query[name];
    if (Array.isArray(v)) {
      this.errors.push({ field: name, message: '参数只能出现一次' });
      return undefined;
    }
    return v === undefined || v === '' ? undefined : v;
  }

  string(name: string, max = 200): string | undefined {
    const v = this.raw(name);
    if (v !== undefined && v.length > max) {
      this.errors.push({ field: name, message: `长度不能超过 ${max}` });
      return undefined;
    }
    return v;
  }

  int(name: string, opts: { min: number; max: number; fallback: number }): number {
    const v = this.raw(name);
    if (v === undefined) return opts.fallback;
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || n < opts.min || n > opts.max) {
      this.errors.push({ field: name, message: `应为 ${opts.min} 到 ${opts.max} 之间的整数` });
      return opts.fallback;
    }
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.errors.push({ field: name, message: '应为 true 或 false' });
    return undefined;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!values.includes(v as T)) {
      this.errors.push({ field: name, message: `应为以下之一：${values.join(', ')}` });
      return undefined;
    }
    return v as T;
  }

  /** An ISO 8601 date or date-time, or epoch milliseconds. */
  time(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    // Date.parse alone would take "-1" (year −1) or "Tuesday"; only ISO shapes and plausible epoch ms pass.
    const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);
    const n = /^\d{10,15}$/.test(v) ? Number(v) : iso ? Date.parse(v) : NaN;
    if (!Number.isFinite(n)) {
      this.errors.push({ field: name, message: '应为 ISO 8601 时间（如 2026-12-01T09:00:00+08:00）或毫秒时间戳' });
      return undefined;
    }
    return n;
  }

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  done(): void {
    if (this.errors.length) throw new BadRequestError('查询参数有误', this.errors);
  }
}

/** Pagination parameters shared by every list: `limit` (1–200, default 50) and `offset`. */
export function page(q: QueryReader): { limit: number; offset: number } {
  return { limit: q.int('limit', { min: 1, max: 200, fallback: 50 }), offset: q.int('offset', { min: 0, max: 10_000_000, fallback: 0 }) };
}

/** A list answer: `{items, total, limit, offset}`, with the total also in `X-Total-Count`. */
export function listBody<T>(ctx: Context, items: T[], total: number, p: { limit: number; offset: number }) {
  ctx.set('X-Total-Count', String(total));
  return { items, total, limit: p.limit, offset: p.offset };
}
