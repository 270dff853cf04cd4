import Router from '@koa/router';
import type { Authenticated } from '../domain/auth.ts';
import { complaintList, complaintStatus, complaintUnits, submitComplaint } from '../domain/complaints.ts';
import { BadRequestError } from '../errors.ts';
import { clientOf, requireSupervision, type ApiDeps } from './context.ts';
import { jsonBody } from './input.ts';

/**
 * 投诉举报 (issue 18, item 6): POST /complaints with or without a session (public reports are
 * rate-limited per address), GET /complaints/:receipt without one (status and outcome only), and
 * supervision's list GET /complaints.
 */
export function complaintRoutes(deps: ApiDeps): Router {
  const r = new Router();
  // Complaints are short texts: a small body limit keeps anonymous posts cheap.
  const json = jsonBody(Math.min(deps.limits.jsonBytes, 64 * 1024));

  r.post('/complaints', json, async (ctx) => {
    const auth = ctx.state.auth as Authenticated | undefined;
    const client = clientOf(ctx);
    const res = await submitComplaint(deps.engine, ctx.request.body, { person: auth?.person ?? null, ip: client.ip, requestId: client.requestId });
    ctx.status = 201;
    ctx.body = { receipt: res.receipt };
  });

  // The units a reporter may name, for the public page (no session; names only).
  r.get('/complaints/units', async (ctx) => {
    ctx.body = { items: await complaintUnits(deps.db) };
  });
  r.get('/complaints/:receipt', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await complaintStatus(deps.db, ctx.params.receipt);
  });

  r.get('/complaints', async (ctx) => {
    requireSupervision(ctx);
    const status = ctx.query.status;
    if (status !== undefined && status !== 'handling' && status !== 'concluded') throw new BadRequestError('status 应为 handling 或 concluded');
    const items = await complaintList(deps.db, status ? { status } : {});
    ctx.body = { items, total: items.length };
  });

  return r;
}
