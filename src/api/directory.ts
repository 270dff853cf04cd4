import Router from '@koa/router';
import { listGroups, listUnits, listUsers } from '../store/org.ts';
import type { ApiDeps } from './context.ts';

/**
 * GET /directory: the names behind the ids the other answers carry (assignees, actors in
 * histories and audit rows, candidate groups, units), for every signed-in user. Names, titles and
 * units only: no phone numbers, no group memberships.
 */
export function directoryRoutes(deps: ApiDeps): Router {
  const r = new Router();
  r.get('/directory', async (ctx) => {
    const [users, groups, units] = await Promise.all([listUsers(deps.db), listGroups(deps.db), listUnits(deps.db)]);
    const unitName = new Map(units.map((u) => [u.id, u.name]));
    ctx.body = {
      users: users.map((u) => ({ id: u.id, displayName: u.displayName, title: u.title, unitId: u.unitId, unitName: u.unitId ? (unitName.get(u.unitId) ?? null) : null, status: u.status })),
      groups: groups.map((g) => ({ id: g.id, name: g.name })),
      units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind })),
    };
  });
  return r;
}
