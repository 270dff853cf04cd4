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
import { instanceJson, iso, taskJson } from './present.ts';
import { decideWithdraw, recallCase, requestWithdraw, withdrawRequests } from '../domain/withdraw-requests.ts';
import { mayViewInstance } from '../domain/access.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import type { WithdrawRequestRow } from '../store/withdraw-requests.ts';

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

  // 收回: the previous handler takes the case back before the next one acts (:id is the task they completed).
  r.post('/tasks/:id/recall', json, async (ctx) => {
    const task = await engine.getTask(ctx.params.id);
    const person = me(ctx);
    const res = await recallCase(db, engine, ctx.params.id, { by: person, audit: audit(ctx, 'task.recall', 'task', ctx.params.id, () => task?.instanceId ?? '') });
    ctx.body = { instance: instanceJson(res.instance), nextTasks: res.tasks.filter((t) => canSee(t, person)).map((t) => taskJson(engine.withWarning(t))) };
  });

  // 申请撤回: the applicant asks once someone has acted; the current handler decides.
  r.post('/process-instances/:id/withdraw-request', json, async (ctx) => {
    const { reason } = bodyFields(ctx, { reason: { type: 'string', required: true, max: 1000 } });
    const row = await requestWithdraw(db, engine, ctx.params.id, { by: me(ctx), reason: reason ?? '', audit: audit(ctx, 'process.withdraw-request', 'process-instance', ctx.params.id, () => ctx.params.id) });
    ctx.status = 201;
    ctx.body = withdrawJson(row);
  });

  r.get('/process-instances/:id/withdraw-requests', async (ctx) => {
    const instance = await engine.getInstance(ctx.params.id);
    if (!instance) throw new NotFoundError(`流程实例 ${ctx.params.id} 不存在`, 'INSTANCE_NOT_FOUND');
    if (!(await mayViewInstance(db, instance, me(ctx)))) throw new ForbiddenError('您无权查看该案件', 'FORBIDDEN');
    ctx.body = { items: (await withdrawRequests(db, ctx.params.id)).map(withdrawJson) };
  });

  r.post('/withdraw-requests/:id/decide', json, async (ctx) => {
    const { approve, comment } = bodyFields(ctx, { approve: { type: 'boolean', required: true }, comment: { type: 'string', max: 1000 } });
    const req = await decideWithdraw(db, engine, ctx.params.id, {
      by: me(ctx),
      approve: approve!,
      comment: comment?.trim() || null,
      audit: async (trx, after) => audit(ctx, 'process.withdraw-decide', 'withdraw-request', ctx.params.id, () => String(after.instanceId))(trx, after),
    });
    ctx.body = withdrawJson(req);
  });

  return r;
}

function withdrawJson(w: WithdrawRequestRow) {
  return {
    id: w.id, instanceId: w.instanceId, reason: w.reason, requestedBy: w.requestedBy, requestedAt: iso(w.requestedAt),
    status: w.status, decidedBy: w.decidedBy, decidedAt: iso(w.decidedAt), comment: w.comment,
  };
}
