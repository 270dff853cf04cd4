import Router from '@koa/router';
import type { Context } from 'koa';
import { batchValues, signedFor } from '../domain/case-actions.ts';
import { actorForTask, principalFor } from '../domain/substitutes.ts';
import { isSupervision } from '../domain/access.ts';
import { caseFieldsOf } from '../domain/cases.ts';
import { reassignTask, taskDetail } from '../domain/inbox.ts';
import { decisionEvent } from '../domain/opinions.ts';
import { withNotices } from './notices.ts';
import { personalView } from '../domain/personal-data.ts';
import { remindTask, type Reminder } from '../domain/supervision/reminders.ts';
import { unitPendingTasks } from '../domain/supervision/unit-work.ts';
import type { StepResult } from '../engine/steps.ts';
import { actorOf } from '../domain/org.ts';
import { canSee } from '../engine/tasks.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { listInboxTasks } from '../store/inbox.ts';
import type { TaskFilter, TaskRow } from '../store/tasks.ts';
import { withAttachments } from './attachments.ts';
import { auditHook, clientOf, me, type ApiDeps } from './context.ts';
import * as api from './contracts/tasks.ts';
import { listBody } from './input.ts';
import { routeMounter } from './route.ts';
import { instanceJson, taskJson, tasksJson } from './present.ts';

/**
 * The inbox: GET /tasks (filters, sorting, paging), GET /tasks/:id with its form and the
 * variables the form shows, and POST /tasks/:id/claim, /unclaim, /complete, /assign (转办), /remind (催办).
 * A task is listed and shown only to its assignee, candidates and completer — and, read-only, to
 * supervision; anyone else gets 403 NOT_CANDIDATE (the same answer the engine gives on claim).
 */
