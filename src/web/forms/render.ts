/**
 * Renders a form-js schema (the same JSON the server validates) with @bpmn-io/form-js, shows
 * the client-side checks in Chinese, and puts the server's 422 field errors on their fields.
 */
import { Form } from '@bpmn-io/form-js';
import type { FieldError, FormSchema } from '../api.ts';
import { installFormJsChinese } from './zh.ts';

export interface FormHandle {
  /** The values the form would submit (disabled fields left out). */
  data(): Record<string, unknown>;
  /** Shows the server's errors on their fields; returns the ones that match no field. */
  showErrors(errors: FieldError[]): FieldError[];
  /** The errors that match a field, labelled, each able to focus its field (for the summary). */
  errorLinks(errors: FieldError[]): ErrorLink[];
  clearErrors(): void;
  /** Replaces the values (offering a draft back). */
  setData(data: Record<string, unknown>): Promise<void>;
  onChange(fn: (data: Record<string, unknown>) => void): void;
  destroy(): void;
  form: Form;
}

/** form-js 1.23 has no translation service; its validation messages are mapped here (through its validator). */
const MESSAGES: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^Field is required\.$/, () => '此项为必填项'],
  [/^Field must have minimum length of (.+)\.$/, (m) => `长度不能少于 ${m[1]} 个字`],
  [/^Field must have maximum length of (.+)\.$/, (m) => `长度不能超过 ${m[1]} 个字`],
  [/^Field must have minimum value of (.+)\.$/, (m) => `不能小于 ${m[1]}`],
  [/^Field must have maximum value of (.+)\.$/, (m) => `不能大于 ${m[1]}`],
  [/^Field must match pattern (.+)\.$/, () => '格式不正确'],
  [/^Value is not a number\.$/, () => '请输入数字'],
  [/^Value is expected to be an integer\.$/, () => '请输入整数'],
  [/^Value is expected to have at most (\d+) decimal digits?\.$/, (m) => `最多 ${m[1]} 位小数`],
  [/^Field must be a valid email\.$/, () => '请输入有效的电子邮箱'],
  [/^Field must be a valid\s+international phone number.*$/, () => '请输入有效的电话号码（含国际区号）'],
  [/^Please select a valid value, the two nearest valid values are (.+) and (.+)\.$/, (m) => `请输入有效值，最接近的有效值为 ${m[1]} 和 ${m[2]}`],
];

export function translateFormMessage(message: string): string {
  for (const [re, fn] of MESSAGES) {
    const m = message.match(re);
    if (m) return fn(m);
  }
  return message;
}

interface Target {
  id: string;
  index?: number;
  /** The field's label as the form shows it. */
  label: string;
}

/** A server error on a field, with the field's label and a way to take the user there. */
export interface ErrorLink {
  field: string;
  label: string;
  message: string;
  focus(): void;
}

/** Maps the server's field paths (`key`, `group.key`, `list[0].key`) to form-js field ids. */
function fieldTargets(components: Array<Record<string, any>>, prefix = '', out = new Map<string, Target>(), list?: string): Map<string, Target> {
  for (const c of components) {
    const label = String(c.label ?? c.dateLabel ?? c.key ?? c.path ?? '');
    if (c.type === 'dynamiclist' && c.path) {
      out.set(prefix + c.path, { id: c.id, label });
      fieldTargets(c.components ?? [], '', out, prefix + c.path);
      continue;
    }
    if (c.type === 'group') {
      fieldTargets(c.components ?? [], c.path ? `${prefix}${c.path}.` : prefix, out, list);
      continue;
    }
    if (!c.key || !c.id) continue;
    if (list) out.set(`${list}[]${prefix}${c.key}`, { id: c.id, label });
    else out.set(prefix + c.key, { id: c.id, label });
  }
  return out;
}

function locate(targets: Map<string, Target>, field: string): Target | undefined {
  const direct = targets.get(field);
  if (direct) return direct;
  const m = field.match(/^(.*)\[(\d+)\]\.(.+)$/);
  if (m) {
    const t = targets.get(`${m[1]}[]${m[3]}`);
    const list = targets.get(m[1]);
    if (t) return { id: t.id, index: Number(m[2]), label: `${list?.label ?? ''}第 ${Number(m[2]) + 1} 行的“${t.label}”` };
  }
  return undefined;
}

