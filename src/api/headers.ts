import type { Context, Next } from 'koa';

/**
 * Security headers on every /api response (issue 10, finding 7). The API answers JSON, CSV and
 * stored BPMN; none of it is a page, so a browser that is made to open an API URL directly must
 * neither sniff it into HTML, run anything in it, nor frame it. Set before the handlers run so
 * error answers carry them too.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** Usage: `app.use(apiSecurityHeaders())` before the routers. */
export function apiSecurityHeaders() {
  return async function securityHeaders(ctx: Context, next: Next): Promise<void> {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) ctx.set(API_SECURITY_HEADERS);
    return next();
  };
}

/**
 * Stored files users uploaded (BPMN) are handed out as downloads in a sandbox: even opened
 * directly, the browser saves rather than renders them, and a render could run no script.
 * The web UI reads them with fetch(), which ignores both headers.
 */
export function serveAsAttachment(ctx: Context, filename: string): void {
  const ascii = filename.replace(/[^\w.-]/g, '_') || 'download';
  ctx.set('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  ctx.set('Content-Security-Policy', "sandbox; default-src 'none'");
}
