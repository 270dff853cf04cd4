import type { Knex } from 'knex';
import type { FormRow } from '../store/definitions.ts';
import { displayNameOf, nextCaseSeq, setCaseNumber } from '../store/case-numbers.ts';
import { compile, evaluateCompiled } from '../lib/feel.ts';
import type { CompiledDefinition } from './runtime.ts';

/**
 * Case numbers (流水号) and subjects: every instance gets, in its start's transaction, a human
 * number from the pattern its process declares and a one-line subject.
 *
 * - `camunda:properties` `caseNumberPattern`, e.g. `常民防变〔{yyyy}〕{seq:4}号`. Tokens: `{yyyy}`,
 *   `{yy}`, `{mm}`, `{dd}` (the start's date in Beijing time), `{seq:N}` (the process's yearly
 *   sequence, zero-padded to N digits, never cut), `{key-prefix}` (the process key in capitals).
 *   Without a declared pattern: `{key-prefix}-{yyyy}-{seq:5}`. A pattern without `{seq…}` gets
 *   `-{seq:4}` appended, so numbers stay unique.
 * - `subjectExpression`: a FEEL expression over the start variables (e.g. `applicantName + "：" + reason`);
 *   default (or when it fails or yields nothing): the value of the start form's first text field.
 */

export const CASE_NUMBER_PROPERTY = 'caseNumberPattern';
export const SUBJECT_PROPERTY = 'subjectExpression';
export const DEFAULT_CASE_NUMBER_PATTERN = '{key-prefix}-{yyyy}-{seq:5}';
const SUBJECT_MAX = 200;
const BEIJING_OFFSET_MS = 8 * 3600_000;

export interface CaseLabel {
  caseNumber: string;
  subject: string | null;
  startedByName: string | null;
}

/** The year a case number counts in: the start's calendar year in Beijing time. */
export function beijingYear(at: number): number {
  return new Date(at + BEIJING_OFFSET_MS).getUTCFullYear();
}

/** The declared pattern, made safe: one that never repeats a number needs `{seq…}`. */
export function patternOf(properties: Record<string, string>): string {
  const declared = properties[CASE_NUMBER_PROPERTY]?.trim();
  if (!declared) return DEFAULT_CASE_NUMBER_PATTERN;
  return /\{seq(:\d+)?\}/.test(declared) ? declared : `${declared}-{seq:4}`;
}

/**
 * The number a pattern gives for `seq` at `at`.
 * Usage: `formatCaseNumber('常民防变〔{yyyy}〕{seq:4}号', 'item-change', 7, at)` → `常民防变〔2026〕0007号`.
 */
export function formatCaseNumber(pattern: string, processKey: string, seq: number, at: number): string {
  const d = new Date(at + BEIJING_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return pattern.replace(/\{(yyyy|yy|mm|dd|key-prefix|seq(?::(\d{1,2}))?)\}/g, (_, token: string, width?: string) => {
    if (token === 'yyyy') return String(d.getUTCFullYear());
    if (token === 'yy') return two(d.getUTCFullYear() % 100);
    if (token === 'mm') return two(d.getUTCMonth() + 1);
    if (token === 'dd') return two(d.getUTCDate());
    if (token === 'key-prefix') return processKey.toUpperCase();
    return String(seq).padStart(Number(width ?? 1), '0');
  });
}

/** The first text field's key of a form-js schema (depth first, through groups). */
export function firstTextFieldKey(schema: unknown): string | null {
  const components = (schema as { components?: unknown[] } | null)?.components;
  if (!Array.isArray(components)) return null;
  for (const c of components as Array<Record<string, unknown>>) {
    if ((c.type === 'textfield' || c.type === 'textarea') && typeof c.key === 'string') return c.key;
    const inner = firstTextFieldKey(c);
    if (inner) return inner;
  }
  return null;
}

function clean(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, SUBJECT_MAX) : null;
}

/** The newest version of a form by key (the engine's cached lookup). */
export type FormLookup = (key: string) => Promise<FormRow | undefined>;

/** The subject line of a new case (never throws: a failing expression falls back to the default). */
export async function subjectOf(
  forms: FormLookup,
  def: CompiledDefinition,
  startFormKey: string | undefined,
  variables: Record<string, unknown>,
): Promise<string | null> {
  const expression = def.model.properties[SUBJECT_PROPERTY]?.trim();
  if (expression) {
    try {
      // Plain FEEL (`partyName + "：" + facts`); `=…` and `${…}` are accepted as everywhere else.
      const feel = expression.startsWith('=') || expression.includes('${') ? expression : `=${expression}`;
      const value = clean(evaluateCompiled(compile(feel), variables));
      if (value) return value;
    } catch {
      // fall through to the default
    }
  }
  if (!startFormKey) return null;
  const form = await forms(startFormKey);
  const key = form && firstTextFieldKey(form.schema);
  return key ? clean(variables[key]) : null;
}

/**
 * What a new case is called before it has a number: its subject and the applicant's name (as the
 * caller knows it from the session, else read). Read before the start's transaction, so the
 * transaction holds the counter row as briefly as it can.
 * Usage: `const label = await describeNewCase(db, forms, def, { startEventId, variables, by, byName })`.
 */
export async function describeNewCase(
  db: Knex,
  forms: FormLookup,
  def: CompiledDefinition,
  start: { startEventId: string; variables: Record<string, unknown>; by: string; byName?: string | null },
): Promise<Omit<CaseLabel, 'caseNumber'>> {
  const formKey = def.model.startEvents.find((s) => s.id === start.startEventId)?.formKey;
  return { subject: await subjectOf(forms, def, formKey, start.variables), startedByName: start.byName ?? (await displayNameOf(db, start.by)) };
}

/**
 * Numbers a new case in its start's transaction, after the step's other writes and before only
 * the writes that name the number (the notices): the counter row of (process, year) is
 * incremented there, so concurrent starts get distinct numbers and a rolled-back start gives its
 * number back (no gaps: a missing number would look like a deleted case to supervision). On
 * PostgreSQL the row stays locked until commit, so it is taken as late as it can be: concurrent
 * starts of one process wait for each other's notices and commit, not for each other's whole step
 * (`npm run bench:http` shows the lock waits).
 * Usage: `instance.caseNumber = await numberNewCase(trx, def, instance.id, at)`.
 */
export async function numberNewCase(trx: Knex.Transaction, def: CompiledDefinition, instanceId: string, at: number): Promise<string> {
  const seq = await nextCaseSeq(trx, def.key, beijingYear(at));
  const caseNumber = formatCaseNumber(patternOf(def.model.properties), def.key, seq, at);
  await setCaseNumber(trx, instanceId, caseNumber);
  return caseNumber;
}