/** Takes the user to a field: scrolls it into view and focuses its input (the n-th for list rows). */
function focusField(container: HTMLElement, t: Target): void {
  const inputs = [...container.querySelectorAll<HTMLElement>(`[id$="-${CSS.escape(t.id)}"], [id*="-${CSS.escape(t.id)}-"]`)].filter((el) => el.matches('input:not([type=hidden]), textarea, select, button, [tabindex]'));
  const target = inputs[t.index ?? 0] ?? inputs[0];
  const wrapper = (target ?? container.querySelector(`[data-id="${CSS.escape(t.id)}"]`))?.closest<HTMLElement>('.fjs-form-field') ?? target;
  wrapper?.scrollIntoView({ block: 'center' });
  target?.focus({ preventScroll: true });
}

/** Gives every component an id (form-js needs them to key errors); returns the schema. */
function withIds(schema: FormSchema): FormSchema {
  let n = 0;
  const walk = (list: Array<Record<string, any>>) =>
    list.map((c): Record<string, any> => ({ ...c, id: c.id ?? `Field_${c.key ?? c.path ?? 'x'}_${++n}`, ...(c.components && { components: walk(c.components) }) }));
  return { ...schema, type: schema.type ?? 'default', components: walk(schema.components ?? []) };
}

/**
 * Renders `schema` into `container` with `data` filled in. `platformData` is what the server sends
 * beside the values (`formData`, e.g. select options under a `valuesKey`); it stays under every
 * value set later and is never submitted (form-js submits only its fields).
 * Usage: `const f = await renderForm(el, schema, variables); api.post(..., {variables: f.data()})`.
 */
export async function renderForm(
  container: HTMLElement,
  rawSchema: FormSchema,
  values: Record<string, unknown>,
  opts: { readOnly?: boolean; platformData?: Record<string, unknown> } = {},
): Promise<FormHandle> {
  const withPlatform = (v: Record<string, unknown>) => ({ ...v, ...(opts.platformData ?? {}) });
  const data = withPlatform(values);
  const schema = withIds(rawSchema);
  // Without form-js's 300 ms input debounce, what is on screen is what is submitted: a quick click
  // on 提交 right after typing cannot lose the last input.
  installFormJsChinese();
  const form = new Form({ container, debounce: false } as any);
  await form.importSchema(schema as any, data);
  if (opts.readOnly) form.setProperty('readOnly', true);
  const validator = form.get<any>('validator');
  const original = validator.validateFieldInstance.bind(validator);
  validator.validateFieldInstance = (instance: unknown, value: unknown) => (original(instance, value) as string[]).map(translateFormMessage);
  const targets = fieldTargets(schema.components);
  const listeners: Array<(d: Record<string, unknown>) => void> = [];
  form.on('changed', () => {
    const d = (form as any)._getSubmitData() as Record<string, unknown>;
    for (const fn of listeners) fn(d);
  });
  return {
    form,
    data: () => (form as any)._getSubmitData(),
    showErrors(errors) {
      const state: Record<string, any> = {};
      const unmatched: FieldError[] = [];
      for (const e of errors) {
        const t = locate(targets, e.field);
        if (!t) {
          unmatched.push(e);
          continue;
        }
        if (t.index === undefined) (state[t.id] ??= []).push(e.message);
        else ((state[t.id] ??= [])[t.index] ??= []).push(e.message);
      }
      // Focus stays where the page puts it (the error summary): moving it into a field would open
      // a select's list over the next field and its message.
      (form as any)._setState({ errors: state });
      return unmatched;
    },
    errorLinks(errors) {
      const out: ErrorLink[] = [];
      for (const e of errors) {
        const t = locate(targets, e.field);
        if (t) out.push({ field: e.field, label: t.label, message: e.message, focus: () => focusField(container, t) });
      }
      return out;
    },
    clearErrors() {
      (form as any)._setState({ errors: {} });
    },
    async setData(next) {
      await form.importSchema(schema as any, withPlatform(next));
    },
    onChange(fn) {
      listeners.push(fn);
    },
    destroy() {
      form.destroy();
    },
  };
}