export function taskRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  const { engine } = deps;

  route(api.taskList, async (ctx, { query }) => {
    const person = me(ctx);
    // 委托 (actingFor): the tasks of someone the caller stands in for now (代 X 办理).
    const { assignee, candidate, all, overdue, completedBy, actingFor } = query;
    const filter: TaskFilter = {
      status: query.status ?? (completedBy ? 'completed' : 'open'),
      processKey: query.processKey,
      instanceId: query.instance,
      dueBefore: query.dueBefore,
      q: query.q,
      sort: query.sort ?? (completedBy ? '-completed' : 'created'),
      limit: query.limit,
      offset: query.offset,
    };
    if (overdue) filter.overdueAt = engine.clock.now();
    const supervision = isSupervision(person);
    const others = [assignee, candidate, completedBy].some((v) => v !== undefined && v !== 'me' && v !== person.id);
    if ((all || others) && !supervision) throw new ForbiddenError('只能查询本人的待办任务', 'FORBIDDEN');
    if (assignee !== undefined) filter.assignee = assignee === 'me' ? person.id : assignee;
    if (completedBy !== undefined) filter.completedBy = completedBy === 'me' ? person.id : completedBy;
    if (candidate !== undefined) {
      const who = candidate === 'me' || candidate === person.id ? person : await actorOf(deps.db, candidate);
      if (!who) throw new NotFoundError(`用户 ${candidate} 不存在`, 'USER_NOT_FOUND');
      filter.claimableBy = { user: who.id, groups: who.groups };
    }
    if (actingFor !== undefined) {
      const principal = await principalFor(deps.db, person, actingFor, engine.clock.now());
      filter.visibleTo = { user: principal.id, groups: principal.groups };
    } else if (!all && assignee === undefined && candidate === undefined && completedBy === undefined) filter.visibleTo = { user: person.id, groups: person.groups };
    const { rows, total } = await listInboxTasks(deps.db, filter);
    const fields = await caseFieldsOf(deps.db, engine, rows, person, { state: completedBy !== undefined });
    return listBody(ctx, tasksJson(rows.map((t) => engine.withWarning(t)), fields), total, query);
  });

  route(api.taskGet, async (ctx, { params, query }) => {
    const person = await actorForTask(deps.db, me(ctx), await engine.getTask(params.id), engine.clock.now());
    const reveal = query.reveal === 'personal';
    const d = await taskDetail(deps.db, engine, params.id, person);
    const client = clientOf(ctx);
    const view = await personalView(deps.db, engine, d.instance, person, { reveal, via: 'task', ip: client.ip, requestId: client.requestId });
    // A read-only viewer (supervision) sees the form's platform data as the person who works it would.
    const withData = engine.hasFormData(d.form?.key);
    const worker = !withData || d.actions.complete ? person : ((await actorOf(deps.db, d.task.assignee ?? d.instance.startedBy)) ?? person);
    const fields = await caseFieldsOf(deps.db, engine, [d.task], person);
    return {
      task: taskJson(d.task, fields.get(d.task.id)),
      form: d.form && { key: d.form.key, version: d.form.version, schema: d.form.schema },
      variables: view.apply(d.variables),
      // Platform data the form shows (e.g. select options), as the caller would submit against it.
      formData: withData ? await engine.formData(d.form!.key, worker) : {},
      instance: instanceJson(d.instance),
      // The case's content, read-only: the start form and its values (masked as the variables are).
      content: d.content && { formKey: d.content.formKey, schema: d.content.schema, values: view.apply(d.content.values) },
      actions: d.actions,
      returnTargets: d.returnTargets,
      assignable: d.assignable,
      signers: d.signers,
      personalData: await view.finish(),
    };
  });

  route(api.taskClaim, async (ctx, { params }) => {
    const before = await engine.getTask(params.id);
    const task = await engine.claim(params.id, {
      by: await actorForTask(deps.db, me(ctx), before, engine.clock.now()),
      task: before,
      hook: auditHook(ctx, deps, (t) => ({
        action: 'task.claim',
        objectType: 'task',
        objectId: t.id,
        instanceId: t.instanceId,
        before: { assignee: null },
        after: { assignee: t.assignee, task: t.name },
      })),
    });
    return taskJson(task);
  });

  route(api.taskUnclaim, async (ctx, { params }) => {
    const task = await engine.unclaim(params.id, {
      by: me(ctx),
      hook: auditHook(ctx, deps, (t) => ({
        action: 'task.unclaim',
        objectType: 'task',
        objectId: t.id,
        instanceId: t.instanceId,
        before: { assignee: me(ctx).id },
        after: { assignee: null, task: t.name },
      })),
    });
    return taskJson(task);
  });

  /** Completes one task as the caller, with its audit row, the handler's unit and the notifications, in one step. */
  const completeOne = async (ctx: Context, taskId: string, variables: Record<string, unknown>) => {
    const before = await engine.getTask(taskId);
    // 委托: a substitute works the task of the person they stand in for, recorded as "代 X 办理".
    const person = await actorForTask(deps.db, me(ctx), before, engine.clock.now());
    const audit = auditHook(ctx, deps, (res: StepResult) => ({
      action: 'task.complete',
      objectType: 'task',
      objectId: taskId,
      instanceId: res.instance.id,
      before: before && { status: before.status, assignee: before.assignee, task: before.name },
      after: { status: 'completed', variables, instanceStatus: res.instance.status },
    }));
    return engine.complete(taskId, {
      by: person,
      variables,
      task: before,
      // Attachments the form references become the case's in the same transaction; the handler's unit is kept with the opinion.
      hook: withAttachments(deps, person, variables, (res: StepResult) => ({ instanceId: res.instance.id, taskId }), withNotices(deps, audit, async (trx, res) => {
        // The handler's unit and 代 X are stored by the completion itself (the actor carries them).
        const event = res.completed
          ? await decisionEvent((key) => engine.definitions.latestForm(key, trx), res.completed, person.id)
          : { kind: 'case.decision', actor: person.id, taskId };
        // A 加签 signer's signature is told to the step's handler too.
        return { ...event, also: [...(event.also ?? []), ...(await signedFor(trx, before))] };
      })),
    });
  };

  route(api.taskComplete, async (ctx, { params, body }) => {
    const person = me(ctx);
    const result = await completeOne(ctx, params.id, body.variables ?? {});
    // The task as the step completed it; read only when the step held it for 加签 signers.
    const done = result.completed ? engine.withWarning(result.completed) : await engine.getTask(params.id);
    return {
      task: done && taskJson(done),
      instance: instanceJson(result.instance),
      nextTasks: result.tasks.filter((t) => canSee(t, person)).map((t) => taskJson(engine.withWarning(t))),
    };
  });

  // 批量审批: several tasks whose forms ask only for a decision and a comment, each its own step and audit row.
  route(api.taskBatchComplete, async (ctx, { body }) => {
    const { taskIds, decision, comment } = body;
    const ids = [...new Set(taskIds.map(String))];
    if (!ids.length || ids.length > 50) throw new ValidationError([{ field: 'taskIds', message: '请选择 1 至 50 件待办' }]);
    const results = [];
    for (const id of ids) {
      try {
        const task = await engine.getTask(id);
        if (!task) throw new NotFoundError(`任务 ${id} 不存在`, 'TASK_NOT_FOUND');
        const res = await completeOne(ctx, id, await batchValues(deps.db, task, decision, comment?.trim() || null));
        results.push({ taskId: id, status: 'completed' as const, instanceStatus: res.instance.status });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ taskId: id, status: 'refused' as const, error: { code: err.code, message: err.message, httpStatus: err.status } });
      }
    }
    return { completed: results.filter((r) => r.status === 'completed').length, refused: results.filter((r) => r.status === 'refused').length, results };
  });

  // 本单位待办: the open tasks waiting on a unit's people, for its head and contact person (and supervision).
  route(api.unitTasks, async (ctx, { query }) => {
    const res = await unitPendingTasks(deps.db, engine, me(ctx), { unitId: query.unit, limit: query.limit, offset: query.offset });
    ctx.set('X-Total-Count', String(res.total));
    const fields = await caseFieldsOf(deps.db, engine, res.items, me(ctx));
    return { unit: { id: res.unit.id, name: res.unit.name }, items: tasksJson(res.items, fields), total: res.total };
  });

  // 转办: the assignee hands the task to another candidate.
  route(api.taskAssign, async (ctx, { params, body }) => {
    const { userId, comment } = body;
    const person = me(ctx);
    const task = await reassignTask(deps.db, engine, params.id, {
      by: person,
      to: userId,
      comment: comment ?? undefined,
      hook: auditHook(ctx, deps, (t: TaskRow) => ({
        action: 'task.assign',
        objectType: 'task',
        objectId: t.id,
        instanceId: t.instanceId,
        before: { assignee: person.id },
        after: { assignee: t.assignee, task: t.name, comment: comment ?? null },
      })),
    });
    return taskJson(task);
  });

  // 催办: remind whoever must act on an open task (supervision, the starter, unit heads and contacts).
  route(api.taskRemind, async (ctx, { params, body }) => {
    const { message } = body;
    const reminder = await remindTask(deps.db, params.id, {
      by: me(ctx),
      message: message ?? undefined,
      now: engine.clock.now(),
      hook: auditHook(ctx, deps, (r: Reminder) => ({
        action: 'task.remind',
        objectType: 'task',
        objectId: r.taskId,
        instanceId: r.instanceId,
        after: { recipients: r.recipients, message: message ?? null },
      })),
    });
    return { taskId: reminder.taskId, instanceId: reminder.instanceId, recipients: reminder.recipients, at: new Date(reminder.at).toISOString() };
  });

  return r;
}
