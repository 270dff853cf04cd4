import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { launch, signIn, signOut } from './helpers/browser.ts';
import { fill, openPage, prepareWalk } from './helpers/pages.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

const SIZES = [
  { name: 'desktop', viewport: { width: 1366, height: 860 }, fullPage: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, fullPage: true },
];

const SHOTS = [
  { file: 'inbox', user: 'itc', path: '/inbox' },
  { file: 'task', user: 'itc', path: '/tasks/{task}' },
  { file: 'instance', user: 'supervisor', path: '/monitor/instances/{instance}' },
  { file: 'monitor', user: 'supervisor', path: '/monitor' },
];

/**
 * The README's screenshots (docs/screenshots/*-desktop.png, *-phone.png), taken afresh by the
 * browser suite: the inbox, a task, the instance page and the monitor at 1366 px and on a 390 px
 * phone. Alone: `npm run screenshots`.
 */
describe('E2E: screenshots of the main pages at desktop and phone width for the README (issue 14)', function () {
  let server: RunningServer;
  let ids: { task: string; instance: string };

  before(async () => {
    server = await startServer();
    ids = await prepareWalk(server.baseUrl, 'GZ-2026-0700');
  });
  after(async () => {
    await server?.stop();
  });

  for (const size of SIZES) {
    it(`the inbox, a task, the instance page and the monitor at ${size.viewport.width} px`, async () => {
      const b = await launch(size.viewport);
      try {
        let signedIn = '';
        for (const shot of SHOTS) {
          if (signedIn !== shot.user) {
            if (signedIn) await signOut(b.page);
            else await b.page.goto(`${server.baseUrl}/login`);
            await signIn(b.page, server.baseUrl, shot.user);
            signedIn = shot.user;
          }
          await openPage(b.page, server.baseUrl, fill(shot.path, ids));
          await b.page.evaluate('document.fonts.ready');
          // No caret or focus ring in the picture.
          await b.page.evaluate('document.activeElement && document.activeElement.blur()');
          const file = path.join(DOCS, `${shot.file}-${size.name}.png`);
          fs.mkdirSync(DOCS, { recursive: true });
          await b.page.screenshot({ path: file, fullPage: size.fullPage, animations: 'disabled', caret: 'hide' });
          expect(fs.statSync(file).size).to.be.greaterThan(10_000);
        }
        expect(b.errors, 'errors in the pages').to.deep.equal([]);
      } finally {
        await b.close();
      }
    });
  }
});
