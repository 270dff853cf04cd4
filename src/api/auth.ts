import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { SESSION_IDLE_MS, type Authenticated } from '../domain/auth.ts';
import { ForbiddenError } from '../errors.ts';
import { whoAmI } from '../services/directory.ts';
import { clientOf, session, type ApiDeps } from './context.ts';
import * as api from './contracts/auth.ts';
import type { MeBody } from './contracts/auth.ts';
import { routeMounter } from './route.ts';
import { iso } from './present.ts';

/**
 * The session cookie: HttpOnly, SameSite=Strict, so scripts cannot read it nor other sites send it;
 * Secure whenever the request came over HTTPS (behind a proxy: X-Forwarded-Proto with TRUST_PROXY=1).
 */
export const SESSION_COOKIE = 'pcp_session';

/** Routes anyone may call without signing in. */
const PUBLIC = new Set(['POST /api/auth/login', 'GET /api/health', 'HEAD /api/health', 'GET /api/health/live', 'GET /api/health/ready', 'GET /api/openapi.json', 'HEAD /api/openapi.json']);

/** Public routes with a parameter: following a complaint by its receipt code. */
const PUBLIC_PATTERNS = [/^GET \/api\/complaints\/[^/]+$/];

/** Routes that take a session when there is one and serve anonymous callers too. */
const SESSION_OPTIONAL = new Set(['POST /api/complaints', 'GET /api/published-flows']);

/** The published 权力运行流程图 of a catalog item (page data and PDF), public like the complaint page. */
const SESSION_OPTIONAL_PATTERNS = [/^GET \/api\/power-items\/[^/]+\/flow-diagram(\.pdf)?$/];

/** Routes a user whose password must be changed may still call. */
const DURING_FORCED_CHANGE = new Set(['POST /api/auth/password', 'POST /api/auth/logout']);

function tokenOf(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (m) return m[1];
  return ctx.cookies.get(SESSION_COOKIE) || undefined;
}

/**
 * Resolves the session of every non-public route (Bearer token or cookie): 401 without one,
 * 403 PASSWORD_CHANGE_REQUIRED for anything but changing it while the password must change.
 */
export function authenticate(deps: ApiDeps) {
  return async function requireSession(ctx: Context, next: Next): Promise<void> {
    const route = `${ctx.method} ${ctx.path}`;
    if (PUBLIC.has(route) || PUBLIC_PATTERNS.some((p) => p.test(route))) return next();
    if (SESSION_OPTIONAL.has(route) || SESSION_OPTIONAL_PATTERNS.some((p) => p.test(route))) {
      // A reporter may be signed in (an internal complaint) or not (a public one); a stale token is anonymous.
      ctx.state.auth = await deps.auth.authenticate(tokenOf(ctx)).catch(() => undefined);
      return next();
    }
    const auth = await deps.auth.authenticate(tokenOf(ctx));
    ctx.state.auth = auth;
    if (auth.mustChangePassword && !DURING_FORCED_CHANGE.has(route)) {
      throw new ForbiddenError('密码已过期或为初始密码，请先修改密码', 'PASSWORD_CHANGE_REQUIRED');
    }
    return next();
  };
}

function setCookie(ctx: Context, token: string | null): void {
  ctx.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: ctx.secure,
    overwrite: true,
    ...(token ? {} : { expires: new Date(0) }),
  });
}

async function meBody(deps: ApiDeps, a: Authenticated): Promise<MeBody> {
  const m = await whoAmI(deps.db, a);
  return { ...m, passwordExpiresAt: iso(m.passwordExpiresAt) };
}

/** POST /auth/login, /auth/logout, /auth/password and GET /me (contracts/auth.ts). */
export function authRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);

  route(api.login, async (ctx, { body }) => {
    const result = await deps.auth.login(body.username, body.password, clientOf(ctx));
    setCookie(ctx, result.token);
    const me = await meBody(deps, result);
    return { token: result.token, tokenType: 'Bearer' as const, idleTimeoutSeconds: SESSION_IDLE_MS / 1000, maxLifetimeSeconds: deps.auth.sessionMaxMs / 1000, ...me };
  });

  route(api.logout, async (ctx) => {
    await deps.auth.logout(session(ctx), clientOf(ctx));
    setCookie(ctx, null);
    ctx.status = 204;
  });

  route(api.changePassword, async (ctx, { body }) => {
    const { passwordExpiresAt } = await deps.auth.changePassword(session(ctx), body.oldPassword, body.newPassword, clientOf(ctx));
    return { ok: true as const, mustChangePassword: false, passwordExpiresAt: iso(passwordExpiresAt) };
  });

  route(api.me, (ctx) => meBody(deps, session(ctx)));

  return r;
}
