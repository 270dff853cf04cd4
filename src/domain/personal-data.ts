import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import { ForbiddenError } from '../errors.ts';
import { latestForm } from '../store/definitions.ts';
import type { InstanceRow } from '../store/instances.ts';
import { mustActOn } from '../store/visibility.ts';
import { isSupervision } from './access.ts';
import { appendAudit } from './audit.ts';
import type { Person } from './org.ts';

/**
 * Personal data of citizens (ID numbers, phone numbers, addresses) in instance variables and
 * history: shown masked except to those who must act on the instance now, or to supervision
 * asking for it (`?reveal=personal`); every unmasked read is audited (`personal-data.read`).
 */

/** Form field property (`properties: { personal: "true" }`) that marks a field as personal data. */
export const PERSONAL_PROPERTY = 'personal';

/** Variable names that are personal data whatever the form says. */
const PERSONAL_NAMES = [/id_?card|id_?no$|id_?number|身份证/i, /phone|mobile|telephone|手机|电话/i, /address|住址|地址/i];

export function isPersonalName(key: string): boolean {
  return PERSONAL_NAMES.some((re) => re.test(key));
}

/** 320402199001011234 → 3204**********1234 (first four, last four). */
export function maskIdCard(v: string): string {
  return v.length <= 8 ? '*'.repeat(v.length) : v.slice(0, 4) + '*'.repeat(v.length - 8) + v.slice(-4);
}

/** 13812345678 → 138****5678 (first three, last four). */
export function maskPhone(v: string): string {
  return v.length <= 7 ? '*'.repeat(v.length) : v.slice(0, 3) + '*'.repeat(v.length - 7) + v.slice(-4);
}

/** 江苏省常州市天宁区和平北路12号 → 江苏省常州市**** (the region stays readable, the street and number do not). */
export function maskText(v: string): string {
  const chars = [...v];
  const keep = Math.min(6, Math.floor(chars.length / 3));
  return chars.slice(0, keep).join('') + '****';
}

/** Masks one value by its shape: ID numbers, phone numbers, anything else as text. */
export function maskValue(v: string): string {
  const s = v.trim();
  if (/^(\d{15}|\d{17}[\dXx])$/.test(s)) return maskIdCard(s);
  if (/^\+?[\d\- ]{7,20}$/.test(s)) return maskPhone(s.replace(/[\s-]/g, ''));
  return maskText(s);
}

/**
 * A copy of `value` with every personal string (a key in `keys` or a personal name, at any depth,
 * and the value of a history row `{name, value}` naming one) masked; `found` lists the keys masked.
 */
export function maskPersonal<T>(value: T, keys: ReadonlySet<string>): { value: T; found: string[] } {
  const found = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    const o = v as Record<string, unknown>;
    // A history row of a variable change: { name: 'partyIdCard', value: '…' }
    const named = typeof o.name === 'string' && typeof o.value === 'string' && o.value !== '' && (keys.has(o.name) || isPersonalName(o.name));
    for (const [k, x] of Object.entries(v)) {
      if (named && k === 'value') {
        out[k] = maskValue(x as string);
        found.add(o.name as string);
        continue;
      }
      if (typeof x === 'string' && x !== '' && (keys.has(k) || isPersonalName(k))) {
        out[k] = maskValue(x);
        found.add(k);
      } else out[k] = walk(x);
    }
    return out;
  };
  return { value: walk(value) as T, found: [...found].sort() };
}

/** Keys of the fields a form schema marks `personal`, at any depth (groups, dynamic lists). */
export function personalFieldsOf(schema: unknown): string[] {
  const keys: string[] = [];
  const visit = (c: any): void => {
    if (Array.isArray(c)) return c.forEach(visit);
    if (!c || typeof c !== 'object') return;
    const flag = c.properties?.[PERSONAL_PROPERTY];
    if (typeof c.key === 'string' && (flag === true || flag === 'true')) keys.push(c.key);
    if (c.components) visit(c.components);
  };
  visit(schema);
  return keys;
}

/** The personal keys the forms of an instance's process declare. */
async function personalKeysOf(db: Knex, engine: EngineService, definitionId: string): Promise<Set<string>> {
  const def = await engine.definitions.byId(definitionId);
  const formKeys = new Set<string>();
  for (const el of def.model.elements.values()) if (el.formKey) formKeys.add(el.formKey);
  for (const s of def.model.startEvents) if (s.formKey) formKeys.add(s.formKey);
  const keys = new Set<string>();
  for (const key of formKeys) {
    const form = await latestForm(db, key);
    if (form) for (const k of personalFieldsOf(form.schema)) keys.add(k);
  }
  return keys;
}

