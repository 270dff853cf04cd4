import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ARTIFACTS } from './server.ts';

export const PASSWORD = 'Demo@2026!';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors other than failed requests (those are expected: 401, 422…). */
  errors: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, with a fresh profile, a Chinese locale and Beijing time.
 * Usage: `const b = await launch(); await signIn(b.page, base, 'staff')`.
 */
export async function launch(viewport = { width: 1366, height: 768 }): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Waits are for conditions, never for time; on a busy 2-core CI machine a page can take longer
  // than Playwright's 30 s default to reach one, so the budget is wider (a failure still fails).
  context.setDefaultTimeout(90_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the sign-in page and waits for the inbox frame. */
export async function signIn(page: Page, baseUrl: string, username: string, password = PASSWORD): Promise<void> {
  if (!page.url().includes('/login')) await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.topbar .who-name').waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出' }).click();
  await page.getByLabel('用户名').waitFor();
}

/**
 * Polls `check` until it holds (the page's CSP forbids eval, so `page.waitForFunction` with a
 * string cannot run there). Usage: `await until(async () => (await rows.count()) === 1)`.
 */
export async function until(check: () => Promise<boolean>, what = 'condition', timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Saves a screenshot under test-artifacts/ (not committed). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false, animations: 'disabled' });
  return file;
}

// ---- form-js fields, found by their label as a user would ---------------------------------------

/** The `.fjs-form-field` whose label is `label`. */
export function formField(scope: Page | Locator, label: string): Locator {
  return scope.locator('.fjs-form-field').filter({ has: scope.locator('.fjs-form-field-label', { hasText: label }) }).last();
}

export async function fillField(scope: Page | Locator, label: string, value: string): Promise<void> {
  await formField(scope, label).locator('input, textarea').first().fill(value);
}

/** Picks an option of a form-js select (a custom dropdown, not a native `<select>`). */
export async function selectOption(page: Page, scope: Page | Locator, label: string, option: string): Promise<void> {
  const field = formField(scope, label);
  await field.locator('.fjs-input-group').click();
  await field.locator('.fjs-dropdownlist-item', { hasText: option }).first().click();
}

export async function chooseRadio(scope: Page | Locator, label: string, option: string): Promise<void> {
  await formField(scope, label).getByLabel(option, { exact: true }).check();
}

export async function tick(scope: Page | Locator, label: string): Promise<void> {
  await formField(scope, label).locator('input[type=checkbox]').check();
}

/** Types a date into a form-js date field (flatpickr, zh-CN format yyyy/MM/dd) and closes the picker. */
export async function fillDate(page: Page, scope: Page | Locator, label: string, isoDate: string): Promise<void> {
  const input = formField(scope, label).locator('input').first();
  await input.fill(isoDate.replace(/-/g, '/'));
  await input.press('Enter');
  await page.keyboard.press('Escape');
}
