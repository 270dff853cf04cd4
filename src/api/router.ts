import Router from '@koa/router';
import { isPostgres } from '../db/knex.ts';
import { readiness } from '../ops/health.ts';
import { auditRoutes } from './audit.ts';
import { directoryRoutes } from './directory.ts';
import { attachmentRoutes } from './attachments.ts';
import { authenticate, authRoutes } from './auth.ts';
import { calendarRoutes } from './calendar.ts';
import { complaintRoutes } from './complaints.ts';
import { appraisalRoutes } from './appraisal.ts';
import { documentRoutes } from './documents.ts';
import type { ApiDeps } from './context.ts';
import { deploymentRoutes } from './deployments.ts';
import { decisionRoutes } from './decisions.ts';
import { formRoutes } from './forms.ts';
import { monitorRoutes } from './monitor.ts';
import { openApiDocument } from './openapi.ts';
import { passwordResetRoutes } from './password-resets.ts';
import { powerItemRoutes } from './power-items.ts';
import { processDefinitionRoutes } from './process-definitions.ts';
import { processInstanceRoutes } from './process-instances.ts';
import { signalRoutes } from './signals.ts';
import { supervisionRoutes } from './supervision.ts';
import { monitoringRuleRoutes } from './monitoring-rules.ts';
import { monitoringRuleChoiceRoutes } from './monitoring-rule-choices.ts';
import { taskRoutes } from './tasks.ts';
import { caseActionRoutes } from './case-actions.ts';
import { caseRoutingRoutes } from './case-routing.ts';
import { substituteRoutes } from './substitutes.ts';
import { notificationPreferenceRoutes } from './notification-preferences.ts';

/**
 * Every route under /api: the session check first (it lets the public routes through), then one
 * small router per resource. GET /api/openapi.json describes all of them (a test keeps it true).
 * Usage: `const router = apiRouter(deps); app.use(router.routes()).use(router.allowedMethods())`.
 */
export function apiRouter(deps: ApiDeps): Router {
  const api = new Router({ prefix: '/api' });
  api.use(authenticate(deps));

  const system = new Router();
  system.get('/health', async (ctx) => {
    await deps.db.raw('select 1');
    ctx.body = { status: 'ok', database: isPostgres(deps.db) ? 'postgresql' : 'sqlite', time: new Date(deps.engine.clock.now()).toISOString() };
  });
  // Liveness: the process answers. Readiness: the database answers and its schema is current
  // (a node started before a migration, or cut off from the database, is taken out of rotation).
  system.get('/health/live', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  system.get('/health/ready', async (ctx) => {
    const r = await readiness(deps.db, () => deps.engine.jobs.health());
    // Shutting down: out of rotation before the port closes (SHUTDOWN_READY_DELAY_MS).
    if (deps.lifecycle?.draining) Object.assign(r, { ok: false, checks: { ...r.checks, shutdown: { ok: false, detail: '本节点正在停止，不再接收新请求' } } });
    ctx.status = r.ok ? 200 : 503;
    ctx.body = { status: r.ok ? 'ready' : 'not-ready', checks: r.checks };
  });
  system.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument();
  });

  api.use(
    system.routes(),
    authRoutes(deps).routes(),
    passwordResetRoutes(deps).routes(),
    taskRoutes(deps).routes(),
    caseActionRoutes(deps).routes(),
    caseRoutingRoutes(deps).routes(),
    substituteRoutes(deps).routes(),
    notificationPreferenceRoutes(deps).routes(),
    processDefinitionRoutes(deps).routes(),
    decisionRoutes(deps).routes(),
    powerItemRoutes(deps).routes(),
    processInstanceRoutes(deps).routes(),
    signalRoutes(deps).routes(),
    deploymentRoutes(deps).routes(),
    formRoutes(deps).routes(),
    monitorRoutes(deps).routes(),
    auditRoutes(deps).routes(),
    supervisionRoutes(deps).routes(),
    directoryRoutes(deps).routes(),
    calendarRoutes(deps).routes(),
    attachmentRoutes(deps).routes(),
    complaintRoutes(deps).routes(),
    monitoringRuleRoutes(deps).routes(),
    monitoringRuleChoiceRoutes(deps).routes(),
    appraisalRoutes(deps).routes(),
    documentRoutes(deps).routes(),
  );
  return api;
}