export interface PersonalView {
  /** Masks what is shown unless this reader sees it in full. */
  apply<T>(value: T): T;
  /** Called once the response is shaped: audits an unmasked read of personal data. */
  finish(): Promise<{ masked: boolean; fields: string[]; canReveal: boolean }>;
}

/**
 * How `p` sees the personal data of an instance. `reveal`: supervision asked for it in full
 * (anyone else asking gets 403 PERSONAL_DATA_FORBIDDEN).
 * Usage: `const view = await personalView(db, engine, instance, person, { reveal, via: 'instance' });
 *         body.variables = view.apply(instance.variables); body.personalData = await view.finish();`
 */
export async function personalView(
  db: Knex,
  engine: EngineService,
  instance: Pick<InstanceRow, 'id' | 'definitionId'>,
  p: Person,
  opts: { reveal: boolean; via: 'instance' | 'task'; ip?: string | null; requestId?: string | null },
): Promise<PersonalView> {
  const supervision = isSupervision(p);
  if (opts.reveal && !supervision) throw new ForbiddenError('仅监察室可以查看未脱敏的个人信息', 'PERSONAL_DATA_FORBIDDEN');
  const keys = await personalKeysOf(db, engine, instance.definitionId);
  const acting = !opts.reveal && (await mustActOn(db, instance.id, p.id));
  const full = opts.reveal || acting;
  const found = new Set<string>();
  return {
    apply<T>(value: T): T {
      const r = maskPersonal(value, keys);
      r.found.forEach((k) => found.add(k));
      return full ? value : r.value;
    },
    async finish() {
      const fields = [...found].sort();
      if (full && fields.length) {
        await db.transaction((trx) =>
          appendAudit(
            trx,
            {
              actor: p.id,
              action: 'personal-data.read',
              objectType: 'process-instance',
              objectId: instance.id,
              instanceId: instance.id,
              ip: opts.ip ?? null,
              requestId: opts.requestId ?? null,
              after: { fields, via: opts.via, why: opts.reveal ? 'reveal' : 'acting' },
            },
            engine.clock.now(),
          ),
        );
      }
      return { masked: !full && fields.length > 0, fields, canReveal: supervision && !full && fields.length > 0 };
    },
  };
}

/**
 * Audit rows as a reader sees them: personal values in `before`/`after` (by the personal names, and
 * by the fields the instance's forms mark personal when the rows are one instance's) masked, unless
 * supervision asks for them in full (`reveal`), which is itself audited. The stored rows and their
 * hashes are untouched; only the answer is masked.
 * Usage: `const shown = await auditAsSeen(db, engine, rows, person, { reveal, instanceId })`.
 */
export async function auditAsSeen<R extends { before: unknown; after: unknown }>(
  db: Knex,
  engine: EngineService,
  rows: R[],
  p: Person,
  opts: { reveal: boolean; instanceId?: string; ip?: string | null; requestId?: string | null },
): Promise<{ rows: R[]; masked: string[] }> {
  if (opts.reveal && !isSupervision(p)) throw new ForbiddenError('仅监察室可以查看未脱敏的个人信息', 'PERSONAL_DATA_FORBIDDEN');
  const instance = opts.instanceId ? await engine.getInstance(opts.instanceId) : undefined;
  const keys = instance ? await personalKeysOf(db, engine, instance.definitionId) : new Set<string>();
  const found = new Set<string>();
  const shown = rows.map((r) => {
    const b = maskPersonal(r.before, keys);
    const a = maskPersonal(r.after, keys);
    [...b.found, ...a.found].forEach((k) => found.add(k));
    return opts.reveal ? r : { ...r, before: b.value, after: a.value };
  });
  if (opts.reveal && found.size) {
    await db.transaction((trx) =>
      appendAudit(
        trx,
        {
          actor: p.id,
          action: 'personal-data.read',
          objectType: opts.instanceId ? 'process-instance' : 'audit',
          objectId: opts.instanceId ?? null,
          instanceId: opts.instanceId ?? null,
          ip: opts.ip ?? null,
          requestId: opts.requestId ?? null,
          after: { fields: [...found].sort(), via: 'audit', why: 'reveal' },
        },
        engine.clock.now(),
      ),
    );
  }
  return { rows: shown, masked: opts.reveal ? [] : [...found].sort() };
}
