import type { Clock } from '../clock.ts';
import { TooManyRequestsError } from '../errors.ts';

/**
 * Per-address throttle of sign-in attempts (issue 10, finding 5), in memory on each node: an
 * address gets `free` attempts per window, after which each further attempt must wait a delay
 * that doubles (1 s, 2 s, 4 s … up to `maxDelayMs`); an attempt before its time answers
 * 429 SIGN_IN_THROTTLED with Retry-After. An attempt is counted when it arrives — before the slow
 * hash — so a burst of parallel requests is cut off at once; a successful sign-in gives its
 * attempt back. With several nodes an address gets `free` attempts on each: the per-account
 * lockout in the database is the cross-node limit.
 * Usage:
 *   const throttle = new SignInThrottle(clock);
 *   throttle.enter(ip);        // throws 429 when the address must wait
 *   …; throttle.succeeded(ip); // after a good password
 */

export interface ThrottleOptions {
  /** Attempts per window before delays start (default 10). */
  free?: number;
  /** An address's count is forgotten this long after its last attempt (default 15 min). */
  windowMs?: number;
  /** First delay after the free attempts (default 1 s), doubled each further attempt. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Addresses remembered at most (oldest forgotten first), so a spray of addresses cannot exhaust memory. */
  maxEntries?: number;
}

interface Entry {
  attempts: number;
  lastAt: number;
  nextAt: number;
}

export class SignInThrottle {
  private entries = new Map<string, Entry>();
  readonly free: number;
  readonly windowMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxEntries: number;

  constructor(
    readonly clock: Clock,
    opts: ThrottleOptions = {},
  ) {
    this.free = opts.free ?? 10;
    this.windowMs = opts.windowMs ?? 15 * 60e3;
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 60e3;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Counts an attempt from `address`, or refuses it with 429 when the address must wait. */
  enter(address: string | null | undefined): void {
    const key = address || '(unknown)';
    const now = this.clock.now();
    let e = this.entries.get(key);
    // Forgotten after the window, and when the clock was set back (a stale entry must not bar anyone).
    if (e && (now < e.lastAt || now - e.lastAt >= this.windowMs)) e = undefined;
    if (e && now < e.nextAt) {
      const seconds = Math.max(1, Math.ceil((e.nextAt - now) / 1000));
      throw new TooManyRequestsError(`登录尝试过于频繁，请 ${seconds} 秒后再试`, 'SIGN_IN_THROTTLED', seconds);
    }
    const attempts = (e?.attempts ?? 0) + 1;
    const over = attempts - this.free;
    const delay = over <= 0 ? 0 : Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(over - 1, 30));
    this.entries.delete(key); // re-inserted last: Map order is the eviction order
    this.entries.set(key, { attempts, lastAt: now, nextAt: now + delay });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** A good password from `address`: its attempt does not count. */
  succeeded(address: string | null | undefined): void {
    const e = this.entries.get(address || '(unknown)');
    if (!e) return;
    e.attempts = Math.max(0, e.attempts - 1);
    if (e.attempts <= this.free) e.nextAt = e.lastAt;
  }
}
