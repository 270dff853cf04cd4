import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AuthService } from '../domain/auth.ts';
import type { EngineService } from '../engine/service.ts';
import { DEFAULT_LIMITS, type ApiLimits, type Lifecycle } from './context.ts';
import { AppError } from '../errors.ts';
import { errorMiddleware } from './errors.ts';
import { apiSecurityHeaders } from './headers.ts';
import { apiRouter } from './router.ts';
import { crossSiteGuard, transportSecurity } from './security.ts';
import { compression, webUi } from './static.ts';
import type { Metrics } from '../ops/metrics.ts';
import { metricsRoute } from './metrics.ts';

export interface AppDeps {
  db: Knex;
  /** DATABASE_READ_URL: a read replica for the monitor, statistics and the compliance report. */
  readDb?: Knex;
  engine: EngineService;
  logger: Logger;
  /** Sign-in and sessions; by default one on `db` with the engine's clock. */
  auth?: AuthService;
  /** Request size limits; tests lower them. */
  limits?: Partial<ApiLimits>;
  /**
   * Trust X-Forwarded-For for the client address (sign-in records, audit rows). Only behind a
   * reverse proxy: without one, any client could write any address there.
   */
  trustProxy?: boolean;
  /** Prometheus metrics: request timing and GET /metrics (METRICS=0: none). */
  metrics?: Metrics;
  /** With a token, GET /metrics needs `Authorization: Bearer <token>`; without, only loopback clients. */
  metricsToken?: string | null;
  /** ATTACHMENTS_DIR: attachments kept as files there instead of in the database. */
  attachmentsDir?: string | null;
  /** SUNSHINE_LAG_DAYS: days an item change may lag the 三合一 platform (default 30). */
  sunshineLagDays?: number;
  /** Set by graceful shutdown (main.ts): readiness 503, `Connection: close` on every response. */
  lifecycle?: Lifecycle;
}

/**
 * The Koa application: error shaping first, then request ids and logging, then the routers.
 * Usage: `createApp(deps).listen(3000)`.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = deps.trustProxy ?? false;
  app.use(apiSecurityHeaders());
  app.use(compression());
  app.use(errorMiddleware(deps.logger));
  if (deps.metrics) {
    app.use(deps.metrics.middleware());
    app.use(metricsRoute(deps.metrics, deps.metricsToken ?? null));
  }
  app.use(async (ctx, next) => {
    const started = performance.now();
    const given = ctx.get('x-request-id');
    ctx.state.requestId = /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
    ctx.set('x-request-id', ctx.state.requestId);
    // A draining node asks keep-alive clients to open their next connection elsewhere.
    if (deps.lifecycle?.draining) ctx.set('connection', 'close');
    let status = 500;
    try {
      await next();
      status = ctx.status;
    } catch (err) {
      const e = err as { status?: number; expose?: boolean };
      status = err instanceof AppError ? err.status : e?.expose && e.status ? e.status : 500;
      throw err;
    } finally {
      deps.logger.info(
        { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status, ms: Math.round(performance.now() - started), user: ctx.state.auth?.person?.id },
        'request',
      );
    }
  });
  const router = apiRouter({
    ...deps,
    auth: deps.auth ?? new AuthService(deps.db, deps.engine.clock),
    limits: { ...DEFAULT_LIMITS, ...deps.limits },
  });
  app.use(transportSecurity());
  app.use(crossSiteGuard());
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use(webUi());
  return app;
}
