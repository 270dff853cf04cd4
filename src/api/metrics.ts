import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ForbiddenError } from '../errors.ts';
import type { Metrics } from '../ops/metrics.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /metrics in Prometheus text format. With METRICS_TOKEN set the scraper must send it as a
 * Bearer token; without, only clients on this machine (loopback) are served — the figures name
 * routes and volumes, which are not for everyone on the network. Others: 403 METRICS_FORBIDDEN.
 */
export function metricsRoute(metrics: Metrics, token: string | null) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.path !== '/metrics') return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    // A request relayed by a reverse proxy on this machine also arrives from loopback: without a
    // token, only direct local requests (no X-Forwarded-For) count as local.
    const local = LOOPBACK.has(ctx.socket.remoteAddress ?? '') && !ctx.get('x-forwarded-for');
    const allowed = token ? !!bearer && sameToken(bearer, token) : local;
    if (!allowed) throw new ForbiddenError(token ? '指标接口需要正确的令牌（METRICS_TOKEN）' : '未设置 METRICS_TOKEN 时，指标接口只对本机开放', 'METRICS_FORBIDDEN');
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.contentType;
    ctx.body = await metrics.render();
  };
}
