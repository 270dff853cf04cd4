import { compile, evaluateCompiled } from '../lib/feel.ts';
import type { FieldError } from '../errors.ts';
import { creditCodeProblem, idNumberProblem } from '../lib/check-digits.ts';

/**
 * Server-side validation of form-js submissions (the same JSON the browser renders with
 * @bpmn-io/form-js). Only fields the form declares are accepted: a submission cannot set a
 * process variable the form does not show. Hidden fields (`conditional.hide`) are skipped, as in
 * form-js; read-only and disabled fields keep the instance's value.
 */

export interface FormComponent {
  type: string;
  key?: string;
  path?: string;
  label?: string;
  components?: FormComponent[];
  validate?: {
    required?: boolean;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    min?: number;
    max?: number;
    validationType?: string;
  };
  values?: Array<{ label: string; value: unknown }>;
  valuesKey?: string;
  conditional?: { hide?: string };
  readonly?: boolean | string;
  disabled?: boolean;
  dateLabel?: string;
  subtype?: string;
  increment?: string | number;
  decimalDigits?: number;
  isRepeating?: boolean;
  text?: string;
  /** filepicker: more than one file. */
  multiple?: boolean | string;
}

export interface FormSchema {
  type?: string;
  id?: string;
  components?: FormComponent[];
}

const INPUT_TYPES = new Set(['textfield', 'textarea', 'number', 'checkbox', 'checklist', 'radio', 'select', 'taglist', 'datetime', 'filepicker']);
const CONTAINER_TYPES = new Set(['group', 'dynamiclist']);

export interface ValidationResult {
  values: Record<string, unknown>;
  errors: FieldError[];
}

/**
 * Checks `data` against a form; returns the accepted values (typed) and one error per bad field.
 * Usage: `const { values, errors } = validateSubmission(schema, body.variables, instanceVariables)`.
 */
export function validateSubmission(schema: FormSchema, data: unknown, context: Record<string, unknown> = {}): ValidationResult {
  const errors: FieldError[] = [];
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { values: {}, errors: [{ field: '', message: '提交的数据应为对象（键值对）' }] };
  }
  const input = data as Record<string, unknown>;
  const known = new Set<string>();
  const values = validateComponents(schema.components ?? [], input, { ...context, ...input }, '', errors, known);
  for (const key of Object.keys(input)) {
    if (!known.has(key)) errors.push({ field: key, message: `表单中没有字段“${key}”` });
  }
  return { values, errors };
}

function validateComponents(
  components: FormComponent[],
  input: Record<string, unknown>,
  scope: Record<string, unknown>,
  prefix: string,
  errors: FieldError[],
  known: Set<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of components) {
    if (CONTAINER_TYPES.has(c.type)) {
      validateContainer(c, input, scope, prefix, errors, known, out);
      continue;
    }
    if (!INPUT_TYPES.has(c.type) || !c.key) continue;
    known.add(c.key);
    if (isHidden(c, scope)) continue;
    if (c.disabled || c.readonly === true) continue;
    const field = prefix + c.key;
    const result = validateField(c, input[c.key], scope, field);
    if ('error' in result) errors.push({ field, message: result.error });
    else if (result.value !== undefined) out[c.key] = result.value;
  }
  return out;
}

