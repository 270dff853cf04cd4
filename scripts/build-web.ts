import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/**
 * Builds the browser UI (src/web/) into dist/web/ with esbuild: one ESM entry with code
 * splitting (the modeler, the form editor, form-js, the diagram viewer and chart.js load only on
 * the pages that use them), the platform's stylesheet plus three library stylesheets loaded on
 * demand, fonts as files, all with content-hashed names, precompressed (brotli and gzip).
 *
 * Usage: `tsx scripts/build-web.ts` (always build) or `tsx scripts/build-web.ts --if-stale`
 * (only when dist/web is missing or older than a source file); from code, `await ensureWebBundle()`.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_SRC = path.join(root, 'src', 'web');
export const WEB_DIST = path.join(root, 'dist', 'web');
const require = createRequire(import.meta.url);

/** Every input whose change makes the bundle stale: the sources, this script, the lock file. */
function inputs(): string[] {
  const files: string[] = [fileURLToPath(import.meta.url), path.join(root, 'package-lock.json')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(WEB_SRC);
  return files.filter((f) => fs.existsSync(f));
}

/** Whether dist/web is missing or older than any input (index.html is written last). */
export function isWebStale(): boolean {
  const marker = path.join(WEB_DIST, 'index.html');
  if (!fs.existsSync(marker)) return true;
  const built = fs.statSync(marker).mtimeMs;
  return inputs().some((f) => fs.statSync(f).mtimeMs > built);
}

/**
 * bpmnlint configurations are CommonJS resolved at run time in Node; for the browser the
 * `recommended` rules are compiled into an ES module that imports each rule (what
 * bpmnlint-pack-config and the bundler plugins do), served here as a virtual module.
 */
const bpmnlintConfigPlugin: esbuild.Plugin = {
  name: 'bpmnlint-config',
  setup(build) {
    build.onResolve({ filter: /^virtual:bpmnlint-config$/ }, (args) => ({ path: args.path, namespace: 'bpmnlint-config' }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint-config' }, async () => {
      const compileConfig = require('bpmnlint/lib/support/compile-config') as (config: unknown) => Promise<string>;
      const contents = await compileConfig({ extends: 'bpmnlint:recommended' });
      return { contents, loader: 'js', resolveDir: root };
    });
  },
};

/**
 * The modules main.ts imports statically (directly or not): the core every page runs on (api,
 * dom, session, names…), read from the import statements (type-only imports left out).
 */
function coreModules(): Set<string> {
  const core = new Set<string>();
  const visit = (file: string) => {
    if (core.has(file) || !fs.existsSync(file)) return;
    core.add(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^import\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'(\.{1,2}\/[^']+)'/gm)) visit(path.resolve(path.dirname(file), m[1]));
  };
  visit(path.join(WEB_SRC, 'main.ts'));
  return core;
}

/**
 * One chunk for the core instead of a dozen of 1–2 KB each. esbuild puts a shared module in the
 * chunk of the set of entry points that reach it, and every page reaches a different part of the
 * core, so the core came in 13 chunks (13 requests before anything shows; a browser opens 6
 * connections to a host, each request costs a round trip on a slow link). Every other module of
 * src/web also imports the whole core (a virtual module importing each core module): every core
 * module is then reached by the same entry points and they share one chunk. At run time nothing
 * changes: app.js has evaluated the core before any page loads.
 */
const coreChunkPlugin: esbuild.Plugin = {
  name: 'core-chunk',
  setup(build) {
    const core = coreModules();
    const barrel = [...core].map((f) => `import ${JSON.stringify(f)};`).join('\n');
    build.onResolve({ filter: /^virtual:web-core$/ }, (args) => ({ path: args.path, namespace: 'web-core' }));
    build.onLoad({ filter: /.*/, namespace: 'web-core' }, () => ({ contents: barrel, loader: 'js', resolveDir: WEB_SRC }));
    build.onLoad({ filter: /[\\/]src[\\/]web[\\/].*\.ts$/ }, (args) => {
      if (core.has(args.path) && args.path !== path.join(WEB_SRC, 'main.ts')) return undefined;
      return { contents: `${fs.readFileSync(args.path, 'utf8')}\nimport 'virtual:web-core';\n`, loader: 'ts', resolveDir: path.dirname(args.path) };
    });
  },
};

export interface BuildOptions {
  minify?: boolean;
  quiet?: boolean;
}

/**
 * The stylesheets: `app` (the platform's own, on every page) and the bpmn.io libraries' CSS in
 * three parts loaded by the pages that need them (src/web/styles.ts keeps them before `app`).
 */
const STYLESHEETS = {
  app: 'app.css',
  forms: 'forms.css',
  diagram: 'diagram.css',
  editor: 'editor.css',
  decisions: 'decisions.css',
} as const;

