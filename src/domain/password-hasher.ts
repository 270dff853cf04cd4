import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ServiceUnavailableError } from '../errors.ts';

/**
 * scrypt off the request path (issue 10, finding 6). Node's async scrypt runs on libuv's thread
 * pool, the same four threads the SQLite driver runs every query on, so a flood of anonymous
 * sign-ins used to stall all database work. Here hashing runs in a few worker threads of its own,
 * at most `workers` at once, with a bounded queue: when it is full a sign-in answers
 * 503 SIGN_IN_BUSY at once instead of waiting, so task work never queues behind hashing.
 * Usage:
 *   const hasher = new PasswordHasher({ workers: 2, maxQueue: 64 });
 *   const stored = await hasher.hash('Demo@2026!');
 *   await hasher.verify('Demo@2026!', stored); // true
 */

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** The production cost: 32 MiB and ~50–100 ms per hash on one core. */
export const DEFAULT_COST: ScryptCost = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;
/** Stored hashes name their own cost; refuse absurd ones rather than burn a worker on them. */
const MAX_N = 1 << 20;

export interface HasherOptions {
  /** Worker threads (HASH_WORKERS, default 2). */
  workers?: number;
  /** Hashes waiting for a worker beyond which a new one is refused with 503 (HASH_QUEUE, default 64). */
  maxQueue?: number;
  /** Cost of new hashes; tests lower it to stay fast. */
  cost?: ScryptCost;
}

// Plain CommonJS evaluated in the worker, so it runs the same under tsx, node and a build.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', (m) => {
  try {
    const key = scryptSync(m.password, Buffer.from(m.salt), m.keylen, { N: m.N, r: m.r, p: m.p, maxmem: m.maxmem });
    parentPort.postMessage({ id: m.id, key });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});
`;

interface Job {
  id: number;
  password: string;
  salt: Buffer;
  cost: ScryptCost;
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export class PasswordHasher {
  readonly workers: number;
  readonly maxQueue: number;
  readonly cost: ScryptCost;
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** How many derivations ran (tests check that unknown and known names cost the same). */
  derivations = 0;

  constructor(opts: HasherOptions = {}) {
    this.workers = Math.max(1, opts.workers ?? 2);
    this.maxQueue = Math.max(0, opts.maxQueue ?? 64);
    this.cost = opts.cost ?? DEFAULT_COST;
  }

  /** `scrypt$N$r$p$salt$key` (base64url). */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.derive(password, salt, this.cost);
    const c = this.cost;
    return ['scrypt', c.N, c.r, c.p, salt.toString('base64url'), key.toString('base64url')].join('$');
  }

  /** Whether `password` matches a stored hash; false for none or anything malformed, after the same work. */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const parts = (stored ?? '').split('$');
    const [, n, r, p, salt, key] = parts;
    const cost = { N: Number(n), r: Number(r), p: Number(p) };
    const wellFormed = parts.length === 6 && parts[0] === 'scrypt' && Number.isInteger(cost.N) && cost.N > 1 && cost.N <= MAX_N && cost.r > 0 && cost.p > 0;
    if (!wellFormed) {
      // Same work as a real check, so timing does not tell which names have a password.
      await this.derive(password, randomBytes(16), this.cost);
      return false;
    }
    const expected = Buffer.from(key, 'base64url');
    const actual = await this.derive(password, Buffer.from(salt, 'base64url'), cost);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }

  /** Stops the workers (tests; shutdown). Pending hashes fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.reject(new ServiceUnavailableError('服务正在停止', 'SIGN_IN_BUSY'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }

  private derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
    if (this.closed) return Promise.reject(new ServiceUnavailableError('服务正在停止', 'SIGN_IN_BUSY'));
    const busy = this.slots.length >= this.workers && this.slots.every((s) => s.job);
    if (busy && this.queue.length >= this.maxQueue) {
      return Promise.reject(new ServiceUnavailableError('登录请求过多，请稍后再试', 'SIGN_IN_BUSY'));
    }
    this.derivations++;
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, password: password.normalize('NFKC'), salt, cost, resolve, reject });
      this.pump();
    });
  }

  /** Hands queued jobs to idle workers, starting workers lazily up to the limit. */
  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.workers) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref(); // keep the process alive while a hash is outstanding
      const { N, r, p } = job.cost;
      slot.worker.postMessage({ id: job.id, password: job.password, salt: job.salt, keylen: KEY_LENGTH, N, r, p, maxmem: MAX_MEM });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker, job: null };
    worker.unref();
    worker.on('message', (m: { id: number; key?: Uint8Array; error?: string }) => {
      const job = slot.job;
      slot.job = null;
      worker.unref();
      if (job && job.id === m.id) {
        if (m.error) job.reject(new Error(m.error));
        else job.resolve(Buffer.from(m.key!));
      }
      this.pump();
    });
    worker.on('error', (err) => {
      // A dead worker fails its job and is replaced on the next pump.
      slot.job?.reject(err);
      slot.job = null;
      this.slots = this.slots.filter((s) => s !== slot);
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }
}

let shared: PasswordHasher | undefined;

/** The process's hasher, sized by HASH_WORKERS and HASH_QUEUE. */
export function sharedHasher(): PasswordHasher {
  shared ??= new PasswordHasher({ workers: intEnv('HASH_WORKERS', 2), maxQueue: intEnv('HASH_QUEUE', 64) });
  return shared;
}

function intEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return process.env[name] && Number.isInteger(n) && n >= 0 ? n : fallback;
}
