import Router from '@koa/router';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import { appendAudit } from '../domain/audit.ts';
import { allSubstitutions, clearSubstitute, setSubstitute, substitutionsOf } from '../domain/substitutes.ts';
import { ValidationError } from '../errors.ts';
import type { SubstitutionRow } from '../store/substitutes.ts';
import { clientOf, me, requireSupervision, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody, listBody, page, QueryReader } from './input.ts';
import { iso } from './present.ts';

/**
 * 委托/代理 (issue 13, item 7): PUT /me/substitute {userId, from, to}, DELETE /me/substitute,
 * GET /me/substitute (mine, and whom I stand in for now), GET /substitutes (supervision: all).
 */
export function substituteRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);
  const { db, engine } = deps;

  const audit = (ctx: Context) => async (trx: Knex.Transaction, action: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null) => {
    const client = clientOf(ctx);
    await appendAudit(trx, { actor: me(ctx).id, action, objectType: 'user', objectId: me(ctx).id, before: before ?? undefined, after: after ?? undefined, ip: client.ip, requestId: client.requestId }, engine.clock.now());
  };

  r.put('/me/substitute', json, async (ctx) => {
    const { userId, from, to } = bodyFields(ctx, {
      userId: { type: 'string', required: true, nonEmpty: true, max: 100 },
      from: { type: 'string', required: true, max: 40 },
      to: { type: 'string', required: true, max: 40 },
    });
    const row = await setSubstitute(db, me(ctx), { userId: userId!.trim(), from: instant(from!, 'from', false), to: instant(to!, 'to', true) }, engine.clock.now(), audit(ctx));
    ctx.body = substitutionJson(row, engine.clock.now());
  });

  r.delete('/me/substitute', async (ctx) => {
    await clearSubstitute(db, me(ctx), engine.clock.now(), audit(ctx));
    ctx.status = 204;
  });

  r.get('/me/substitute', async (ctx) => {
    const now = engine.clock.now();
    const s = await substitutionsOf(db, me(ctx), now);
    ctx.body = { substitute: s.mine && substitutionJson(s.mine, now), actingFor: s.actingFor.map((x) => substitutionJson(x, now)) };
  });

  r.get('/substitutes', async (ctx) => {
    requireSupervision(ctx);
    const q = new QueryReader(ctx.query);
    const active = q.bool('active');
    const paging = page(q);
    q.done();
    const now = engine.clock.now();
    const { rows, total } = await allSubstitutions(db, { active, now, ...paging });
    ctx.body = listBody(ctx, rows.map((x) => substitutionJson(x, now)), total, paging);
  });

  return r;
}

/** A date (YYYY-MM-DD, Beijing time: the start of `from`'s day, the end of `to`'s) or an ISO 8601 instant. */
function instant(text: string, field: string, end: boolean): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const t = day ? Date.parse(`${text}T00:00:00+08:00`) + (end ? 86_400_000 : 0) : Date.parse(text);
  if (!Number.isFinite(t)) throw new ValidationError([{ field, message: '应为日期（YYYY-MM-DD）或 ISO 8601 时间' }], '请求参数有误');
  return t;
}

function substitutionJson(x: SubstitutionRow, now: number) {
  return {
    id: x.id,
    userId: x.userId,
    userName: x.userName ?? null,
    substituteId: x.substituteId,
    substituteName: x.substituteName ?? null,
    from: iso(x.fromAt),
    to: iso(x.toAt),
    createdAt: iso(x.createdAt),
    cancelledAt: iso(x.cancelledAt),
    active: x.cancelledAt === null && x.fromAt <= now && now < x.toAt,
  };
}
