import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { isPostgres } from '../db/knex.ts';
import type { EngineService } from '../engine/service.ts';
import { errorMiddleware } from './errors.ts';

export interface AppDeps {
  db: Knex;
  engine: EngineService;
  logger: Logger;
}

/**
 * The Koa application: error shaping first, then request ids and logging, then the routers.
 * Usage: `createApp(deps).listen(3000)`.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = true;
  app.use(errorMiddleware(deps.logger));
  app.use(async (ctx, next) => {
    const started = performance.now();
    ctx.state.requestId = ctx.get('x-request-id') || randomUUID();
    ctx.set('x-request-id', ctx.state.requestId);
    await next();
    deps.logger.info(
      { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  const router = new Router({ prefix: '/api' });
  router.get('/health', async (ctx) => {
    await deps.db.raw('select 1');
    ctx.body = { status: 'ok', database: isPostgres(deps.db) ? 'postgresql' : 'sqlite', time: new Date(deps.engine.clock.now()).toISOString() };
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
