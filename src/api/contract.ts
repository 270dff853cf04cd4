import { z } from 'zod';

/**
 * Schema-first routes: each route's contract (path, params, query, body, responses) is declared
 * once with zod, in src/api/contracts/. From it come
 *  - request validation (route.ts: 400 BAD_REQUEST with `details: [{field, message}]` in Chinese),
 *  - the typed input of the handler and the type its answer must have,
 *  - the route's part of the OpenAPI document (contract-openapi.ts),
 *  - the types the web client imports (`import type { … } from '../api/contracts/….ts'`).
 * This module is pure (zod only, no koa), so the browser bundle may import its types.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Error statuses a route may answer besides its successes (described by the shared Error schema). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface ResponseSpec {
  description?: string;
  /** The answer's JSON body; none for 204. */
  schema?: z.ZodType;
  /** A file answered instead of JSON (e.g. `application/pdf`, `text/csv`); the handler sets ctx.body. */
  file?: string;
  /** Response headers, e.g. X-Total-Count of a list. */
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export interface RouteContract {
  method: Method;
  /** Koa path below /api, e.g. `/users/:id/password`. */
  path: string;
  summary: string;
  tags: string[];
  description?: string;
  /** `public`: no session needed; `optional`: served with or without one. Default: signed in. */
  access?: 'signed-in' | 'public' | 'optional';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * `handler`: the body schema documents the shape, but the handler (a domain check with its own
   * error code, e.g. INVALID_CALENDAR) validates it and receives it unparsed.
   */
  bodyCheck?: 'schema' | 'handler';
  /** The body's shape as multipart/form-data too (uploads; files as `format: binary` strings). */
  multipart?: z.ZodType;
  /** Successes by status (the first one is the default status of a returned body). */
  responses: Partial<Record<200 | 201 | 202 | 204 | 503, ResponseSpec>>;
  /** Error statuses besides the automatic ones (401/403 when signed in; 400 with input; 413/415 with a body). */
  errors?: Partial<Record<ErrorStatus, string | true>>;
}

/** Declares a route contract, keeping its literal types for inference. */
export function contract<const C extends RouteContract>(c: C): C {
  return c;
}

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** What the handler receives, already validated: path parameters, query and body. */
export interface InputOf<C extends RouteContract> {
  params: Out<C['params']>;
  query: Out<C['query']>;
  body: C['bodyCheck'] extends 'handler' ? unknown : C['body'] extends z.ZodType ? z.output<C['body']> : undefined;
}

type Success<C extends RouteContract> = C['responses'][keyof C['responses']];

/** What the handler may return as the answer's body (the input side of a declared success schema). */
export type ReplyOf<C extends RouteContract> =
  Success<C> extends infer R ? (R extends { schema: z.ZodType } ? z.input<R['schema']> : never) : never;

/** The JSON body of a contract's answer with `status` (default 200), for clients. */
export type ResponseOf<C extends RouteContract, S extends keyof C['responses'] = 200 extends keyof C['responses'] ? 200 : keyof C['responses']> =
  C['responses'][S] extends { schema: z.ZodType } ? z.output<C['responses'][S]['schema']> : never;

/** The JSON body a client sends. */
export type RequestOf<C extends RouteContract> = C['body'] extends z.ZodType ? z.input<C['body']> : never;

// ---------------------------------------------------------------------------------------------
// Building blocks with the platform's conventions (and Chinese messages, see route.ts).

/** A required string of at most `max` characters that must not be blank. */
export const text = (max: number, description?: string) =>
  z
    .string()
    .max(max)
    .refine((s) => s.trim() !== '', '不能为空')
    .meta(description ? { description } : {});

/** An optional free string of at most `max` characters (blank allowed). */
export const optionalText = (max: number, description?: string) => z.string().max(max).meta(description ? { description } : {}).optional();

/** A time as the API answers it: ISO 8601 or null. */
export const isoTime = (description?: string) => z.string().nullable().meta({ format: 'date-time', ...(description && { description }) });

/** Any JSON object (free-form variables, schemas …). */
export const anyObject = z.record(z.string(), z.unknown());

/**
 * A schema still described by hand in openapi.ts (`#/components/schemas/<name>`), for answers of
 * routes whose own resource is not schema-first yet (Task, Instance …); typed `unknown`.
 */
export const handDescribed = (name: string) => z.unknown().meta({ jsonSchema: { $ref: `#/components/schemas/${name}` } });

/** A path parameter (a non-empty string). */
export const pathParam = (description: string) => z.string().min(1).meta({ description });

/** Query parameters arrive as strings; these parse them with the old QueryReader's rules. */
export const q = {
  /** An optional string of at most `max` characters. */
  str: (description: string, max = 200) => z.string().max(max).meta({ description }).optional(),
  /** An integer in [min, max], `fallback` when absent. */
  int: (description: string, min: number, max: number, fallback: number) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return fallback;
        const n = Number(v);
        if (/^-?\d+$/.test(v) && n >= min && n <= max) return n;
        ctx.addIssue({ code: 'custom', message: `应为 ${min} 到 ${max} 之间的整数` });
        return z.NEVER;
      })
      .meta({ description, jsonSchema: { type: 'integer', minimum: min, maximum: max, default: fallback } }),
  /** true/1 or false/0. */
  bool: (description: string) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        if (v === 'true' || v === '1') return true;
        if (v === 'false' || v === '0') return false;
        ctx.addIssue({ code: 'custom', message: '应为 true 或 false' });
        return z.NEVER;
      })
      .meta({ description, jsonSchema: { type: 'boolean' } }),
  /** One of `values`. */
  oneOf: <const T extends readonly [string, ...string[]]>(description: string, values: T) => z.enum(values).meta({ description }).optional(),
  /** An ISO 8601 date or date-time, or epoch milliseconds, as epoch milliseconds. */
  time: (description: string) =>
    z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined) return undefined;
        // Date.parse alone would take "-1" (year −1) or "Tuesday"; only ISO shapes and plausible epoch ms pass.
        const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);
        const n = /^\d{10,15}$/.test(v) ? Number(v) : iso ? Date.parse(v) : NaN;
        if (Number.isFinite(n)) return n;
        ctx.addIssue({ code: 'custom', message: '应为 ISO 8601 时间（如 2026-12-01T09:00:00+08:00）或毫秒时间戳' });
        return z.NEVER;
      })
      .meta({ description, jsonSchema: { type: 'string', description: `${description}（ISO 8601 或毫秒时间戳）` } }),
};

/** Pagination shared by every list: `limit` (1–200, default 50) and `offset`. */
export const paging = {
  limit: q.int('每页条数，1–200，默认 50', 1, 200, 50),
  offset: q.int('跳过条数，默认 0', 0, 10_000_000, 0),
};

/** A list answer `{items, total, limit, offset}` (the total also in X-Total-Count). */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const totalCountHeader = { 'X-Total-Count': { description: '符合条件的总数', schema: { type: 'integer' } } };
