import { z } from 'zod';
import type { ErrorStatus, RouteContract } from './contract.ts';

/**
 * The OpenAPI 3.0 paths of the schema-first routes, generated from their contracts. Schemas named
 * with `.meta({ id: 'Name' })` become components (`#/components/schemas/Name`).
 */

type Json = Record<string, unknown>;

const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: '请求格式或参数错误（BAD_REQUEST，details 按字段列出）',
  401: '未登录或会话已过期（UNAUTHORIZED / SESSION_EXPIRED）',
  403: '无权执行（FORBIDDEN、PASSWORD_CHANGE_REQUIRED、跨站请求 CROSS_SITE_REQUEST …）',
  404: '对象不存在',
  409: '状态冲突',
  413: '请求内容过大',
  415: 'Content-Type 不是 JSON',
  422: '校验失败：details 为 [{field, message}]',
  429: '请求过于频繁，Retry-After 秒后再试',
  503: '服务繁忙，Retry-After 秒后再试',
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** JSON schema of `schema`, with named parts moved into `components`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, Json>): Json {
  const out = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      const meta = z.globalRegistry.get(ctx.zodSchema as unknown as z.ZodType) as { jsonSchema?: Json } | undefined;
      if (meta?.jsonSchema) {
        for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Json)[k];
        Object.assign(ctx.jsonSchema, meta.jsonSchema);
      }
      delete (ctx.jsonSchema as Json).jsonSchema;
    },
  }) as Json;
  const defs = { ...(out.$defs as Record<string, Json> | undefined), ...(out.definitions as Record<string, Json> | undefined) };
  delete out.$defs;
  delete out.definitions;
  delete out.$schema;
  for (const [name, def] of Object.entries(defs)) components[name] = tidy(def);
  return tidy(out);
}

/** Refs pointed at components; zod's safe-integer bounds and closed objects dropped (answers may carry more). */
function tidy(schema: Json): Json {
  const text = JSON.stringify(schema, (key, value: unknown) => {
    if ((key === 'minimum' && value === Number.MIN_SAFE_INTEGER) || (key === 'maximum' && value === Number.MAX_SAFE_INTEGER)) return undefined;
    if (key === 'additionalProperties' && value === false) return undefined;
    return value;
  });
  return JSON.parse(text.replace(/"#\/(\$defs|definitions)\//g, '"#/components/schemas/')) as Json;
}

function parameters(c: RouteContract, components: Record<string, Json>): Json[] {
  const list: Json[] = [];
  for (const [where, obj] of [['path', c.params], ['query', c.query]] as const) {
    if (!obj) continue;
    const schema = jsonSchema(obj, 'input', components) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, s] of Object.entries(schema.properties ?? {})) {
      const { description, ...rest } = s;
      list.push({ name, in: where, required: where === 'path' || (schema.required ?? []).includes(name), ...(description !== undefined && { description }), schema: rest });
    }
  }
  return list;
}

/** The request body's media types: JSON and/or multipart. */
function requestContent(c: RouteContract, components: Record<string, Json>): Json {
  return {
    ...(c.body && { 'application/json': { schema: jsonSchema(c.body, 'input', components) } }),
    ...(c.multipart && { 'multipart/form-data': { schema: jsonSchema(c.multipart, 'input', components) } }),
  };
}

/** The operation object of one contract. */
function operation(c: RouteContract, components: Record<string, Json>): Json {
  const responses: Json = {};
  for (const [status, r] of Object.entries(c.responses)) {
    if (!r) continue;
    responses[status] = {
      description: r.description ?? 'OK',
      ...(r.schema && { content: { 'application/json': { schema: jsonSchema(r.schema, 'output', components) } } }),
      ...(r.file && { content: { [r.file]: { schema: { type: 'string', format: 'binary' } } } }),
      ...(r.headers && { headers: r.headers }),
    };
  }
  const auto: Partial<Record<ErrorStatus, true>> = {};
  if (c.access !== 'public' && c.access !== 'optional') Object.assign(auto, { 401: true, 403: true });
  if (c.params || c.query || c.body) auto[400] = true;
  if (c.body) Object.assign(auto, { 413: true, 415: true });
  for (const [status, text] of Object.entries({ ...auto, ...c.errors })) {
    if (text) responses[status] = errorResponse(text === true ? ERROR_TEXT[Number(status) as ErrorStatus] : text);
  }
  const params = parameters(c, components);
  return {
    summary: c.summary,
    tags: c.tags,
    ...(c.description && { description: c.description }),
    ...(c.access === 'public' || c.access === 'optional' ? { security: c.access === 'optional' ? [{}, { bearer: [] }, { cookie: [] }] : [] } : {}),
    ...(params.length && { parameters: params }),
    ...((c.body || c.multipart) && { requestBody: { required: true, content: requestContent(c, components) } }),
    responses,
  };
}

/** `/users/:id` → `/api/users/{id}`. */
export const openApiPath = (koaPath: string): string => `/api${koaPath.replace(/:(\w+)/g, '{$1}')}`;

/** Paths and component schemas of `contracts`. */
export function contractPaths(contracts: readonly RouteContract[]): { paths: Record<string, Record<string, Json>>; schemas: Record<string, Json> } {
  const paths: Record<string, Record<string, Json>> = {};
  const schemas: Record<string, Json> = {};
  for (const c of contracts) {
    const path = openApiPath(c.path);
    paths[path] = { ...paths[path], [c.method]: operation(c, schemas) };
  }
  return { paths, schemas };
}
