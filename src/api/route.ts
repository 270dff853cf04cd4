import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { z } from 'zod';
import { BadRequestError, type FieldError } from '../errors.ts';
import type { InputOf, ReplyOf, RouteContract } from './contract.ts';
import { jsonBody } from './input.ts';

/**
 * Mounts a contract (contract.ts) on a koa router: parses a JSON body where the method has one,
 * validates params, query and body against the contract's schemas (400 BAD_REQUEST with
 * `details: [{field, message}]`, nothing done), and hands the handler typed input. A handler that
 * returns a value answers it with the contract's first success status.
 * Usage:
 *   const route = routeMounter(r, deps.limits.jsonBytes);
 *   route(loginContract, async (ctx, { body }) => ({ token: … }));
 */
export type Handler<C extends RouteContract> = (ctx: Context, input: InputOf<C>) => Promise<ReplyOf<C> | void> | ReplyOf<C> | void;

export interface MountOptions {
  /** Middleware before validation instead of the JSON body parser (e.g. multipart uploads). */
  before?: Middleware[];
  /**
   * A check run before validation, e.g. the caller's role, so that someone who may not call the
   * route is refused as before (403) whatever they sent.
   */
  guard?: (ctx: Context) => unknown;
}

const KIND_NAMES: Record<string, string> = { string: '字符串', object: '对象', array: '数组', boolean: '布尔值', number: '数字', int: '整数', integer: '整数', record: '对象' };

/** A zod issue in the platform's words (the old hand-written parser's messages). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null ? '必填' : `应为${KIND_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array' ? `长度不能超过 ${issue.maximum}` : `不能大于 ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return '不能为空';
      return issue.origin === 'string' || issue.origin === 'array' ? `长度不能少于 ${issue.minimum}` : `不能小于 ${issue.minimum}`;
    case 'invalid_value':
      return `应为以下之一：${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return '格式不正确';
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: issueMessage(i) }));
}

/** Query values as the schema sees them: '' is absent; a repeated parameter is an error. */
function queryInput(ctx: Context, errors: FieldError[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(ctx.query)) {
    if (Array.isArray(v)) errors.push({ field: k, message: '参数只能出现一次' });
    else out[k] = v === '' ? undefined : v;
  }
  return out;
}

/** The body as the schema sees it: a top-level null is an absent field (as the old parser had it). */
function bodyInput(ctx: Context): unknown {
  const body = ctx.request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body ?? {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([, v]) => v !== null));
}

/** Validates the request against `c`; throws one 400 listing every problem. */
export function validateInput<C extends RouteContract>(ctx: Context, c: C): InputOf<C> {
  const errors: FieldError[] = [];
  const parse = (schema: z.ZodType | undefined, value: unknown, into: FieldError[]): unknown => {
    if (!schema) return {};
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    into.push(...fieldErrors(r.error));
    return undefined;
  };
  const queryErrors: FieldError[] = [];
  const query = c.query ? parse(c.query, queryInput(ctx, queryErrors), queryErrors) : {};
  const params = parse(c.params, ctx.params ?? {}, errors);
  const body = c.bodyCheck === 'handler' ? ctx.request.body : c.body ? parse(c.body, bodyInput(ctx), errors) : undefined;
  if (errors.length) throw new BadRequestError('请求参数有误', [...errors, ...queryErrors]);
  if (queryErrors.length) throw new BadRequestError('查询参数有误', queryErrors);
  return { params, query, body } as InputOf<C>;
}

/** The status a returned body is answered with: the contract's first declared success. */
function defaultStatus(c: RouteContract): number {
  const codes = Object.keys(c.responses).map(Number).filter((s) => s < 300);
  return codes.length ? Math.min(...codes) : 200;
}

/** A function that mounts contracts on `router`; JSON bodies are limited to `jsonBytes`. */
export function routeMounter(router: Router, jsonBytes: number) {
  const json = jsonBody(jsonBytes);
  return function mount<C extends RouteContract>(c: C, handler: Handler<C>, opts: MountOptions = {}): void {
    const withBody = c.method === 'post' || c.method === 'put' || c.method === 'patch';
    const before = opts.before ?? (withBody ? [json] : []);
    const status = defaultStatus(c);
    router[c.method](c.path, ...before, async (ctx: Context) => {
      if (opts.guard) await opts.guard(ctx);
      const out = await handler(ctx, validateInput(ctx, c));
      if (out !== undefined) {
        ctx.body = out;
        if (ctx.status === 200 && status !== 200) ctx.status = status;
      }
    });
  };
}
