/**
 * Client-side routing with the History API: the server answers index.html for every non-API
 * path, and this module maps the path to a page module (loaded on demand, so the modeler's
 * libraries are only fetched by those who open it).
 */
import type { Sheet } from './styles.ts';

export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The element the page renders into. */
  root: HTMLElement;
  /** Runs when the user leaves the page (stop timers, destroy diagrams). */
  onLeave(fn: () => void): void;
  /** Whether the user is still on this page (async work finishing late checks this). */
  alive(): boolean;
}

export interface PageModule {
  render(ctx: PageContext): Promise<void> | void;
  title: string;
}

export interface Route {
  pattern: string;
  load: () => Promise<PageModule>;
  /** Signed-in only (default true); `optional`: public, shown in the frame when signed in. */
  auth?: boolean | 'optional';
  /** Group required to see it, or any one of several (also enforced by the server). */
  group?: string | string[];
  /** Navigation item this route belongs to. */
  nav?: string;
  /** Library stylesheets the page needs (loaded with its module; see styles.ts). */
  styles?: Sheet[];
}

function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function resolve(routes: Route[], path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = match(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

let listener: (() => void) | null = null;

/** Goes to `path` (pushing history) and renders it. */
export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', path);
  else if (path !== location.pathname + location.search) history.pushState(null, '', path);
  listener?.();
}

/** Starts listening to back/forward and to clicks on same-origin links. */
export function startRouter(onChange: () => void): void {
  listener = onChange;
  window.addEventListener('popstate', onChange);
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = (ev.target as Element).closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    ev.preventDefault();
    navigate(a.pathname + a.search);
  });
}

/**
 * Starts fetching, all at once, the code index.html lists for this page to load once it is drawn
 * (`<meta name="preload-later">`, the chunks of a large editor and what they import; see
 * scripts/build-web.ts): one round trip instead of one per import level, and not competing with
 * the page's first requests. Only on the first page of a visit; later the files are cached.
 * Usage: `preloadLater(); const editor = await import('./editor.ts')`.
 */
export function preloadLater(): void {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="preload-later"]');
  if (!meta) return;
  meta.remove();
  for (const href of meta.content.split(' ').filter(Boolean)) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    document.head.append(link);
  }
}