/** Text files worth compressing ahead of time (fonts as woff/woff2 are compressed already). */
const COMPRESSIBLE = /\.(js|css|svg|eot|ttf|txt|json)$/;

/**
 * Writes `file.br` (brotli) and `file.gz` (gzip -9) beside every compressible output, served by
 * koa-static to browsers that accept them. Brotli's best quality (11) takes seconds per large
 * file; the unminified development build (`--dev`) uses quality 5.
 */
async function precompress(dir: string, best: boolean): Promise<void> {
  const brotli = promisify(zlib.brotliCompress);
  const gzip = promisify(zlib.gzip);
  const quality = best ? 11 : 5;
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  await Promise.all(
    walk(dir)
      .filter((file) => COMPRESSIBLE.test(file) && fs.statSync(file).size >= 1024)
      .map(async (file) => {
        const raw = fs.readFileSync(file);
        const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length };
        const [br, gz] = await Promise.all([brotli(raw, { params }), gzip(raw, { level: 9 })]);
        fs.writeFileSync(`${file}.br`, br);
        fs.writeFileSync(`${file}.gz`, gz);
      }),
  );
}

/** The output path (relative to outdir, with a leading /) of each entry point, from esbuild's metafile. */
function outputsByEntry(meta: esbuild.Metafile, outdir: string): Map<string, string> {
  const byEntry = new Map<string, string>();
  for (const [out, info] of Object.entries(meta.outputs)) {
    if (info.entryPoint && !out.endsWith('.map')) byEntry.set(path.resolve(root, info.entryPoint), `/${path.relative(outdir, path.resolve(root, out)).split(path.sep).join('/')}`);
  }
  return byEntry;
}

/** Every output `file` imports statically, directly or through another chunk (esbuild's metafile paths). */
function staticImports(meta: esbuild.Metafile, file: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    for (const imp of meta.outputs[f]?.imports ?? []) {
      if (imp.kind !== 'import-statement' || imp.external || seen.has(imp.path)) continue;
      seen.add(imp.path);
      visit(imp.path);
    }
  };
  visit(file);
  return [...seen];
}

/** What a route's page needs on a first visit: its scripts (beyond app.js's) and library stylesheets. */
export interface RoutePreload {
  pattern: string;
  scripts: string[];
  /** Code the page loads once it is drawn (listed for it to fetch then, all at once). */
  later: string[];
  styles: string[];
}

/**
 * The routes of src/web/main.ts (`{ pattern: '/tasks/:id', load: () => import('./pages/task.ts'), …, styles: ['forms'] }`),
 * read from its source: the route table is data the server needs too (to announce each page's
 * files in index.html), and main.ts cannot run in Node. A route written another way just gets no
 * preloads.
 */
export function routeTable(source: string): Array<{ pattern: string; module: string; styles: string[] }> {
  const routes: Array<{ pattern: string; module: string; styles: string[] }> = [];
  for (const m of source.matchAll(/\{\s*pattern:\s*'([^']+)',\s*load:\s*\(\)\s*=>\s*import\('\.\/([^']+)'\)([^}]*)\}/g)) {
    const styles = [...(m[3].match(/styles:\s*\[([^\]]*)\]/)?.[1].matchAll(/'([^']+)'/g) ?? [])].map((x) => x[1]);
    routes.push({ pattern: m[1], module: m[2], styles });
  }
  return routes;
}

/**
 * Per route, every chunk its page imports statically (flattened, so the browser asks for all of
 * them at once with index.html instead of discovering them one import level, one round trip, at
 * a time) minus those index.html preloads for app.js anyway; and under `later` the chunks of the
 * page's dynamic imports marked with a `preload` comment (code it loads as soon as it is drawn:
 * fetched then, all at once, not competing with the page's first requests);
 * written to dist/web/preload.json for the server (src/api/static.ts).
 */
