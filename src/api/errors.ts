import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { AppError, ServiceUnavailableError, TooManyRequestsError } from '../errors.ts';

/**
 * First middleware in the chain: every error leaves as `{error: {code, message, details}}` with
 * its status; anything unexpected is logged with the request id and answered 500 without internals.
 */
export function errorMiddleware(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'ROUTE_NOT_FOUND', message: `接口不存在：${ctx.method} ${ctx.path}` } };
      } else if (ctx.status === 405 && !ctx.body) {
        ctx.status = 405;
        ctx.body = { error: { code: 'METHOD_NOT_ALLOWED', message: `接口不支持 ${ctx.method} 方法`, details: { allow: ctx.response.get('allow') } } };
      }
    } catch (err) {
      const e = err as { status?: number; expose?: boolean };
      if (err instanceof AppError) {
        ctx.status = err.status;
        if (err instanceof TooManyRequestsError) ctx.set('Retry-After', String(err.retryAfterSeconds));
        else if (err instanceof ServiceUnavailableError) ctx.set('Retry-After', '1');
        ctx.body = { error: { code: err.code, message: err.message, ...(err.details !== undefined && { details: err.details }) } };
        return;
      }
      // Errors from body parsing (too large, bad JSON) carry a client status; co-body's JSON
      // syntax error has status 400 but no `expose`.
      if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
        ctx.status = e.status;
        const code = e.status === 413 ? 'PAYLOAD_TOO_LARGE' : e.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
        const message = e.status === 413 ? '请求内容过大' : e.status === 415 ? '不支持的内容类型' : '请求格式错误';
        ctx.body = { error: { code, message } };
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL', message: '服务器内部错误，请联系管理员', details: { requestId: ctx.state.requestId } } };
    }
  };
}
