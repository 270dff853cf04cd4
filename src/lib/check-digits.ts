/**
 * Check digits of the codes Chinese parties are identified by, so a mistyped code is refused at
 * entry rather than stored:
 * - the unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
 *   `0-9A-HJ-NPQRTUWXY` (no I, O, Z, S, V), the last a check character mod 31;
 * - the resident identity number (公民身份号码, GB 11643-1999): 17 digits, a birth date at 7–14,
 *   and an ISO 7064 MOD 11-2 check character (`0-9` or `X`).
 * Pure; usable from every layer.
 */

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Why `code` is not a valid unified social credit code, or null when it is. Lower-case letters are
 * accepted (read as upper case); spaces are not.
 * Usage: `creditCodeProblem('91320400MA1MXXXXXX')` → '统一社会信用代码校验位错误…' or null.
 */
export function creditCodeProblem(code: string): string | null {
  const c = String(code ?? '').trim().toUpperCase();
  if (c.length !== 18) return `统一社会信用代码应为 18 位（现为 ${c.length} 位）`;
  const values: number[] = [];
  for (const ch of c) {
    const v = USCC_CHARS.indexOf(ch);
    if (v < 0) return `统一社会信用代码含有不允许的字符“${ch}”`;
    values.push(v);
  }
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + w * values[i], 0);
  const expected = USCC_CHARS[(31 - (sum % 31)) % 31];
  return c[17] === expected ? null : `统一社会信用代码校验位错误（应为 ${expected}）`;
}

/** Usage: `isCreditCode('91320400MA1MXXXXXX')` → boolean. */
export function isCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * Why `id` is not a valid 18-digit resident identity number, or null when it is: its form, its
 * birth date and its check character (a lower-case x is read as X).
 * Usage: `idNumberProblem('11010519491231002X')` → null.
 */
export function idNumberProblem(id: string): string | null {
  const c = String(id ?? '').trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(c)) return '公民身份号码应为 18 位：17 位数字加 1 位数字或 X';
  const y = Number(c.slice(6, 10));
  const m = Number(c.slice(10, 12));
  const d = Number(c.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return `公民身份号码中的出生日期 ${c.slice(6, 14)} 无效`;
  }
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(c[i]), 0);
  const expected = ID_CHECK[sum % 11];
  return c[17] === expected ? null : `公民身份号码校验位错误（应为 ${expected}）`;
}

/** Usage: `isIdNumber('11010519491231002X')` → boolean. */
export function isIdNumber(id: string): boolean {
  return idNumberProblem(id) === null;
}
