import Router from '@koa/router';
import type { Context } from 'koa';
import { batchValues, signedFor } from '../domain/case-actions.ts';
import { actorForTask, principalFor } from '../domain/substitutes.ts';
import { isSupervision } from '../domain/access.ts';
import { caseFieldsOf } from '../domain/cases.ts';
import { reassignTask, taskDetail } from '../domain/inbox.ts';
import { decisionEvent, recordHandler } from '../domain/opinions.ts';
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
import { bodyFields, jsonBody, listBody, page, QueryReader } from './input.ts';
import { instanceJson, taskJson, tasksJson } from './present.ts';

const SORTS = ['due', '-due', 'created', '-created', 'completed', '-completed'] as const;
const STATUSES = ['open', 'completed', 'cancelled'] as const;

/**
 * The inbox: GET /tasks (filters, sorting, paging), GET /tasks/:id with its form and the
 * variables the form shows, and POST /tasks/:id/claim, /unclaim, /complete, /assign (转办), /remind (催办).
 * A task is listed and shown only to its assignee, candidates and completer — and, read-only, to
 * supervision; anyone else gets 403 NOT_CANDIDATE (the same answer the engine gives on claim).
 */
export function taskRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { engine } = deps;

  r.get('/tasks', async (ctx) => {
    const person = me(ctx);
    const q = new QueryReader(ctx.query);
    const assignee = q.string('assignee', 100);
    const candidate = q.string('candidate', 100);
    const all = q.bool('all');
    const overdue = q.bool('overdue');
    const completedBy = q.string('completedBy', 100);
    // 委托: the tasks of someone the caller stands in for now (代 X 办理).
    const actingFor = q.string('actingFor', 100);
    const filter: TaskFilter = {
      status: q.oneOf('status', STATUSES) ?? (completedBy ? 'completed' : 'open'),
      processKey: q.string('processKey', 120),
      instanceId: q.string('instance', 36),
      dueBefore: q.time('dueBefore'),
      q: q.string('q', 100),
      sort: q.oneOf('sort', SORTS) ?? (completedBy ? '-completed' : 'created'),
      ...page(q),
    };
    if (overdue) filter.overdueAt = engine.clock.now();
    q.done();
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
    ctx.body = listBody(ctx, tasksJson(rows.map((t) => engine.withWarning(t)), fields), total, filter as { limit: number; offset: number });
  });

  r.get('/tasks/:id', async (ctx) => {
    const person = await actorForTask(deps.db, me(ctx), await engine.getTask(ctx.params.id), engine.clock.now());
    const q = new QueryReader(ctx.query);
    const reveal = q.oneOf('reveal', ['personal'] as const) === 'personal';
    q.done();
    const d = await taskDetail(deps.db, engine, ctx.params.id, person);
    const client = clientOf(ctx);
    const view = await personalView(deps.db, engine, d.instance, person, { reveal, via: 'task', ip: client.ip, requestId: client.requestId });
    // A read-only viewer (supervision) sees the form's platform data as the person who works it would.
    const withData = engine.hasFormData(d.form?.key);
    const worker = !withData || d.actions.complete ? person : ((await actorOf(deps.db, d.task.assignee ?? d.instance.startedBy)) ?? person);
    const fields = await caseFieldsOf(deps.db, engine, [d.task], person);
    ctx.body = {
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

  r.post('/tasks/:id/claim', json, async (ctx) => {
    const task = await engine.claim(ctx.params.id, {
      by: await actorForTask(deps.db, me(ctx), await engine.getTask(ctx.params.id), engine.clock.now()),
      hook: auditHook(ctx, deps, (t) => ({
        action: 'task.claim',
        objectType: 'task',
        objectId: t.id,
        instanceId: t.instanceId,
        before: { assignee: null },
        after: { assignee: t.assignee, task: t.name },
      })),
    });
    ctx.body = taskJson(task);
  });

  r.post('/tasks/:id/unclaim', json, async (ctx) => {
    const task = await engine.unclaim(ctx.params.id, {
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
    ctx.body = taskJson(task);
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
      // Attachments the form references become the case's in the same transaction; the handler's unit is kept with the opinion.
      hook: withAttachments(deps, person, variables, (res: StepResult) => ({ instanceId: res.instance.id, taskId }), withNotices(deps, async (trx, res: StepResult) => {
        await recordHandler(trx, taskId, person, person.actingFor?.id ?? null);
        await audit(trx, res);
      }, async (trx, res) => {
        const event = await decisionEvent(trx, res.instance.id, taskId, person.id);
        // A 加签 signer's signature is told to the step's handler too.
        return { ...event, also: [...(event.also ?? []), ...(await signedFor(trx, before))] };
      })),
    });
  };

  r.post('/tasks/:id/complete', json, async (ctx) => {
    const { variables } = bodyFields(ctx, { variables: { type: 'object' } });
    const person = me(ctx);
    const result = await completeOne(ctx, ctx.params.id, variables ?? {});
    const done = await engine.getTask(ctx.params.id);
    ctx.body = {
      task: done && taskJson(done),
      instance: instanceJson(result.instance),
      nextTasks: result.tasks.filter((t) => canSee(t, person)).map((t) => taskJson(engine.withWarning(t))),
    };
  });

  // 批量审批: several tasks whose forms ask only for a decision and a comment, each its own step and audit row.
  r.post('/tasks/batch-complete', json, async (ctx) => {
    const { taskIds, decision, comment } = bodyFields(ctx, {
      taskIds: { type: 'array', required: true },
      decision: { type: 'string', required: true, nonEmpty: true, max: 100 },
      comment: { type: 'string', max: 1000 },
    });
    const ids = [...new Set((taskIds as unknown[]).map(String))];
    if (!ids.length || ids.length > 50) throw new ValidationError([{ field: 'taskIds', message: '请选择 1 至 50 件待办' }]);
    const results = [];
    for (const id of ids) {
      try {
        const task = await engine.getTask(id);
        if (!task) throw new NotFoundError(`任务 ${id} 不存在`, 'TASK_NOT_FOUND');
        const res = await completeOne(ctx, id, await batchValues(deps.db, task, decision!, comment?.trim() || null));
        results.push({ taskId: id, status: 'completed', instanceStatus: res.instance.status });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ taskId: id, status: 'refused', error: { code: err.code, message: err.message, httpStatus: err.status } });
      }
    }
    ctx.body = { completed: results.filter((r) => r.status === 'completed').length, refused: results.filter((r) => r.status === 'refused').length, results };
  });

  // 本单位待办: the open tasks waiting on a unit's people, for its head and contact person (and supervision).
  r.get('/unit-tasks', async (ctx) => {
    const q = new QueryReader(ctx.query);
    const unitId = q.string('unit', 60);
    const paging = page(q);
    q.done();
    const res = await unitPendingTasks(deps.db, engine, me(ctx), { unitId, ...paging });
    ctx.set('X-Total-Count', String(res.total));
    const fields = await caseFieldsOf(deps.db, engine, res.items, me(ctx));
    ctx.body = { unit: { id: res.unit.id, name: res.unit.name }, items: tasksJson(res.items, fields), total: res.total };
  });

  // 转办: the assignee hands the task to another candidate.
  r.post('/tasks/:id/assign', json, async (ctx) => {
    const { userId, comment } = bodyFields(ctx, { userId: { type: 'string', max: 100, required: true }, comment: { type: 'string', max: 500 } });
    const person = me(ctx);
    const task = await reassignTask(deps.db, engine, ctx.params.id, {
      by: person,
      to: userId!,
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
    ctx.body = taskJson(task);
  });

  // 催办: remind whoever must act on an open task (supervision, the starter, unit heads and contacts).
  r.post('/tasks/:id/remind', json, async (ctx) => {
    const { message } = bodyFields(ctx, { message: { type: 'string', max: 200 } });
    const reminder = await remindTask(deps.db, ctx.params.id, {
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
    ctx.status = 201;
    ctx.body = { taskId: reminder.taskId, instanceId: reminder.instanceId, recipients: reminder.recipients, at: new Date(reminder.at).toISOString() };
  });

  return r;
}
