import Router from '@koa/router';
import type { Context } from 'koa';
import { decideRuleChangeByPerson, proposeRuleChange } from '../domain/supervision/rule-changes.ts';
import { ruleChanges, ruleLibrary, ruleWarnings, ruleWarningSummary } from '../domain/supervision/rule-library.ts';
import { ruleStepNames } from '../domain/supervision/rule-steps.ts';
import { appendAudit } from '../domain/audit.ts';
import { ForbiddenError } from '../errors.ts';
import { auditHook, clientOf, me, requireSupervision, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody, QueryReader } from './input.ts';
import { iso } from './present.ts';

/**
 * Monitoring rules as data (issue 18, item 2) and the warnings they raise (item 3): supervision
 * reads and proposes; a change only takes effect when a discipline-committee member other than the
 * proposer approves it in monitoring-rule-change.bpmn. Every proposal and decision is audited.
 */
export function monitoringRuleRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { db, engine } = deps;
  const json = jsonBody(deps.limits.jsonBytes);

  const reader = (ctx: Context) => {
    const p = me(ctx);
    if (!p.groups.includes('supervision') && !p.groups.includes('discipline-committee')) throw new ForbiddenError('仅监察室或局纪委可以查看监察规则', 'FORBIDDEN');
    return p;
  };
  const audit = (ctx: Context) => {
    const client = clientOf(ctx);
    const actor = me(ctx).id;
    return async (trx: any, e: { action: string; objectId: string; instanceId?: string; before?: unknown; after: unknown }) => {
      await appendAudit(trx, { actor, action: e.action, objectType: 'monitoring-rule', objectId: e.objectId, instanceId: e.instanceId, before: e.before, after: e.after, ip: client.ip, requestId: client.requestId }, engine.clock.now());
    };
  };
  const ruleFields = {
    kind: { type: 'string', max: 40 },
    name: { type: 'string', max: 200 },
    processKey: { type: 'string', max: 120 },
    elementId: { type: 'string', max: 120 },
    level: { type: 'string', max: 10 },
    params: { type: 'object' },
    enabled: { type: 'boolean' },
    reason: { type: 'string', required: true, nonEmpty: true, max: 1000 },
  } as const;
  const given = (body: Record<string, unknown>) => Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== 'reason' && v !== undefined));

  r.get('/monitoring-rules', async (ctx) => {
    reader(ctx);
    const lib = await ruleLibrary(db);
    // Step names of the watched processes, so the page names steps as the process does.
    ctx.body = { items: lib.items.map(ruleJson), kinds: lib.kinds, stepNames: await ruleStepNames(db, engine) };
  });

  r.post('/monitoring-rules', json, async (ctx) => {
    const person = requireSupervision(ctx);
    const body = bodyFields(ctx, ruleFields);
    const res = await proposeRuleChange({ db, engine }, { input: given(body), reason: body.reason, by: person, audit: audit(ctx) });
    ctx.status = 202;
    ctx.body = res;
  });

  r.put('/monitoring-rules/:id', json, async (ctx) => {
    const person = requireSupervision(ctx);
    const body = bodyFields(ctx, ruleFields);
    const res = await proposeRuleChange({ db, engine }, { ruleId: ctx.params.id, input: given(body), reason: body.reason, by: person, audit: audit(ctx) });
    ctx.status = 202;
    ctx.body = res;
  });

  r.get('/monitoring-rule-changes', async (ctx) => {
    reader(ctx);
    const q = new QueryReader(ctx.query);
    const status = q.oneOf('status', ['pending', 'approved', 'rejected'] as const);
    q.done();
    ctx.body = { items: (await ruleChanges(db, status)).map(changeJson) };
  });

  const decide = (decision: 'approve' | 'reject') => async (ctx: Context) => {
    const { comment } = bodyFields(ctx, { comment: { type: 'string', max: 1000, required: decision === 'reject', nonEmpty: decision === 'reject' } });
    const change = await decideRuleChangeByPerson({ db, engine }, ctx.params.id, {
      by: me(ctx),
      decision,
      comment: comment ?? null,
      hook: auditHook(ctx, deps, () => ({ action: `monitoring-rule-change.${decision}`, objectType: 'monitoring-rule-change', objectId: ctx.params.id, before: { status: 'pending' }, after: { decision, comment: comment ?? null } })),
    });
    ctx.body = changeJson(change);
  };
  r.post('/monitoring-rule-changes/:id/approve', json, decide('approve'));
  r.post('/monitoring-rule-changes/:id/reject', json, decide('reject'));

  r.get('/rule-warnings', async (ctx) => {
    reader(ctx);
    const q = new QueryReader(ctx.query);
    const f = { ruleId: q.string('ruleId', 36), unitId: q.string('unitId', 60), stage: q.oneOf('stage', ['raised', 'supervising', 'answered', 'yellow-card', 'red-card', 'closed'] as const), instanceId: q.string('instanceId', 36) };
    q.done();
    ctx.body = { items: (await ruleWarnings(db, f)).map(warningJson) };
  });

  r.get('/rule-warnings/summary', async (ctx) => {
    reader(ctx);
    ctx.body = await ruleWarningSummary(db);
  });

  return r;
}

function ruleJson(r: Awaited<ReturnType<typeof ruleLibrary>>['items'][number]) {
  return { ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) };
}

function changeJson(c: Awaited<ReturnType<typeof ruleChanges>>[number]) {
  return { ...c, requestedAt: iso(c.requestedAt), decidedAt: iso(c.decidedAt) };
}

function warningJson(w: Awaited<ReturnType<typeof ruleWarnings>>[number]) {
  return { ...w, createdAt: iso(w.createdAt), answeredAt: iso(w.answeredAt), yellowCardAt: iso(w.yellowCardAt), redCardAt: iso(w.redCardAt), closedAt: iso(w.closedAt) };
}
