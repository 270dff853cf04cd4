import { randomBytes } from 'node:crypto';
import type { FieldError } from '../errors.ts';

/**
 * The password rules of Art. 11. Hashing (scrypt in a worker pool; a stored hash names its own
 * parameters) lives in password-hasher.ts.
 */

export const MIN_LENGTH = 10;
export const MAX_LENGTH = 128;

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
