import Router from '@koa/router';
import type { Context } from 'koa';
import { CALENDAR_GROUPS, calendarYear, checkYearInput, saveCalendarYear } from '../domain/calendar.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { Person } from '../domain/org.ts';
import { ForbiddenError } from '../errors.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import { jsonBody } from './input.ts';

/**
 * The working calendar (工作日历): a year's statutory holidays and adjusted working days, read and
 * replaced by process owners and supervision. Saving reloads the engine's calendar after the
 * transaction (other nodes follow on their next scheduler tick).
 */
export function calendarRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { engine, db } = deps;

  const maintainer = (ctx: Context): Person => {
    const p = me(ctx);
    if (!CALENDAR_GROUPS.some((g) => p.groups.includes(g))) {
      throw new ForbiddenError('仅流程管理员或监察室可以查看和维护工作日历', 'FORBIDDEN', { requiredGroups: [...CALENDAR_GROUPS] });
    }
    return p;
  };

  r.get('/calendar/:year', async (ctx) => {
    maintainer(ctx);
    const { year } = checkYearInput(ctx.params.year, { days: [] });
    ctx.body = await calendarYear(db, engine.calendar, year);
  });

  r.put('/calendar/:year', json, async (ctx) => {
    const person = maintainer(ctx);
    const { year, days } = checkYearInput(ctx.params.year, ctx.request.body as { days?: unknown });
    const audit = auditHook<Omit<AuditEntry, 'actor' | 'ip' | 'requestId'>>(ctx, deps, (entry) => entry);
    const saved = await saveCalendarYear(db, year, days, { by: person.id, now: engine.clock.now(), audit });
    await engine.reloadCalendar();
    ctx.body = { ...(await calendarYear(db, engine.calendar, year)), recomputedTasks: saved.recomputed };
  });

  return r;
}
