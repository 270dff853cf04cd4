import Router from '@koa/router';
import type { Context } from 'koa';
import { CALENDAR_GROUPS, calendarYear, checkYearInput, saveCalendarYear } from '../domain/calendar.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { Person } from '../domain/org.ts';
import { ForbiddenError } from '../errors.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import * as api from './contracts/calendar.ts';
import { routeMounter } from './route.ts';

/**
 * The working calendar (工作日历): a year's statutory holidays and adjusted working days, read and
 * replaced by process owners and supervision. Saving reloads the engine's calendar after the
 * transaction (other nodes follow on their next scheduler tick).
 */
export function calendarRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  const { engine, db } = deps;

  const maintainer = (ctx: Context): Person => {
    const p = me(ctx);
    if (!CALENDAR_GROUPS.some((g) => p.groups.includes(g))) {
      throw new ForbiddenError('仅流程管理员或监察室可以查看和维护工作日历', 'FORBIDDEN', { requiredGroups: [...CALENDAR_GROUPS] });
    }
    return p;
  };

  route(api.calendarGet, async (ctx, { params }) => {
    maintainer(ctx);
    const { year } = checkYearInput(params.year, { days: [] });
    return calendarYear(db, engine.calendar, year);
  });

  route(api.calendarPut, async (ctx, { params, body }) => {
    const person = maintainer(ctx);
    const { year, days } = checkYearInput(params.year, body as { days?: unknown });
    const audit = auditHook<Omit<AuditEntry, 'actor' | 'ip' | 'requestId'>>(ctx, deps, (entry) => entry);
    const saved = await saveCalendarYear(db, year, days, { by: person.id, now: engine.clock.now(), audit });
    await engine.reloadCalendar();
    return { ...(await calendarYear(db, engine.calendar, year)), recomputedTasks: saved.recomputed };
  });

  return r;
}
