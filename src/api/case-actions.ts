import Router from '@koa/router';
import type { Context } from 'koa';
import { ccCase, copiedTo, returnCase, withdrawCase } from '../domain/case-actions.ts';
import { appendAudit } from '../domain/audit.ts';
import { canSee } from '../engine/tasks.ts';
import type { Knex } from 'knex';
import { actorForTask } from '../domain/substitutes.ts';
import { clientOf, me, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody, listBody, page, QueryReader } from './input.ts';
import { instanceJson, iso, taskJson } from './present.ts';

/**
 * Routing actions on a case (issue 13, item 7): POST /tasks/:id/return (退回), POST
 * /process-instances/:id/withdraw (撤回 by the applicant), POST /tasks/:id/cc (抄送) and GET /cc
 * (抄送我的). Each is audited in its own transaction and refused with a 4xx, changing nothing,
 * where it is not allowed.
 */
export function caseActionRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { db, engine } = deps;

  const audit = (ctx: Context, action: string, objectType: string, objectId: string, instanceId: () => string) => async (trx: Knex.Transaction, after: Record<string, unknown>) => {
    const client = clientOf(ctx);
    await appendAudit(trx, { actor: me(ctx).id, action, objectType, objectId, instanceId: instanceId(), after, ip: client.ip, requestId: client.requestId }, engine.clock.now());
  };

  r.post('/tasks/:id/return', json, async (ctx) => {
    const { targetElementId, comment } = bodyFields(ctx, {
      targetElementId: { type: 'string', required: true, nonEmpty: true, max: 200 },
      comment: { type: 'string', required: true, max: 1000 },
    });
    const task = await engine.getTask(ctx.params.id);
    const person = await actorForTask(db, me(ctx), task, engine.clock.now());
    const res = await returnCase(engine, ctx.params.id, {
      by: person,
      targetElementId: targetElementId!,
      comment: comment ?? '',
      audit: audit(ctx, 'task.return', 'task', ctx.params.id, () => task?.instanceId ?? ''),
    });
    ctx.body = { instance: instanceJson(res.instance), nextTasks: res.tasks.filter((t) => canSee(t, person)).map((t) => taskJson(engine.withWarning(t))), tasks: res.tasks.map((t) => ({ id: t.id, elementId: t.elementId, name: t.name })) };
  });

  r.post('/process-instances/:id/withdraw', json, async (ctx) => {
    const { reason } = bodyFields(ctx, { reason: { type: 'string', required: true, max: 1000 } });
    const instance = await withdrawCase(db, engine, ctx.params.id, {
      by: me(ctx),
      reason: reason ?? '',
      audit: audit(ctx, 'process.withdraw', 'process-instance', ctx.params.id, () => ctx.params.id),
    });
    ctx.body = instanceJson(instance);
  });

  r.post('/tasks/:id/cc', json, async (ctx) => {
    const { userIds, comment } = bodyFields(ctx, { userIds: { type: 'array', required: true, max: 20 }, comment: { type: 'string', max: 500 } });
    const task = await engine.getTask(ctx.params.id);
    const res = await ccCase(db, engine, ctx.params.id, {
      by: await actorForTask(db, me(ctx), task, engine.clock.now()),
      userIds: (userIds as unknown[]).map(String),
      comment: comment?.trim() || null,
      audit: audit(ctx, 'case.cc', 'task', ctx.params.id, () => task?.instanceId ?? ''),
    });
    ctx.status = 201;
    ctx.body = { taskId: res.task.id, instanceId: res.task.instanceId, copied: res.copied };
  });

  // 抄送我的: read-only list of the cases copied to me.
  r.get('/cc', async (ctx) => {
    const q = new QueryReader(ctx.query);
    const paging = page(q);
    q.done();
    const { rows, total } = await copiedTo(db, me(ctx).id, paging);
    const items = rows.map((c) => ({
      id: c.id,
      instanceId: c.instanceId,
      taskId: c.taskId,
      caseNumber: c.caseNumber,
      subject: c.subject,
      processKey: c.processKey,
      status: c.status,
      startedByName: c.startedByName,
      by: c.by,
      byName: c.byName,
      comment: c.comment,
      createdAt: iso(c.createdAt),
    }));
    ctx.body = listBody(ctx, items, total, paging);
  });

  return r;
}
