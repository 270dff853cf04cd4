import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/**
 * Builds the browser UI (src/web/) into dist/web/ with esbuild: one ESM entry with code
 * splitting (the modeler and form editor load only when a process owner opens them), one CSS
 * bundle, fonts as files, and index.html with cache-busting query strings.
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

export interface BuildOptions {
  minify?: boolean;
  quiet?: boolean;
}

/** Builds the bundle into dist/web (replacing what was there). */
export async function buildWeb(opts: BuildOptions = {}): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const minify = opts.minify ?? true;
  const tmp = `${WEB_DIST}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { app: path.join(WEB_SRC, 'main.ts'), styles: path.join(WEB_SRC, 'styles', 'index.css') },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify,
    // No source maps in a production build (the server also refuses *.map when NODE_ENV=production).
    sourcemap: process.env.NODE_ENV === 'production' ? false : 'linked',
    metafile: true,
    legalComments: 'linked',
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.bpmn': 'text' },
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"' },
    plugins: [bpmnlintConfigPlugin],
    logLevel: opts.quiet ? 'error' : 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  const hash = (file: string) => createHash('sha256').update(fs.readFileSync(path.join(tmp, file))).digest('hex').slice(0, 10);
  const html = fs
    .readFileSync(path.join(WEB_SRC, 'index.html'), 'utf8')
    .replace('/app.js', `/app.js?v=${hash('app.js')}`)
    .replace('/styles.css', `/styles.css?v=${hash('styles.css')}`);
  fs.copyFileSync(path.join(WEB_SRC, 'favicon.svg'), path.join(tmp, 'favicon.svg'));
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
    console.log(`built web UI into dist/web in ${ms} ms (${(bytes / 1024 / 1024).toFixed(1)} MB with source maps)`);
  }
}
