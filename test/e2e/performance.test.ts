import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { CDPSession, Page } from 'playwright-core';
import { signIn, signOut, until } from './helpers/browser.ts';
import { ARTIFACTS, apiAs } from './helpers/server.ts';
import { serverAndBrowser } from './helpers/suite.ts';

/** A slow government link: 1.5 Mbit/s both ways, 100 ms round trip (Chrome DevTools protocol). */
const SLOW_LINK = { offline: false, latency: 100, downloadThroughput: 1_500_000 / 8, uploadThroughput: 1_500_000 / 8 };
const BUDGET_MS = 2000;
/**
 * Times depend on the machine's load (a busy 2-core CI machine is far slower than the 0.2–0.45 s a
 * page takes locally when idle), so they are recorded and reported, and the test asserts bytes.
 */

interface Load {
  /** From navigation start until the page can be used (its main content is there). */
  usableMs: number;
  requests: number;
  /** Bytes on the wire (compressed bodies and headers), and the bodies once decompressed. */
  transferred: number;
  decoded: number;
}

/** Counts what the browser fetches, through the DevTools protocol. */
async function networkMeter(page: Page): Promise<{ cdp: CDPSession; reset(): void; totals(): Omit<Load, 'usableMs'> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let requests = 0;
  let transferred = 0;
  let decoded = 0;
  cdp.on('Network.loadingFinished', (e) => {
    requests += 1;
    transferred += e.encodedDataLength;
  });
  cdp.on('Network.dataReceived', (e) => {
    decoded += e.dataLength;
  });
  return {
    cdp,
    reset() {
      requests = transferred = decoded = 0;
    },
    totals: () => ({ requests, transferred, decoded }),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/**
 * Loads `url` (a full page load, as after typing the address) on the slow link and measures how
 * long until `usable` holds and what went over the wire until the network is quiet.
 * `cold`: with the browser cache off (a first visit); otherwise from a warm cache.
 */
async function measure(page: Page, meter: Awaited<ReturnType<typeof networkMeter>>, url: string, usable: () => Promise<unknown>, cold: boolean, slow = true): Promise<Load> {
  await meter.cdp.send('Network.setCacheDisabled', { cacheDisabled: cold });
  if (slow) await meter.cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
  meter.reset();
  const started = Date.now();
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await usable();
    const usableMs = Date.now() - started;
    await page.waitForLoadState('networkidle');
    return { usableMs, ...meter.totals() };
  } finally {
    await meter.cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await meter.cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  }
}

/** The faster of two loads: the machine running the tests is shared, and noise only slows a load down. */
async function best(load: () => Promise<Load>): Promise<Load> {
  const a = await load();
  const b = await load();
  return a.usableMs <= b.usableMs ? a : b;
}

describe('E2E: fast on a slow government link (1.5 Mbit/s, 100 ms RTT) — compressed, split, cached (issue 14)', function () {
  // Each page is loaded three times (local, throttled cold, warm), twice each; on a busy CI machine that is minutes.
  this.timeout(600_000);
  const s = serverAndBrowser();
  const rows: string[] = [];
  let taskId = '';
  let instanceId = '';

  before(async () => {
    // Given a repair reported by 张明 waiting for the information centre.
    const staff = await apiAs(s.server.baseUrl, 'staff');
    const now = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 16) + '+08:00';
    const started = await staff.post('/api/process-definitions/fault-report/start', { businessKey: 'GZ-2026-0500', variables: { device: 'webcam', occurredAt: now, description: '会商室摄像头无画面' } });
    instanceId = started.id;
    const itc = await apiAs(s.server.baseUrl, 'itc');
    await until(async () => {
      taskId = (await itc.get(`/api/tasks?instance=${started.id}`)).items[0]?.id ?? '';
      return Boolean(taskId);
    }, 'the repair task');
  });

  after(() => {
    if (!rows.length) return;
    const table = [
      '| page | user | requests | transferred (first visit) | uncompressed | added by the slow link | usable, first visit (unthrottled) | usable, next visit | transferred, next visit |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'page-weights.md'), `${table}\n`);
    console.log(`\n${table}\n`);
  });

  async function record(page: Page, label: string, user: string, url: string, usable: () => Promise<unknown>): Promise<{ cold: Load; warm: Load; linkMs: number }> {
    const meter = await networkMeter(page);
    try {
      const local = await best(() => measure(page, meter, url, usable, true, false));
      const cold = await best(() => measure(page, meter, url, usable, true));
      const warm = await best(() => measure(page, meter, url, usable, false));
      const linkMs = cold.usableMs - local.usableMs;
      const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
      rows.push(`| ${label} | ${user} | ${cold.requests} | ${kb(cold.transferred)} | ${kb(cold.decoded)} | ${s(linkMs)} | ${s(cold.usableMs)} (${s(local.usableMs)}) | ${s(warm.usableMs)} | ${kb(warm.transferred)} |`);
      return { cold, warm, linkMs };
    } finally {
      await meter.cdp.detach();
    }
  }

  it('孙网’s inbox and his task page send no more than a 1.5 Mbit/s link carries in 2 s on a first visit, and cached scripts are not fetched again', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await page.goto(`${base}/login`);
    await signIn(page, base, 'itc');

    const inbox = await record(page, '待办 `/inbox`', 'itc', `${base}/inbox`, () => page.locator('.task-row', { hasText: 'GZ-2026-0500' }).waitFor());
    const task = await record(page, '办理 `/tasks/:id`', 'itc', `${base}/tasks/${taskId}`, async () => {
      await page.locator('.form-host:not(.case-content) .fjs-form').waitFor();
      await page.getByRole('button', { name: '提交' }).waitFor();
    });

    // Then on a first visit each page sends no more than the link carries in 2 s (1.5 Mbit/s =
    // 187.5 KB/s). Bytes, not milliseconds: a timed assertion fails on a busy 2-core CI machine
    // (the times are recorded above for the README, and measured by hand on a quiet machine).
    const linkBytesIn2s = (BUDGET_MS / 1000) * (1.5e6 / 8);
    expect(inbox.cold.transferred, 'inbox, first visit: bytes over the link').to.be.below(linkBytesIn2s);
    expect(task.cold.transferred, 'task page, first visit: bytes over the link').to.be.below(linkBytesIn2s);
    // and on the next visit the fingerprinted scripts and stylesheets come from the cache: only the
    // page itself (index.html) and the data cross the link.
    expect(inbox.warm.transferred).to.be.below(inbox.cold.transferred / 2);
    expect(task.warm.transferred).to.be.below(task.cold.transferred / 4);
    // Compression: what crosses the wire is a fraction of the files' size.
    expect(task.cold.transferred).to.be.below(task.cold.decoded / 2.5);
    await signOut(page);
  });

  it('the other main pages: a start form, the instance page, the monitor, the modeler and the form editor (bytes per page)', async () => {
    const { page } = s.b;
    const base = s.server.baseUrl;
    await signIn(page, base, 'staff');
    await record(page, '发起 `/start/:key`', 'staff', `${base}/start/fault-report`, () => page.locator('.form-host:not(.case-content) .fjs-form').waitFor());
    await record(page, '我的申请 `/requests/:id`', 'staff', `${base}/requests/${instanceId}`, () => page.locator('.diagram-canvas svg').first().waitFor());
    await signOut(page);
    await signIn(page, base, 'supervisor');
    await record(page, '监察 `/monitor`', 'supervisor', `${base}/monitor`, () => page.locator('.kpis .kpi').first().waitFor());
    await signOut(page);
    await signIn(page, base, 'owner');
    await record(page, '流程设计 `/modeler/processes/:key`', 'owner', `${base}/modeler/processes/fault-report`, () => page.locator('.djs-container svg').first().waitFor());
    await record(page, '表单设计 `/modeler/forms/:key`', 'owner', `${base}/modeler/forms/fault-report-apply`, () => page.locator('.fjs-editor-container').first().waitFor());
    await signOut(page);
  });
});
