import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { FieldError } from '../errors.ts';

/**
 * Password hashing (scrypt, Node's built-in, with a random salt per password) and the password
 * rules of Art. 11. A stored hash names its own parameters, so they can be raised later without
 * invalidating existing passwords.
 */

const COST = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

export const MIN_LENGTH = 10;
export const MAX_LENGTH = 128;

function derive(password: string, salt: Buffer, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...o, maxmem: MAX_MEM }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * `scrypt$N$r$p$salt$key` (base64url).
 * Usage: `const stored = await hashPassword('Demo@2026!')`.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `password` matches a stored hash; false for anything malformed. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    // Same work as a real check, so that timing does not tell which accounts have a password.
    await derive(password, randomBytes(16), COST);
    return false;
  }
  const [, n, r, p, salt, key] = parts;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Problems with a new password: at least 10 characters from at least three of lower case, upper
 * case, digits and other characters, and not containing the user name.
 */
export function passwordProblems(password: string, username: string, field = 'newPassword'): FieldError[] {
  const out: FieldError[] = [];
  if (password.length < MIN_LENGTH) out.push({ field, message: `密码长度至少 ${MIN_LENGTH} 位` });
  if (password.length > MAX_LENGTH) out.push({ field, message: `密码长度不能超过 ${MAX_LENGTH} 位` });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) out.push({ field, message: '密码须包含大写字母、小写字母、数字、特殊字符中的至少三类' });
  if (username && password.toLowerCase().includes(username.toLowerCase())) out.push({ field, message: '密码不能包含用户名' });
  return out;
}

/** A random password that satisfies the rules (for the first administrator). */
export function randomPassword(): string {
  // base64url gives letters, digits, '-' and '_'; the fixed tail guarantees all four classes.
  return `${randomBytes(12).toString('base64url')}-Aa9`;
}
