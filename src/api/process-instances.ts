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
import * as api from './contracts/process-instances.ts';
import { listBody } from './input.ts';
import { routeMounter } from './route.ts';
import { activitiesOf, historyJson, incidentJson, instanceJson, iso, taskJson } from './present.ts';

/**
 * Process instances: lists (everyone sees what they started or took part in; supervision sees
 * all), one instance in full, cancelling (supervision) and correlating a message.
 */
export function processInstanceRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  const { engine, db } = deps;

  route(api.instanceList, async (ctx, { query }) => {
    const person = me(ctx);
    const filter = {
      processKey: query.key,
      status: query.status,
      startedBy: query.startedBy,
      businessKey: query.businessKey,
      unitId: query.unit,
      startedFrom: query.startedFrom,
      startedTo: query.startedTo,
      q: query.q,
      overdueAt: query.overdue ? engine.clock.now() : undefined,
      limit: query.limit,
      offset: query.offset,
    };
    const viewer = isSupervision(person) ? undefined : { user: person.id, groups: person.groups };
    const { rows, total } = await listVisibleInstances(db, { ...filter, viewer });
    // What each instance waits for, so that a list need not fetch every instance.
    const waiting = await openTasksOf(db, rows.map((r) => r.id));
    const items = rows.map((r) => ({
      ...instanceJson(r),
      openTasks: (waiting.get(r.id) ?? []).map((t) => ({ id: t.id, elementId: t.elementId, name: t.name, assignee: t.assignee, dueAt: iso(t.dueAt) })),
    }));
    return listBody(ctx, items, total, filter);
  });

  route(api.instanceGet, async (ctx, { params, query }) => {
    const person = me(ctx);
    const instance = await engine.getInstance(params.id);
    if (!instance) throw new NotFoundError(`流程实例 ${params.id} 不存在`, 'INSTANCE_NOT_FOUND');
    if (!(await mayViewInstance(db, instance, person))) throw new ForbiddenError('您无权查看该流程实例', 'INSTANCE_FORBIDDEN');
    const reveal = query.reveal === 'personal';
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
    return {
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
  route(api.approvalSheet, async (ctx, { params }) => {
    const person = me(ctx);
    const instance = await engine.getInstance(params.id);
    if (!instance) throw new NotFoundError(`流程实例 ${params.id} 不存在`, 'INSTANCE_NOT_FOUND');
    if (!(await mayViewInstance(db, instance, person))) throw new ForbiddenError('您无权查看该流程实例', 'INSTANCE_FORBIDDEN');
    const v = await verificationCode(db, instance.id);
    return { instanceId: instance.id, caseNumber: instance.caseNumber ?? null, verificationCode: v.code, auditRows: v.rows, generatedAt: iso(engine.clock.now()) };
  });

  // 审批单 as PDF (A4, CJK font embedded): same read access as the case.
  route(api.approvalSheetPdf, async (ctx, { params }) => {
    const person = me(ctx);
    const client = clientOf(ctx);
    const { bytes, fileName } = await approvalSheetPdf(db, engine, params.id, person, { ip: client.ip, requestId: client.requestId });
    ctx.set('Content-Disposition', attachmentDisposition(fileName, 'approval-sheet.pdf'));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/pdf';
    ctx.body = bytes;
  });

  // Supervision cancels, honouring the instance's separation of duties; accountability and
  // penalty cases (process property cancelRequiresApproval) need a leader's approval: 202 pending.
  route(
    api.instanceCancel,
    async (ctx, { params, body }) => {
      const person = requireSupervision(ctx);
      const reason = body.reason;
      const client = clientOf(ctx);
      const res = await cancelInstance(db, engine, params.id, {
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
        return { status: 'pending' as const, requestId: res.requestId, approvalInstanceId: res.approvalInstanceId, instance: instanceJson(res.instance) };
      }
      return instanceJson(res.instance);
    },
    { guard: requireSupervision },
  );

  route(api.messageCorrelate, async (ctx, { params, body }) => {
    const person = me(ctx);
    const { businessKey, instanceId, variables } = body;
    const name = params.name;
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
    return {
      started: res.started,
      instance: instanceJson(res.instance),
      tasks: res.tasks.filter((t) => canSee(t, person)).map((t) => taskJson(engine.withWarning(t))),
    };
  });

  return r;
}
