import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { until } from './browser.ts';
import { apiAs } from './server.ts';

/** The pages each kind of user reaches, with the data they need (a task, a case). */
export interface Walk {
  user: string;
  /** Paths, `{task}` and `{instance}` replaced by ids made in `prepareWalk`. */
  paths: string[];
}

export const WALKS: Walk[] = [
  { user: 'staff', paths: ['/inbox', '/start', '/start/fault-report', '/requests', '/requests/{instance}', '/cc', '/notifications', '/unit-tasks', '/password', '/me/substitute'] },
  { user: 'itc', paths: ['/inbox', '/tasks/{task}'] },
  {
    user: 'supervisor',
    paths: ['/monitor', '/monitor/instances/{instance}', '/monitor/warnings', '/monitor/logins', '/monitor/substitutions', '/monitor/stats', '/monitor/report', '/monitor/uploads', '/monitor/exchange', '/monitor/unit-tasks', '/deployments', '/calendar'],
  },
  { user: 'owner', paths: ['/modeler', '/modeler/processes/fault-report', '/modeler/forms/fault-report-apply', '/deployments'] },
  { user: 'head', paths: ['/stats', '/unit-tasks'] },
  { user: 'engineer', paths: ['/uploads'] },
  { user: 'wujin', paths: ['/exchange/export'] },
  { user: 'leader', paths: ['/deployments'] },
];

/**
 * Given 张明's repair report waiting for the information centre: its instance id and 孙网's task id.
 * Usage: `const ids = await prepareWalk(base)`.
 */
export async function prepareWalk(base: string, businessKey = 'GZ-2026-0600'): Promise<{ task: string; instance: string }> {
  const staff = await apiAs(base, 'staff');
  const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16) + '+08:00';
  const started = await staff.post('/api/process-definitions/fault-report/start', { businessKey, variables: { device: 'webcam', occurredAt: now, description: '会商室摄像头无画面，无法视频会商' } });
  const itc = await apiAs(base, 'itc');
  let task = '';
  await until(async () => {
    task = (await itc.get(`/api/tasks?instance=${started.id}`)).items[0]?.id ?? '';
    return Boolean(task);
  }, 'the repair task');
  return { task, instance: started.id };
}

export function fill(path: string, ids: { task: string; instance: string }): string {
  return path.replace('{task}', ids.task).replace('{instance}', ids.instance);
}

/** Opens `path` and waits until the page has rendered and loaded what it shows. */
export async function openPage(page: Page, base: string, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.locator('main h1, .page h1').first().waitFor();
  await until(async () => (await page.locator('[aria-busy=true], .loading').count()) === 0, `${path} to finish loading`, 20_000);
  await page.waitForLoadState('networkidle');
}

/** How much wider than the window the page is (0: no horizontal scrolling). */
export async function overflow(page: Page): Promise<{ excess: number; culprits: string[] }> {
  // A string: the tests are compiled without the DOM library.
  return page.evaluate(`(() => {
    const width = window.innerWidth;
    const excess = document.documentElement.scrollWidth - width;
    const culprits = [];
    if (excess > 0) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        const parent = el.parentElement && el.parentElement.getBoundingClientRect();
        if (r.right > width + 1 && r.width > 0 && !(parent && parent.right > width + 1)) {
          const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
          culprits.push(el.tagName.toLowerCase() + cls + ' (' + Math.round(r.right) + ' px)');
        }
        if (culprits.length >= 5) break;
      }
    }
    return { excess, culprits };
  })()`);
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.1 A/AA and best practices) on the page and returns its serious and
 * critical violations. axe is evaluated through the DevTools protocol, which the page's CSP does
 * not block. The bpmn.io watermark link (required by its licence) is left out.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`window.axe.run({ exclude: [['.bjs-powered-by'], ['.fjs-powered-by']] }, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ') + (n.any[0] ? ' — ' + n.any[0].message : '')) })))`)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
