import Router from '@koa/router';
import { BadRequestError, ForbiddenError } from '../errors.ts';
import { auditHook, GROUPS, me, type ApiDeps } from './context.ts';
import type { Context } from 'koa';
import * as api from './contracts/process-instances.ts';
import { routeMounter } from './route.ts';

/** Who may broadcast a signal from outside: supervision and the process owners. */
const SIGNALLERS = [GROUPS.supervision, GROUPS.processOwners];

/**
 * POST /api/signals/:name {variables?}: broadcasts a signal to every instance waiting for it and
 * starts every process with a signal start event of that name (issue 11, item 4). The broadcast is
 * queued with its audit row in one transaction and delivered by the jobs (202).
 */
export function signalRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  // The caller's role, then the name (its own message), are checked before the body, as always.
  const signalName = (ctx: Context): string => {
    const person = me(ctx);
    if (!SIGNALLERS.some((g) => person.groups.includes(g))) throw new ForbiddenError('仅监察室或流程管理员可以广播信号', 'SIGNAL_FORBIDDEN');
    const name = String(ctx.params.name ?? '').trim();
    if (!name || name.length > 200) throw new BadRequestError('信号名称不能为空，且不超过 200 字');
    return name;
  };
  route(
    api.signalBroadcast,
    async (ctx, { body }) => {
      const name = signalName(ctx);
      const { variables } = body;
      const res = await deps.engine.broadcastSignal(name, {
        variables: variables ?? {},
        hook: auditHook(ctx, deps, (job: { id: string }) => ({
          action: 'signal.broadcast',
          objectType: 'signal',
          objectId: name,
          after: { signal: name, variables: variables ?? {}, jobId: job.id },
        })),
      });
      return { signal: name, id: res.id, status: 'queued' as const };
    },
    { guard: signalName },
  );
  return r;
}
