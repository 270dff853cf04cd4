import type { Context, Next } from 'koa';
import { ForbiddenError } from '../errors.ts';

/**
 * Transport and cross-site rules for every request (issue 10, finding 12).
 * - HSTS on every answer served over HTTPS (directly, or behind a proxy with TRUST_PROXY=1 that
 *   sets X-Forwarded-Proto), so a browser never falls back to plain HTTP for this host.
 * - Cross-site requests refused: a state-changing request (anything but GET/HEAD/OPTIONS) whose
 *   browser says it comes from another site — `Sec-Fetch-Site` other than same-origin/none, or an
 *   `Origin` other than this server's — answers 403 CROSS_SITE_REQUEST before any handler runs.
 *   SameSite=Strict cookies already stop most of this; the check also covers old browsers,
 *   same-site sibling hosts and form posts. Clients that send neither header (curl, scripts,
 *   the tests) are not browsers acting for a victim, and pass.
 * Usage: `app.use(transportSecurity()); app.use(crossSiteGuard())` before the routers.
 */

export const HSTS = 'max-age=31536000; includeSubDomains';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SAME_SITE_FETCH = new Set(['same-origin', 'none']);

export function transportSecurity() {
  return async function hsts(ctx: Context, next: Next): Promise<void> {
    // ctx.secure follows X-Forwarded-Proto only when app.proxy (TRUST_PROXY=1) is set.
    if (ctx.secure) ctx.set('Strict-Transport-Security', HSTS);
    return next();
  };
}

export function crossSiteGuard() {
  return async function refuseCrossSite(ctx: Context, next: Next): Promise<void> {
    if (!SAFE_METHODS.has(ctx.method)) {
      const fetchSite = ctx.get('sec-fetch-site').toLowerCase();
      const origin = ctx.get('origin');
      const foreignFetch = fetchSite !== '' && !SAME_SITE_FETCH.has(fetchSite);
      // Koa 3's ctx.origin is the Origin header itself; this server's own origin is built here
      // (protocol and host follow X-Forwarded-* only with TRUST_PROXY=1).
      const own = `${ctx.protocol}://${ctx.host}`.toLowerCase();
      const foreignOrigin = origin !== '' && origin.toLowerCase() !== own;
      if (foreignFetch || foreignOrigin) {
        throw new ForbiddenError('拒绝来自其他网站的请求', 'CROSS_SITE_REQUEST', { origin: origin || null, secFetchSite: fetchSite || null });
      }
    }
    return next();
  };
}
