import Router from '@koa/router';
import type { Context } from 'koa';
import { requestPasswordReset, resetPassword } from '../domain/password-resets.ts';
import { ForbiddenError } from '../errors.ts';
import { listUsers } from '../store/org.ts';
import { listPasswordResetRequests, type PasswordResetRequest } from '../store/password-resets.ts';
import { clientOf, me, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody, QueryReader } from './input.ts';
import { iso } from './present.ts';

const STATUSES = ['pending', 'approved', 'rejected', 'used', 'expired'] as const;
/** Who sees reset requests: the vendor who files them and the people who approve them. */
const READERS = ['vendor', 'security-admins', 'security-auditors', 'supervision', 'leaders'];

function requestJson(r: PasswordResetRequest, names: Map<string, string>) {
  return {
    id: r.id,
    userId: r.userId,
    userName: names.get(r.userId) ?? null,
    requestedBy: r.requestedBy,
    reason: r.reason,
    status: r.status,
    approvalInstanceId: r.approvalInstanceId,
    decidedBy: r.decidedBy,
    comment: r.comment,
    requestedAt: iso(r.requestedAt),
    decidedAt: iso(r.decidedAt),
    expiresAt: iso(r.expiresAt),
    usedAt: iso(r.usedAt),
  };
}

/** Who sets passwords: the vendor (Art. 9) and the security administrator (三员分立). */
const ACCOUNT_ADMINS = ['vendor', 'security-admins'];

function requireVendor(ctx: Context) {
  const p = me(ctx);
  if (!p.groups.some((g) => ACCOUNT_ADMINS.includes(g))) {
    throw new ForbiddenError('仅软件公司（系统管理员）和安全管理员可以设置或申请重置用户密码', 'FORBIDDEN', { requiredGroup: ACCOUNT_ADMINS });
  }
  return p;
}

/**
 * Passwords set by the vendor (Art. 9) under four eyes (src/domain/password-resets.ts):
 * POST /users/:id/password, POST /users/:id/password-reset-requests, GET /password-reset-requests.
 * The approval itself is a task of platform-password-reset in the approver's inbox.
 */
export function passwordResetRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);

  // A new account's first password directly; any other only after an approved request. The
  // password must be changed at the next sign-in.
  r.post('/users/:id/password', json, async (ctx) => {
    const by = requireVendor(ctx);
    const { password } = bodyFields(ctx, { password: { type: 'string', required: true, nonEmpty: true, max: 200 } });
    const res = await resetPassword(deps.db, deps.auth, { by, userId: ctx.params.id, password, client: clientOf(ctx) });
    ctx.body = { ok: true, userId: ctx.params.id, mustChangePassword: true, mode: res.mode, resetRequestId: res.requestId, sessionsEnded: res.sessionsEnded };
  });

  r.post('/users/:id/password-reset-requests', json, async (ctx) => {
    const by = requireVendor(ctx);
    const { reason } = bodyFields(ctx, { reason: { type: 'string', required: true, nonEmpty: true, max: 1000 } });
    const res = await requestPasswordReset(deps.db, deps.engine, { by, userId: ctx.params.id, reason: reason.trim(), client: clientOf(ctx) });
    const names = new Map((await listUsers(deps.db, { ids: [res.request.userId] })).map((u) => [u.id, u.displayName]));
    ctx.status = 202;
    ctx.body = { ...requestJson(res.request, names), approvalInstanceId: res.approvalInstanceId };
  });

  r.get('/password-reset-requests', async (ctx) => {
    const p = me(ctx);
    if (!p.groups.some((g) => READERS.includes(g))) throw new ForbiddenError('仅软件公司、局领导和监察室可以查看密码重置申请', 'FORBIDDEN', { requiredGroup: READERS });
    const q = new QueryReader(ctx.query);
    const status = q.oneOf('status', STATUSES);
    const userId = q.string('userId', 60);
    q.done();
    const items = await listPasswordResetRequests(deps.db, { status, userId });
    const names = new Map((await listUsers(deps.db, { ids: [...new Set(items.map((i) => i.userId))] })).map((u) => [u.id, u.displayName]));
    ctx.body = { items: items.map((i) => requestJson(i, names)) };
  });

  return r;
}