function validateContainer(
  c: FormComponent,
  input: Record<string, unknown>,
  scope: Record<string, unknown>,
  prefix: string,
  errors: FieldError[],
  known: Set<string>,
  out: Record<string, unknown>,
): void {
  // A hidden or read-only container, like a field, is not validated and keeps the instance's
  // value: its keys are accepted in a submission (a browser may send them) and ignored.
  if (isHidden(c, scope) || c.readonly === true || c.disabled) {
    if (c.path) known.add(c.path);
    else for (const k of fieldKeys({ components: c.components })) known.add(k);
    return;
  }
  if (c.type === 'group' && !c.path) {
    Object.assign(out, validateComponents(c.components ?? [], input, scope, prefix, errors, known));
    return;
  }
  const path = c.path!;
  known.add(path);
  const raw = input[path];
  const field = prefix + path;
  // A list left out of the submission keeps what the instance has (it is not wiped to []).
  if (raw === undefined && c.type === 'dynamiclist') return;
  if (c.type === 'group') {
    const obj = raw === undefined || raw === null ? {} : raw;
    if (typeof obj !== 'object' || Array.isArray(obj)) {
      errors.push({ field, message: `“${labelOf(c)}”应为对象` });
      return;
    }
    const innerKnown = new Set<string>();
    out[path] = validateComponents(c.components ?? [], obj as Record<string, unknown>, { ...scope, ...(obj as object) }, field + '.', errors, innerKnown);
    for (const k of Object.keys(obj)) if (!innerKnown.has(k)) errors.push({ field: `${field}.${k}`, message: `表单中没有字段“${k}”` });
    return;
  }
  // dynamiclist: an array of rows, each validated against the nested components.
  const rows = raw === undefined || raw === null ? [] : raw;
  if (!Array.isArray(rows)) {
    errors.push({ field, message: `“${labelOf(c)}”应为列表` });
    return;
  }
  if (rows.length > 500) {
    errors.push({ field, message: `“${labelOf(c)}”最多 500 行` });
    return;
  }
  out[path] = rows.map((row, i) => {
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      errors.push({ field: `${field}[${i}]`, message: `第 ${i + 1} 行应为对象` });
      return {};
    }
    const innerKnown = new Set<string>();
    const v = validateComponents(c.components ?? [], row as Record<string, unknown>, { ...scope, ...(row as object) }, `${field}[${i}].`, errors, innerKnown);
    for (const k of Object.keys(row)) if (!innerKnown.has(k)) errors.push({ field: `${field}[${i}].${k}`, message: `表单中没有字段“${k}”` });
    return v;
  });
}

function isHidden(c: FormComponent, scope: Record<string, unknown>): boolean {
  const expr = c.conditional?.hide;
  if (!expr) return false;
  try {
    return evaluateCompiled(compile(expr), scope) === true;
  } catch {
    // A hide condition naming a field not filled in yet is "not hidden", as in form-js.
    return false;
  }
}

function labelOf(c: FormComponent): string {
  return c.label || c.dateLabel || c.key || c.path || c.type;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

type FieldResult = { value: unknown } | { error: string };

function validateField(c: FormComponent, raw: unknown, scope: Record<string, unknown>, _field: string): FieldResult {
  const label = labelOf(c);
  const v = c.validate ?? {};
  if (isEmpty(raw) || (c.type === 'checkbox' && raw === false && v.required)) {
    if (v.required) return { error: `“${label}”为必填项` };
    return { value: c.type === 'checkbox' ? Boolean(raw) : raw === undefined ? undefined : null };
  }
  switch (c.type) {
    case 'textfield':
    case 'textarea': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { error: `“${label}”应为文本` };
      const s = String(raw);
      if (s.length > 20000) return { error: `“${label}”过长` };
      if (v.minLength !== undefined && s.length < v.minLength) return { error: `“${label}”不能少于 ${v.minLength} 个字符` };
      if (v.maxLength !== undefined && s.length > v.maxLength) return { error: `“${label}”不能超过 ${v.maxLength} 个字符` };
      if (v.pattern && !safeRegex(v.pattern).test(s)) return { error: `“${label}”格式不正确` };
      if (v.validationType === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) return { error: `“${label}”不是有效的电子邮箱` };
      if (v.validationType === 'creditCode' && creditCodeProblem(s)) return { error: `“${label}”：${creditCodeProblem(s)}` };
      if (v.validationType === 'idNumber' && idNumberProblem(s)) return { error: `“${label}”：${idNumberProblem(s)}` };
      if (v.validationType === 'phone' && !/^\+?[0-9][0-9 -]{5,19}$/.test(s)) return { error: `“${label}”不是有效的电话号码` };
      return { value: s };
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return { error: `“${label}”应为数字` };
      if (v.min !== undefined && n < v.min) return { error: `“${label}”不能小于 ${v.min}` };
      if (v.max !== undefined && n > v.max) return { error: `“${label}”不能大于 ${v.max}` };
      if (c.decimalDigits === 0 && !Number.isInteger(n)) return { error: `“${label}”应为整数` };
      return { value: n };
    }
    case 'checkbox':
      if (typeof raw !== 'boolean') return { error: `“${label}”应为是/否` };
      return { value: raw };
    case 'radio':
    case 'select': {
      const options = optionValues(c, scope);
      if (options && !options.some((o) => o === raw)) return { error: `“${label}”不是有效的选项` };
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return { error: `“${label}”不是有效的选项` };
      return { value: raw };
    }
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(raw)) return { error: `“${label}”应为列表` };
      const options = optionValues(c, scope);
      if (options && raw.some((x) => !options.includes(x))) return { error: `“${label}”含有无效的选项` };
      return { value: raw };
    }
    case 'datetime': {
      if (typeof raw !== 'string') return { error: `“${label}”应为日期/时间` };
      const ok =
        c.subtype === 'time'
          ? /^\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?$/.test(raw)
          : c.subtype === 'datetime'
            ? !Number.isNaN(Date.parse(raw)) && /^\d{4}-\d{2}-\d{2}T/.test(raw)
            : /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(raw));
      if (!ok) return { error: `“${label}”不是有效的日期/时间` };
      return { value: raw };
    }
    case 'filepicker': {
      // Files are uploaded first (POST /api/attachments); the field holds what the upload answered.
      const list = Array.isArray(raw) ? raw : [raw];
      if (!list.every(isAttachmentRef)) return { error: `“${label}”应为已上传的附件` };
      if (c.multiple !== true && c.multiple !== 'true' && list.length > 1) return { error: `“${label}”只能上传一个文件` };
      return { value: list.map((a: any) => ({ id: a.id, name: String(a.name ?? '').slice(0, 200), size: Number(a.size) || 0, sha256: a.sha256 })) };
    }
    default:
      return { value: raw };
  }
}

