import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { SESSION_IDLE_MS, type Authenticated } from '../domain/auth.ts';
import { unitRoles } from '../domain/supervision/unit-work.ts';
import { ForbiddenError } from '../errors.ts';
import { getUnit, getUser, listGroups } from '../store/org.ts';
import { clientOf, session, type ApiDeps } from './context.ts';
import { bodyFields, jsonBody } from './input.ts';
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
const SESSION_OPTIONAL = new Set(['POST /api/complaints']);

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
    if (SESSION_OPTIONAL.has(route)) {
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

async function meBody(deps: ApiDeps, a: Authenticated) {
  const user = await getUser(deps.db, a.person.id);
  const unit = a.person.unitId ? await getUnit(deps.db, a.person.unitId) : undefined;
  const names = new Map((await listGroups(deps.db)).map((g) => [g.id, g.name]));
  return {
    user: { id: a.person.id, displayName: a.person.displayName, title: user?.title ?? null, unitId: a.person.unitId },
    groups: a.person.groups.map((id) => ({ id, name: names.get(id) ?? id })),
    unit: unit ? { id: unit.id, name: unit.name, kind: unit.kind, ...unitRoles(unit, a.person.id) } : null,
    mustChangePassword: a.mustChangePassword,
    passwordExpiresAt: iso(a.passwordExpiresAt),
  };
}

/** POST /auth/login, /auth/logout, /auth/password and GET /me. */
export function authRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const json = jsonBody(deps.limits.jsonBytes);

  r.post('/auth/login', json, async (ctx) => {
    const { username, password } = bodyFields(ctx, {
      username: { type: 'string', required: true, nonEmpty: true, max: 100 },
      password: { type: 'string', required: true, nonEmpty: true, max: 200 },
    });
    const result = await deps.auth.login(username, password, clientOf(ctx));
    setCookie(ctx, result.token);
    const body = await meBody(deps, result);
    ctx.body = { token: result.token, tokenType: 'Bearer', idleTimeoutSeconds: SESSION_IDLE_MS / 1000, maxLifetimeSeconds: deps.auth.sessionMaxMs / 1000, ...body };
  });

  r.post('/auth/logout', json, async (ctx) => {
    await deps.auth.logout(session(ctx), clientOf(ctx));
    setCookie(ctx, null);
    ctx.status = 204;
  });

  r.post('/auth/password', json, async (ctx) => {
    const { oldPassword, newPassword } = bodyFields(ctx, {
      oldPassword: { type: 'string', required: true, nonEmpty: true, max: 200 },
      newPassword: { type: 'string', required: true, nonEmpty: true, max: 200 },
    });
    const { passwordExpiresAt } = await deps.auth.changePassword(session(ctx), oldPassword, newPassword, clientOf(ctx));
    ctx.body = { ok: true, mustChangePassword: false, passwordExpiresAt: iso(passwordExpiresAt) };
  });

  r.get('/me', async (ctx) => {
    ctx.body = await meBody(deps, session(ctx));
  });

  return r;
}
