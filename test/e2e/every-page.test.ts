import { expect } from 'chai';
import { launch, signIn, signOut, type Browser } from './helpers/browser.ts';
import { WALKS, fill, openPage, overflow, prepareWalk, seriousViolations } from './helpers/pages.ts';
import { startServer, type RunningServer } from './helpers/server.ts';

/**
 * Every page as each kind of user: on a 360 px phone no page scrolls sideways, and axe-core finds
 * no serious or critical accessibility problem; each page has its own title (issue 14, items 4, 7).
 */
describe('E2E: every page as each role — 360 px without sideways scrolling, axe-core clean, its own title (issue 14)', function () {
  let server: RunningServer;
  let ids: { task: string; instance: string };

  before(async () => {
    server = await startServer();
    ids = await prepareWalk(server.baseUrl);
  });
  after(async () => {
    await server?.stop();
  });

  async function walk(width: number, check: (b: Browser, user: string, path: string) => Promise<string[]>): Promise<string[]> {
    const b = await launch({ width, height: 760 });
    const problems: string[] = [];
    try {
      await b.page.goto(`${server.baseUrl}/login`);
      problems.push(...(await check(b, '(signed out)', '/login')).map((p) => `/login: ${p}`));
      for (const { user, paths } of WALKS) {
        await signIn(b.page, server.baseUrl, user);
        for (const p of paths) {
          await openPage(b.page, server.baseUrl, fill(p, ids));
          problems.push(...(await check(b, user, p)).map((msg) => `${user} ${p}: ${msg}`));
        }
        await signOut(b.page);
      }
      expect(b.errors, 'errors in the pages').to.deep.equal([]);
    } finally {
      await b.close();
    }
    return problems;
  }

  it('at 360 px wide (a small phone) no page is wider than the screen', async function () {
    // A walk of every page as every role: it grows with the pages (a busy 2-core machine took over 120 s).
    this.timeout(600_000);
    const problems = await walk(360, async (b) => {
      const { excess, culprits } = await overflow(b.page);
      return excess > 0 ? [`${excess} px too wide: ${culprits.join(', ')}`] : [];
    });
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('at desktop width axe-core finds no serious or critical violation, and every page has its own title', async function () {
    // A walk of every page as every role: it grows with the pages (a busy 2-core machine took over 120 s).
    this.timeout(600_000);
    const titles = new Map<string, string>();
    const problems = await walk(1366, async (b, user, path) => {
      const title = await b.page.title();
      const page = path.replace(/\/(monitor\/)?(stats|uploads|unit-tasks)$/, '/$2').replace('/monitor/instances/', '/requests/');
      if (titles.has(title) && titles.get(title) !== page) return [`title "${title}" also used by ${titles.get(title)}`];
      titles.set(title, page);
      return (await seriousViolations(b.page)).map((v) => `${v.impact} ${v.id} (${v.help}): ${v.targets.join(' | ')}`);
    });
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