function routePreloads(meta: esbuild.Metafile, outdir: string, sheets: Record<string, string>, appChunks: Set<string>): RoutePreload[] {
  const url = (file: string) => `/${path.relative(outdir, path.resolve(root, file)).split(path.sep).join('/')}`;
  const byEntry = new Map<string, string>();
  for (const [out, info] of Object.entries(meta.outputs)) if (info.entryPoint && out.endsWith('.js')) byEntry.set(path.resolve(root, info.entryPoint), out);
  return routeTable(fs.readFileSync(path.join(WEB_SRC, 'main.ts'), 'utf8')).flatMap((r) => {
    const module = path.join(WEB_SRC, r.module);
    const chunk = byEntry.get(module);
    if (!chunk) return [];
    // `import(/* preload */ './x.ts')` in a page: code it always loads at once, but after drawing
    // the page (the modeler's editor) — fetched with the page all the same.
    const eager = [...fs.readFileSync(module, 'utf8').matchAll(/import\(\s*\/\*\s*preload\s*\*\/\s*'([^']+)'\s*\)/g)].map((m) => byEntry.get(path.resolve(path.dirname(module), m[1])));
    const own = [chunk, ...staticImports(meta, chunk)].filter((f) => !appChunks.has(f));
    const later = eager.filter((f): f is string => Boolean(f)).flatMap((f) => [f, ...staticImports(meta, f)]).filter((f) => !appChunks.has(f) && !own.includes(f));
    return [{ pattern: r.pattern, scripts: own.map(url), later: [...new Set(later)].map(url), styles: r.styles.map((s) => sheets[s]).filter(Boolean) }];
  });
}

/**
 * Builds the bundle into dist/web (replacing what was there): every script, stylesheet and font
 * under assets/ with a content hash in its name (cached for a year by the server), index.html
 * naming them (never cached), each text file also brotli- and gzip-compressed.
 */
export async function buildWeb(opts: BuildOptions = {}): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const minify = opts.minify ?? true;
  const tmp = `${WEB_DIST}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const common: esbuild.BuildOptions = {
    absWorkingDir: root,
    outdir: tmp,
    bundle: true,
    minify,
    // No source maps in a production build (the server also refuses *.map when NODE_ENV=production).
    sourcemap: process.env.NODE_ENV === 'production' ? false : 'linked',
    metafile: true,
    legalComments: 'linked',
    entryNames: 'assets/[name]-[hash]',
    chunkNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.bpmn': 'text' },
    logLevel: opts.quiet ? 'error' : 'warning',
  };
  const styleEntries = Object.fromEntries(Object.entries(STYLESHEETS).map(([name, file]) => [name, path.join(WEB_SRC, 'styles', file)]));
  const css = await esbuild.build({ ...common, entryPoints: styleEntries });
  const cssOut = outputsByEntry(css.metafile!, tmp);
  const sheets = Object.fromEntries(Object.entries(styleEntries).map(([name, file]) => [name, cssOut.get(file)!]));
  const js = await esbuild.build({
    ...common,
    entryPoints: { app: path.join(WEB_SRC, 'main.ts') },
    splitting: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"', __STYLESHEETS__: JSON.stringify(sheets) },
    plugins: [bpmnlintConfigPlugin, coreChunkPlugin],
  });
  const app = outputsByEntry(js.metafile!, tmp).get(path.join(WEB_SRC, 'main.ts'))!;
  // The chunks app.js imports statically, announced in index.html so the browser fetches them
  // with app.js instead of one round trip later.
  const appFile = path.relative(root, path.join(tmp, app.slice(1)));
  const appChunks = staticImports(js.metafile!, appFile);
  const preload = appChunks
    .map((file) => `  <link rel="modulepreload" href="/${path.relative(tmp, path.resolve(root, file)).split(path.sep).join('/')}">`)
    .join('\n');
  const bytes = [css, js].flatMap((r) => Object.values(r.metafile!.outputs)).reduce((n, o) => n + o.bytes, 0);
  const html = fs
    .readFileSync(path.join(WEB_SRC, 'index.html'), 'utf8')
    .replace('/app.js', app)
    .replace('/styles.css', sheets.app)
    .replace('</head>', `${preload}\n</head>`);
  const routes = routePreloads(js.metafile!, tmp, sheets, new Set([appFile, ...appChunks]));
  fs.writeFileSync(path.join(tmp, 'preload.json'), `${JSON.stringify(routes, null, 1)}\n`);
  fs.copyFileSync(path.join(WEB_SRC, 'favicon.svg'), path.join(tmp, 'favicon.svg'));
  await precompress(tmp, minify);
  // index.html last: its mtime is what isWebStale() compares against.
  fs.writeFileSync(path.join(tmp, 'index.html'), html);
  fs.rmSync(WEB_DIST, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(WEB_DIST), { recursive: true });
  fs.renameSync(tmp, WEB_DIST);
  return { ms: Math.round(performance.now() - started), bytes };
}

/** Builds the bundle if it is missing or stale; returns whether it built. */
export async function ensureWebBundle(opts: BuildOptions = {}): Promise<boolean> {
  if (!isWebStale()) return false;
  await buildWeb(opts);
  return true;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const ifStale = process.argv.includes('--if-stale');
  const dev = process.argv.includes('--dev');
  if (ifStale && !isWebStale()) {
    console.log('web UI bundle is up to date (dist/web)');
  } else {
    const { ms, bytes } = await buildWeb({ minify: !dev });
    console.log(`built web UI into dist/web in ${ms} ms (${(bytes / 1024 / 1024).toFixed(1)} MB before compression${process.env.NODE_ENV === 'production' ? '' : ', with source maps'})`);
  }
}