function optionValues(c: FormComponent, scope: Record<string, unknown>): unknown[] | undefined {
  if (Array.isArray(c.values)) return c.values.map((o) => o.value);
  if (c.valuesKey) {
    // No list, no valid choice: the browser shows no options either.
    const list = scope[c.valuesKey];
    return Array.isArray(list) ? list.map((o: any) => (o && typeof o === 'object' && 'value' in o ? o.value : o)) : [];
  }
  return undefined;
}

const regexCache = new Map<string, RegExp>();
function safeRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      // Unanchored and without flags, exactly as form-js tests it in the browser.
      re = new RegExp(pattern);
    } catch {
      re = /(?!)/;
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/** Problems with a form file itself (deploy-time): every field needs a key, patterns must compile. */
export function checkFormSchema(schema: unknown): string[] {
  const problems: string[] = [];
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return ['表单文件应为 JSON 对象'];
  const comps = (schema as FormSchema).components;
  if (!Array.isArray(comps)) return ['表单缺少 components 数组'];
  const seen = new Set<string>();
  const walk = (list: FormComponent[], where: string) => {
    for (const c of list) {
      if (!c || typeof c !== 'object' || typeof c.type !== 'string') {
        problems.push(`${where}有一个组件缺少 type`);
        continue;
      }
      if (CONTAINER_TYPES.has(c.type)) {
        if (c.type === 'dynamiclist' && !c.path) problems.push(`动态列表“${labelOf(c)}”缺少 path`);
        walk(c.components ?? [], `${where}${labelOf(c)} / `);
        continue;
      }
      if (!INPUT_TYPES.has(c.type)) continue;
      if (!c.key) problems.push(`${where}字段“${labelOf(c)}”缺少 key`);
      else if (where === '' && seen.has(c.key)) problems.push(`字段 key “${c.key}”重复`);
      else seen.add(c.key);
      if (c.validate?.pattern) {
        try {
          new RegExp(c.validate.pattern);
        } catch {
          problems.push(`字段“${labelOf(c)}”的正则表达式无效：${c.validate.pattern}`);
        }
      }
      if (c.conditional?.hide) {
        try {
          compile(c.conditional.hide);
        } catch (err) {
          problems.push(`字段“${labelOf(c)}”的隐藏条件有误：${(err as Error).message}`);
        }
      }
    }
  };
  walk(comps, '');
  return problems;
}

/** The field keys (top level) a form can set, for documentation and the API. */
export function fieldKeys(schema: FormSchema): string[] {
  const keys: string[] = [];
  const walk = (list: FormComponent[]) => {
    for (const c of list) {
      if (CONTAINER_TYPES.has(c.type)) {
        if (c.path) keys.push(c.path);
        else walk(c.components ?? []);
      } else if (INPUT_TYPES.has(c.type) && c.key) keys.push(c.key);
    }
  };
  walk(schema.components ?? []);
  return keys;
}

/** An attachment as `POST /api/attachments` answered it: `{id, name, size, sha256}`. */
function isAttachmentRef(v: unknown): boolean {
  const a = v as Record<string, unknown> | null;
  return Boolean(
    a && typeof a === 'object' && typeof a.id === 'string' && /^[0-9a-f-]{36}$/.test(a.id) && typeof a.sha256 === 'string' && /^[0-9a-f]{64}$/.test(a.sha256),
  );
}
