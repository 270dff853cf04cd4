import Router from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import { addSigner } from '../domain/case-actions.ts';
import { appendAudit } from '../domain/audit.ts';
import { signMode } from '../engine/add-signers.ts';
import { canSee } from '../engine/tasks.ts';
import { actorForTask } from '../domain/substitutes.ts';
import { clientOf, me, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody } from './input.ts';
import { instanceJson, taskJson } from './present.ts';

/**
 * More routing actions on a case (issue 13, item 7): POST /tasks/:id/add-signer (加签). Each is
 * audited in the action's own transaction and refused with a 4xx, changing nothing, where it is
 * not allowed.
 */
export function caseRoutingRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { db, engine } = deps;

  const audit = (ctx: Context, action: string, objectType: string, objectId: string, instanceId: () => string) => async (trx: Knex.Transaction, after: Record<string, unknown>) => {
    const client = clientOf(ctx);
    await appendAudit(trx, { actor: me(ctx).id, action, objectType, objectId, instanceId: instanceId(), after, ip: client.ip, requestId: client.requestId }, engine.clock.now());
  };

  r.post('/tasks/:id/add-signer', json, async (ctx) => {
    const { userId, mode, comment } = bodyFields(ctx, {
      userId: { type: 'string', required: true, nonEmpty: true, max: 100 },
      mode: { type: 'string', required: true, max: 20 },
      comment: { type: 'string', max: 1000 },
    });
    const task = await engine.getTask(ctx.params.id);
    const person = await actorForTask(db, me(ctx), task, engine.clock.now());
    const res = await addSigner(db, engine, ctx.params.id, {
      by: person,
      userId: userId!.trim(),
      mode: signMode(mode),
      comment: comment ?? '',
      audit: audit(ctx, 'task.add-signer', 'task', ctx.params.id, () => task?.instanceId ?? ''),
    });
    const signerTask = res.tasks[0];
    ctx.status = 201;
    ctx.body = {
      taskId: ctx.params.id,
      userId: userId!.trim(),
      mode,
      signerTask: signerTask ? { id: signerTask.id, name: signerTask.name, assignee: signerTask.assignee, status: signerTask.status } : null,
      instance: instanceJson(res.instance),
      nextTasks: res.tasks.filter((t) => canSee(t, person)).map((t) => taskJson(engine.withWarning(t))),
    };
  });

  return r;
}
