import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../src/api/app.ts';
import { openDatabase } from '../src/db/knex.ts';
import { AuthService } from '../src/domain/auth.ts';
import { seedOrganisation } from '../src/domain/org.ts';
import { DEMO_PASSWORD, ensureInitialSignIns } from '../src/domain/sign-ins.ts';
import { EngineService } from '../src/engine/service.ts';

/**
 * Issue 10, finding 6: how slow does GET /api/tasks get while anonymous sign-ins hash?
 * Measures the inbox latency alone, then while FLOOD (default 30) wrong-password sign-ins run at
 * once (each from its own X-Forwarded-For address, so the per-address throttle stays out of the
 * way), at the production scrypt cost. Runs unchanged against older commits for a before/after.
 * Usage: `node --import tsx bench/sign-in-flood.ts` (HASH_WORKERS, FLOOD, ROUNDS to vary).
 */

const FLOOD = Number(process.env.FLOOD ?? 30);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcp-flood-'));
  const db = await openDatabase(path.join(dir, 'flood.sqlite'));
  const engine = await EngineService.create({ db });
  const auth = new AuthService(db, engine.clock);
  await seedOrganisation(db, engine.clock.now(), true);
  await ensureInitialSignIns(db, auth, { demo: true });
  const server = createApp({ db, engine, auth, logger: pino({ level: 'silent' }), trustProxy: true }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (body: unknown, ip: string) =>
    fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) });
  const { token } = (await (await post({ username: 'staff', password: DEMO_PASSWORD }, '10.0.0.1')).json()) as { token: string };
  const tasks = async () => {
    const t = performance.now();
    const res = await fetch(`${base}/api/tasks`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`tasks: ${res.status}`);
    return performance.now() - t;
  };
  for (let i = 0; i < 20; i++) await tasks(); // warm-up
  const quiet: number[] = [];
  for (let i = 0; i < 50; i++) quiet.push(await tasks());
  const busy: number[] = [];
  const statuses = new Map<number, number>();
  let ip = 1;
  for (let round = 0; round < ROUNDS; round++) {
    let done = false;
    const flood = Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        post({ username: `nobody${round}-${i}`, password: 'Wrong-pass-2026!' }, `10.1.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}`).then(async (r) => {
          await r.arrayBuffer();
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }),
      ),
    ).then(() => (done = true));
    while (!done) busy.push(await tasks());
    await flood;
  }
  const fmt = (xs: number[]) => `median ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;
  console.log(`GET /api/tasks alone:                     ${fmt(quiet)}`);
  console.log(`GET /api/tasks during ${FLOOD} parallel sign-ins: ${fmt(busy)}`);
  console.log(`sign-in answers: ${[...statuses].map(([k, v]) => `${k}×${v}`).join(', ')}`);
  server.close();
  await engine.stop();
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

void main();
