import Router from '@koa/router';
import { monitorSummary } from '../domain/monitor.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { countIncidents } from '../store/monitor.ts';
import { auditHook, GROUPS, me, requireSupervision, type ApiDeps } from './context.ts';
import { jsonBody, listBody, page, QueryReader } from './input.ts';
import { incidentJson } from './present.ts';

/** Monitoring for the supervision office: the summary, incidents, and retrying one. */
export function monitorRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { engine, db } = deps;

  r.get('/monitor/summary', async (ctx) => {
    requireSupervision(ctx);
    ctx.body = await monitorSummary(deps.readDb ?? db, engine.clock.now(), async (key, id) => (await engine.definitions.latest(key)).def.element(id)?.name ?? null, engine.calendar);
  });

  r.get('/incidents', async (ctx) => {
    requireSupervision(ctx);
    const q = new QueryReader(ctx.query);
    const status = q.oneOf('status', ['open', 'resolved'] as const);
    const instanceId = q.string('instance', 36);
    const p = page(q);
    q.done();
    const [rows, total] = await Promise.all([engine.incidents({ status, instanceId, ...p }), countIncidents(db, { status, instanceId })]);
    ctx.body = listBody(ctx, rows.map(incidentJson), total, p);
  });

  r.post('/incidents/:id/retry', json, async (ctx) => {
    const person = me(ctx);
    if (![GROUPS.supervision, GROUPS.processOwners].some((g) => person.groups.includes(g))) {
      throw new ForbiddenError('仅监察室或流程管理员可以重试故障', 'FORBIDDEN');
    }
    const incident = await engine.retryIncident(ctx.params.id, {
      by: person,
      hook: auditHook(ctx, deps, (i) => ({
        action: 'incident.retry',
        objectType: 'incident',
        objectId: i.id,
        instanceId: i.instanceId,
        before: { status: 'open' },
        after: { status: i.status },
      })),
    });
    if (!incident) throw new NotFoundError('故障不存在', 'INCIDENT_NOT_FOUND');
    ctx.body = incidentJson(incident);
  });

  return r;
}
