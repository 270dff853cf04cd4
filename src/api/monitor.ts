import Router from '@koa/router';
import { monitorSummary } from '../domain/monitor.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { countIncidents } from '../store/monitor.ts';
import { auditHook, GROUPS, me, requireSupervision, type ApiDeps } from './context.ts';
import * as api from './contracts/monitor.ts';
import { listBody } from './input.ts';
import { routeMounter } from './route.ts';
import { incidentJson } from './present.ts';

/** Monitoring for the supervision office: the summary, incidents, and retrying one. */
export function monitorRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  const { engine, db } = deps;

  route(api.monitorSummary, async (ctx) => {
    requireSupervision(ctx);
    return monitorSummary(deps.readDb ?? db, engine.clock.now(), async (key, id) => (await engine.definitions.latest(key)).def.element(id)?.name ?? null, engine.calendar);
  });

  route(
    api.incidentList,
    async (ctx, { query }) => {
      const { status, instance: instanceId } = query;
      const p = { limit: query.limit, offset: query.offset };
      const [rows, total] = await Promise.all([engine.incidents({ status, instanceId, ...p }), countIncidents(db, { status, instanceId })]);
      return listBody(ctx, rows.map(incidentJson), total, p);
    },
    { guard: requireSupervision },
  );

  route(api.incidentRetry, async (ctx, { params }) => {
    const person = me(ctx);
    if (![GROUPS.supervision, GROUPS.processOwners].some((g) => person.groups.includes(g))) {
      throw new ForbiddenError('仅监察室或流程管理员可以重试故障', 'FORBIDDEN');
    }
    const incident = await engine.retryIncident(params.id, {
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
    return incidentJson(incident);
  });

  return r;
}
