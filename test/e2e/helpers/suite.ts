import { expect } from 'chai';
import { launch, type Browser } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';

/**
 * Mocha hooks for a browser-test file: a real server (its own temporary database) and a Chromium,
 * started once and stopped at the end; after each test, the page must have logged no errors.
 * Usage: `const s = serverAndBrowser(); it('…', async () => { await s.b.page.goto(s.server.baseUrl) })`.
 */
export function serverAndBrowser(env: Record<string, string> = {}): { readonly server: RunningServer; readonly b: Browser } {
  let server: RunningServer | undefined;
  let b: Browser | undefined;
  before(async () => {
    server = await startServer(env);
    b = await launch();
  });
  after(async () => {
    await b?.close();
    await server?.stop();
  });
  afterEach(() => {
    expect(b!.errors, 'errors in the page').to.deep.equal([]);
  });
  return {
    get server() {
      return server!;
    },
    get b() {
      return b!;
    },
  };
}
