/**
 * Building blocks of the OpenAPI document, shared by openapi.ts and the per-area path modules
 * (openapi-supervision.ts, openapi-calendar.ts …), which import from here so that no module of the
 * document imports openapi.ts back (no import cycles).
 */

export type Schema = Record<string, unknown>;
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const str = (description?: string, extra: Schema = {}): Schema => ({ type: 'string', ...(description && { description }), ...extra });
export const time = (description?: string): Schema => str(description, { format: 'date-time', nullable: true });
export const arr = (items: Schema): Schema => ({ type: 'array', items });
export const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, ...(required.length && { required }) });
export const anyObject: Schema = { type: 'object', additionalProperties: true };

export const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
export const ok = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
export const jsonBody = (schema: Schema, required = true) => ({ required, content: { 'application/json': { schema } } });

export const E = {
  400: errorResponse('请求格式或参数错误（details 按字段列出）'),
  401: errorResponse('未登录或会话已过期（UNAUTHORIZED / SESSION_EXPIRED）'),
  403: errorResponse('无权执行（FORBIDDEN、NOT_CANDIDATE、NOT_STARTER、SEPARATION_OF_DUTIES、PASSWORD_CHANGE_REQUIRED、PASSWORD_RESET_NEEDS_APPROVAL、跨站请求 CROSS_SITE_REQUEST …）'),
  404: errorResponse('对象不存在'),
  409: errorResponse('状态冲突（任务已被认领或已办结、实例已结束 …）'),
  413: errorResponse('请求内容过大'),
  415: errorResponse('Content-Type 不是 JSON'),
  422: errorResponse('表单校验失败：details 为 [{field, message}]'),
};

export const param = (name: string, description: string, schema: Schema = str()) => ({ name, in: 'query', required: false, description, schema });
export const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: str() });
export const paging = [
  param('limit', '每页条数，1–200，默认 50', { type: 'integer', minimum: 1, maximum: 200 }),
  param('offset', '跳过条数，默认 0', { type: 'integer', minimum: 0 }),
];
export const list = (item: Schema) => obj({ items: arr(item), total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } });
export const pagedHeaders = { 'X-Total-Count': { description: '符合条件的总数', schema: { type: 'integer' } } };

export interface Op {
  summary: string;
  tags: string[];
  description?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

export const signedIn = (o: Op, errors: Array<keyof typeof E> = []): Op => ({
  ...o,
  responses: { ...o.responses, 401: E[401], 403: E[403], ...Object.fromEntries(errors.map((c) => [c, E[c]])) },
});

export const openApiHelpers = { ref, str, time, arr, obj, anyObject, ok, jsonBody, E, param, pathParam, paging, list, pagedHeaders, signedIn };
export type OpenApiHelpers = typeof openApiHelpers;
