import Router from '@koa/router';
import type { Context } from 'koa';
import { passwordResetRequests, requestPasswordReset, resetPassword } from '../domain/password-resets.ts';
import { ForbiddenError } from '../errors.ts';
import { displayNames } from '../services/directory.ts';
import type { PasswordResetRequest } from '../store/password-resets.ts';
import * as api from './contracts/auth.ts';
import { clientOf, me, type ApiDeps } from './context.ts';
import { iso } from './present.ts';
import { routeMounter } from './route.ts';

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
  const route = routeMounter(r, deps.limits.jsonBytes);

  // A new account's first password directly; any other only after an approved request. The
  // password must be changed at the next sign-in.
  route(api.setPassword, async (ctx, { params, body }) => {
    const by = requireVendor(ctx);
    const res = await resetPassword(deps.db, deps.auth, { by, userId: params.id, password: body.password, client: clientOf(ctx) });
    return { ok: true as const, userId: params.id, mustChangePassword: true as const, mode: res.mode, resetRequestId: res.requestId, sessionsEnded: res.sessionsEnded };
  });

  route(api.requestPasswordReset, async (ctx, { params, body }) => {
    const by = requireVendor(ctx);
    const res = await requestPasswordReset(deps.db, deps.engine, { by, userId: params.id, reason: body.reason.trim(), client: clientOf(ctx) });
    const names = await displayNames(deps.db, [res.request.userId]);
    return { ...requestJson(res.request, names), approvalInstanceId: res.approvalInstanceId };
  });

  route(api.listPasswordResets, async (ctx, { query }) => {
    const p = me(ctx);
    if (!p.groups.some((g) => READERS.includes(g))) throw new ForbiddenError('仅软件公司、局领导和监察室可以查看密码重置申请', 'FORBIDDEN', { requiredGroup: READERS });
    const items = await passwordResetRequests(deps.db, { status: query.status, userId: query.userId });
    const names = await displayNames(deps.db, items.map((i) => i.userId));
    return { items: items.map((i) => requestJson(i, names)) };
  });

  return r;
}
