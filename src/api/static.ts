import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';
import compress from 'koa-compress';
import serve from 'koa-static';

/** Where `npm run build:web` puts the browser UI. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

/**
 * Content-Security-Policy of the UI: scripts only from this origin (no inline script, no eval);
 * bpmn-js and form-js set inline styles, so those are allowed.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'same-origin');
}

/**
 * Compresses responses built on the fly (API JSON, CSV, index.html) with brotli or gzip, as the
 * client accepts, above 1 KB; the UI's files are compressed at build time and pass through, as
 * does anything already encoded or not compressible (PDF, images). Brotli at quality 4 costs
 * about as much CPU as gzip -6 and is smaller.
 * Usage: `app.use(compression())` before the routers.
 */
export function compression() {
  return compress({
    threshold: 1024,
    br: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    gzip: { level: 6 },
    deflate: false,
  });
}

interface RoutePreload {
  pattern: string;
  scripts: string[];
  later?: string[];
  styles: string[];
}

/** Whether a client-side route pattern (`/tasks/:id`) matches a path, as src/web/router.ts matches. */
function matches(pattern: string, urlPath: string): boolean {
  const p = pattern.split('/').filter(Boolean);
  const s = urlPath.split('/').filter(Boolean);
  return p.length === s.length && p.every((part, i) => part.startsWith(':') || part === s[i]);
}

/**
 * index.html for one path: with `<link rel="modulepreload">` for every script of that route's
 * page and `<link rel="preload" as="style">` for its library stylesheets, and the code it loads
 * once drawn in `<meta name="preload-later">` (dist/web/preload.json, written by the build), so on a first visit the browser fetches the page's code together with
 * app.js instead of one import level (one round trip on a slow link) at a time.
 * Re-read when the build replaces index.html.
 */
function indexPages(dir: string): (urlPath: string) => string | null {
  let cached: { mtimeMs: number; html: string; routes: RoutePreload[] } | null = null;
  return (urlPath) => {
    const index = path.join(dir, 'index.html');
    let stat: fs.Stats;
    try {
      stat = fs.statSync(index);
    } catch {
      return null;
    }
    if (!cached || cached.mtimeMs !== stat.mtimeMs) {
      const manifest = path.join(dir, 'preload.json');
      const routes = fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, 'utf8')) as RoutePreload[]) : [];
      cached = { mtimeMs: stat.mtimeMs, html: fs.readFileSync(index, 'utf8'), routes };
    }
    const route = cached.routes.find((r) => matches(r.pattern, urlPath));
    if (!route) return cached.html;
    const links = [...route.styles.map((href) => `  <link rel="preload" as="style" href="${href}">`), ...route.scripts.map((href) => `  <link rel="modulepreload" href="${href}">`)];
    // Fetched by the page once it is drawn (src/web/router.ts preloadLater()).
    if (route.later?.length) links.push(`  <meta name="preload-later" content="${route.later.join(' ')}">`);
    return cached.html.replace('</head>', `${links.join('\n')}\n</head>`);
  };
}

/**
 * Serves the browser UI from dist/web: its files, and index.html for every other GET outside
 * /api (client-side routes such as /tasks/123), so a reload or a bookmarked link works.
 * /api/* passes through untouched. Mount it before the API's session check: the UI's files are
 * public, the data behind /api is not.
 * Usage: `app.use(webUi())`.
 */
export function webUi(dir: string = WEB_DIST, opts: { sourceMaps?: boolean } = {}) {
  // Source maps give the original sources to anyone who asks; only in development (NODE_ENV is
  // not "production") are they served.
  const sourceMaps = opts.sourceMaps ?? process.env.NODE_ENV !== 'production';
  const files = serve(dir, {
    index: false,
    defer: false,
    // The build writes file.br and file.gz beside each text file; koa-send picks what the browser accepts.
    gzip: true,
    brotli: true,
    // Everything under assets/ carries a content hash in its name: a new build means new names,
    // so browsers keep these for a year without asking. index.html and the icon are revalidated.
    setHeaders: (res, file) => {
      const hashed = path.relative(dir, file).startsWith(`assets${path.sep}`);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('Vary', 'Accept-Encoding');
    },
  });
  const indexFor = indexPages(dir);
  return async function serveWebUi(ctx: Context, next: Next): Promise<void> {
    if (ctx.path === '/api' || ctx.path.startsWith('/api/')) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    securityHeaders(ctx);
    if (!sourceMaps && ctx.path.endsWith('.map')) {
      ctx.status = 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = '文件不存在';
      return;
    }
    if (ctx.path !== '/' && ctx.path !== '/index.html') {
      await files(ctx, async () => {});
      if (ctx.body !== undefined && ctx.body !== null) return;
      // A missing file with an extension is a real 404, not a client-side route.
      if (path.extname(ctx.path)) {
        ctx.status = 404;
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = '文件不存在';
        return;
      }
    }
    ctx.set('Cache-Control', 'no-cache');
    const html = indexFor(ctx.path);
    if (html === null) {
      ctx.status = 503;
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = '<!doctype html><meta charset="utf-8"><title>界面未构建</title><p>浏览器界面尚未构建：请运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。</p>';
      return;
    }
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  };
}
