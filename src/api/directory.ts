import Router from '@koa/router';
import { directory } from '../services/directory.ts';
import type { ApiDeps } from './context.ts';
import * as api from './contracts/directory.ts';
import { routeMounter } from './route.ts';

/**
 * GET /directory: the names behind the ids the other answers carry (assignees, actors in
 * histories and audit rows, candidate groups, units), for every signed-in user. Names, titles and
 * units only: no phone numbers, no group memberships.
 */
export function directoryRoutes(deps: ApiDeps): Router {
  const r = new Router();
  routeMounter(r, deps.limits.jsonBytes)(api.directory, () => directory(deps.db));
  return r;
}
