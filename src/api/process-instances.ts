import Router from '@koa/router';
import { isSupervision, mayViewInstance } from '../domain/access.ts';
import { authoriseMessage } from '../domain/messages.ts';
import { canSee } from '../engine/tasks.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { listVisibleInstances, openTasksOf } from '../store/visibility.ts';
import { appendAudit } from '../domain/audit.ts';
import { cancelInstance } from '../domain/cancellation.ts';
import { caseContentOf, opinionsOf, verificationCode } from '../domain/opinions.ts';
import { personalView } from '../domain/personal-data.ts';
import { approvalSheetPdf } from '../domain/documents/approval-sheet.ts';
import { attachmentDisposition } from '../domain/documents/pdf.ts';
import { auditHook, clientOf, me, requireSupervision, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody, listBody, page, QueryReader } from './input.ts';
import { activitiesOf, historyJson, incidentJson, instanceJson, iso, taskJson } from './present.ts';

const STATUSES = ['running', 'completed', 'cancelled'] as const;

/**
 * Process instances: lists (everyone sees what they started or took part in; supervision sees
 * all), one instance in full, cancelling (supervision) and correlating a message.
 */
export function processInstanceRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { engine, db } = deps;

  r.get('/process-instances', async (ctx) => {
    const person = me(ctx);
    const q = new QueryReader(ctx.query);
    const overdue = q.bool('overdue');
    const filter = {
      processKey: q.string('key', 120),
      status: q.oneOf('status', STATUSES),
      startedBy: q.string('startedBy', 100),
      businessKey: q.string('businessKey', 200),
      unitId: q.string('unit', 60),
      startedFrom: q.time('startedFrom'),
      startedTo: q.time('startedTo'),
      q: q.string('q', 100),
      overdueAt: overdue ? engine.clock.now() : undefined,
      ...page(q),
    };
    q.done();
    const viewer = isSupervision(person) ? undefined : { user: person.id, groups: person.groups };
    const { rows, total } = await listVisibleInstances(db, { ...filter, viewer });
    // What each instance waits for, so that a list need not fetch every instance.
    const waiting = await openTasksOf(db, rows.map((r) => r.id));
    const items = rows.map((r) => ({
      ...instanceJson(r),
      openTasks: (waiting.get(r.id) ?? []).map((t) => ({ id: t.id, elementId: t.elementId, name: t.name, assignee: t.assignee, dueAt: iso(t.dueAt) })),
    }));
    ctx.body = listBody(ctx, items, total, filter);
  });

  r.get('/process-instances/:id', async (ctx) => {
    const person = me(ctx);
    const instance = await engine.getInstance(ctx.params.id);
    if (!instance) throw new NotFoundError(`流程实例 ${ctx.params.id} 不存在`, 'INSTANCE_NOT_FOUND');
    if (!(await mayViewInstance(db, instance, person))) throw new ForbiddenError('您无权查看该流程实例', 'INSTANCE_FORBIDDEN');
    const q = new QueryReader(ctx.query);
    const reveal = q.oneOf('reveal', ['personal'] as const) === 'personal';
    q.done();
    const client = clientOf(ctx);
    const view = await personalView(db, engine, instance, person, { reveal, via: 'instance', ip: client.ip, requestId: client.requestId });
    const [tasks, history, incidents, opinions, content] = await Promise.all([
      engine.tasksOfInstance(instance.id),
      engine.history(instance.id, { limit: 5000 }),
      engine.incidents({ instanceId: instance.id }),
      opinionsOf(db, instance.id),
      caseContentOf(db, engine, instance),
    ]);
    const activities = activitiesOf(history);
    if (instance.status !== 'running') activities.active = [];
    const multiInstance = await engine.multiInstanceProgress(instance, tasks);
    const variables = view.apply(instance.variables);
    const historyShown = view.apply(history.map(historyJson));
    ctx.body = {
      ...instanceJson(instance),
      version: instance.version,
      variables,
      activities,
      multiInstance,
      tasks: tasks.map((t) => taskJson(t)),
      incidents: incidents.map(incidentJson),
      history: historyShown,
      // The submitted content (start form, read-only) and each step's own opinion (审批意见).
      content: content && { formKey: content.formKey, schema: content.schema, values: view.apply(content.values) },
      opinions: opinions.map((o) => ({ ...o, at: iso(o.at), fields: o.fields.map((f) => ({ ...f, value: view.apply({ [f.key]: f.value })[f.key], text: view.apply({ [f.key]: f.text })[f.key] })) })),
      personalData: await view.finish(),
    };
  });

  // 审批单: the case's verification code (hash over its audit rows' hashes) for the printable sheet.
  r.get('/process-instances/:id/approval-sheet', async (ctx) => {
    const person = me(ctx);
    const instance = await engine.getInstance(ctx.params.id);
    if (!instance) throw new NotFoundError(`流程实例 ${ctx.params.id} 不存在`, 'INSTANCE_NOT_FOUND');
    if (!(await mayViewInstance(db, instance, person))) throw new ForbiddenError('您无权查看该流程实例', 'INSTANCE_FORBIDDEN');
    const v = await verificationCode(db, instance.id);
    ctx.body = { instanceId: instance.id, caseNumber: instance.caseNumber ?? null, verificationCode: v.code, auditRows: v.rows, generatedAt: iso(engine.clock.now()) };
  });

  // 审批单 as PDF (A4, CJK font embedded): same read access as the case.
  r.get('/process-instances/:id/approval-sheet.pdf', async (ctx) => {
    const person = me(ctx);
    const client = clientOf(ctx);
    const { bytes, fileName } = await approvalSheetPdf(db, engine, ctx.params.id, person, { ip: client.ip, requestId: client.requestId });
    ctx.set('Content-Disposition', attachmentDisposition(fileName, 'approval-sheet.pdf'));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/pdf';
    ctx.body = bytes;
  });

  // Supervision cancels, honouring the instance's separation of duties; accountability and
  // penalty cases (process property cancelRequiresApproval) need a leader's approval: 202 pending.
  r.post('/process-instances/:id/cancel', json, async (ctx) => {
    const person = requireSupervision(ctx);
    const { reason } = bodyFields(ctx, { reason: { type: 'string', required: true, nonEmpty: true, max: 1000 } });
    const client = clientOf(ctx);
    const res = await cancelInstance(db, engine, ctx.params.id, {
      by: person,
      reason: reason.trim(),
      audit: async (trx, e) => {
        await appendAudit(
          trx,
          { actor: person.id, action: e.action, objectType: 'process-instance', objectId: e.instanceId, instanceId: e.instanceId, before: { status: 'running' }, after: e.after, ip: client.ip, requestId: client.requestId },
          engine.clock.now(),
        );
      },
    });
    if (res.status === 'pending') {
      ctx.status = 202;
      ctx.body = { status: 'pending', requestId: res.requestId, approvalInstanceId: res.approvalInstanceId, instance: instanceJson(res.instance) };
      return;
    }
    ctx.body = instanceJson(res.instance);
  });

  r.post('/process-instances/messages/:name', json, async (ctx) => {
    const person = me(ctx);
    const { businessKey, instanceId, variables } = bodyFields(ctx, {
      businessKey: { type: 'string', max: 200 },
      instanceId: { type: 'string', max: 36 },
      variables: { type: 'object' },
    });
    const name = ctx.params.name;
    await authoriseMessage(db, engine, name, { businessKey, instanceId }, person);
    const res = await engine.correlateMessage(name, {
      businessKey: businessKey || undefined,
      instanceId: instanceId || undefined,
      variables: variables ?? {},
      by: person,
      hook: auditHook(ctx, deps, (s) => ({
        action: 'message.correlate',
        objectType: 'process-instance',
        objectId: s.instance.id,
        instanceId: s.instance.id,
        after: { message: name, businessKey: businessKey ?? null, variables: variables ?? {} },
      })),
    });
    ctx.status = res.started ? 201 : 200;
    ctx.body = {
      started: res.started,
      instance: instanceJson(res.instance),
      tasks: res.tasks.filter((t) => canSee(t, person)).map((t) => taskJson(engine.withWarning(t))),
    };
  });

  return r;
}
