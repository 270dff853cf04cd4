/**
 * The bpmn.io libraries' stylesheets, loaded by the pages that need them so that everyday pages
 * fetch only the platform's own sheet. Their content-hashed paths come from the build
 * (scripts/build-web.ts defines `__STYLESHEETS__`). They are inserted in a fixed order before the
 * platform's sheet, so the platform's rules keep overriding the libraries' as with one bundle.
 */

declare const __STYLESHEETS__: Record<'app' | Sheet, string>;

export type Sheet = 'forms' | 'diagram' | 'editor' | 'decisions';

const ORDER: Sheet[] = ['forms', 'diagram', 'editor', 'decisions'];
const loading = new Map<Sheet, Promise<void>>();

function sheetLink(name: Sheet | 'app'): HTMLLinkElement | null {
  if (name === 'app') return document.querySelector<HTMLLinkElement>(`link[rel=stylesheet][href="${__STYLESHEETS__.app}"]`);
  return document.querySelector<HTMLLinkElement>(`link[data-sheet="${name}"]`);
}

function loadOne(name: Sheet): Promise<void> {
  let done = loading.get(name);
  if (done) return done;
  done = new Promise<void>((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = __STYLESHEETS__[name];
    link.dataset.sheet = name;
    link.onload = () => resolve();
    link.onerror = () => {
      loading.delete(name);
      link.remove();
      reject(new Error('样式表加载失败，请刷新页面重试。'));
    };
    const before = ORDER.slice(ORDER.indexOf(name) + 1).map(sheetLink).find(Boolean) ?? sheetLink('app');
    document.head.insertBefore(link, before?.parentNode === document.head ? before : null);
  });
  loading.set(name, done);
  return done;
}

/**
 * Loads the named library stylesheets (once each) and resolves when they apply.
 * Usage: `await loadStyles('forms', 'diagram')`.
 */
export async function loadStyles(...names: Sheet[]): Promise<void> {
  await Promise.all(names.map(loadOne));
}
