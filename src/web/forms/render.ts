/**
 * Renders a form-js schema (the same JSON the server validates) with @bpmn-io/form-js, shows
 * the client-side checks in Chinese, and puts the server's 422 field errors on their fields.
 */
import { Form } from '@bpmn-io/form-js';
import type { FieldError, FormSchema } from '../api.ts';

export interface FormHandle {
  /** The values the form would submit (disabled fields left out). */
  data(): Record<string, unknown>;
  /** Shows the server's errors on their fields; returns the ones that match no field. */
  showErrors(errors: FieldError[]): FieldError[];
  clearErrors(): void;
  /** Replaces the values (offering a draft back). */
  setData(data: Record<string, unknown>): Promise<void>;
  onChange(fn: (data: Record<string, unknown>) => void): void;
  destroy(): void;
  form: Form;
}

/** form-js 1.23 has no translation service; its validation messages are mapped here. */
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

/** form-js's own interface words (it has no translation service). */
export const UI_WORDS: Record<string, string> = {
  Select: '请选择',
  Search: '搜索',
  'No results': '无匹配项',
  'All values selected': '已全部选择',
  'Add new': '新增一行',
  'Remove tag': '删除',
  'hh:mm': '时:分',
  'hh:mm --': '时:分',
  'Previous page': '上一页',
  'Next page': '下一页',
  Browse: '选择文件',
  'No files selected': '未选择文件',
  Increment: '增加',
  Decrement: '减少',
};

/** The form editor's palette and properties panel (form-js 1.23 has no translation service either). */
export const EDITOR_WORDS: Record<string, string> = {
  Components: '组件',
  'Search components': '搜索组件',
  'No components found.': '没有匹配的组件。',
  'Build your form': '设计表单',
  'Drag and drop components here.': '把组件拖到这里。',
  Input: '输入',
  Selection: '选择',
  Presentation: '展示',
  Containers: '容器',
  Action: '操作',
  'Text field': '单行文本',
  'Text area': '多行文本',
  Number: '数字',
  'Date time': '日期时间',
  Expression: '表达式',
  'File picker': '文件上传',
  Checkbox: '复选框',
  'Checkbox group': '多选组',
  'Radio group': '单选组',
  'Tag list': '标签列表',
  'Text view': '文本',
  'Image view': '图片',
  Table: '表格',
  'HTML view': 'HTML',
  'Document preview': '文档预览',
  Spacer: '间距',
  Separator: '分隔线',
  Group: '分组',
  'Dynamic list': '动态列表',
  'iFrame': '内嵌网页',
  Button: '按钮',
  General: '基本信息',
  Label: '标签',
  'Field description': '字段说明',
  Key: '变量名（key）',
  'Default value': '默认值',
  Disabled: '禁用',
  'Read only': '只读',
  Validation: '校验',
  Required: '必填',
  'Minimum length': '最小长度',
  'Maximum length': '最大长度',
  Minimum: '最小值',
  Maximum: '最大值',
  'Validation pattern': '校验格式',
  'Custom regular expression': '自定义正则表达式',
  'Custom error message': '自定义错误提示',
  Condition: '显示条件',
  Layout: '布局',
  Columns: '列宽',
  Auto: '自动',
  Appearance: '外观',
  Prefix: '前缀',
  Suffix: '后缀',
  'Options source': '选项来源',
  'Static options': '固定选项',
  'Dynamic options': '动态选项',
  Value: '值',
  'Custom properties': '自定义属性',
  Serialization: '序列化',
  Constraints: '约束',
  Subtype: '类型',
  'Date label': '日期标签',
  'Time label': '时间标签',
  'Use 24h': '24 小时制',
  'Time format': '时间格式',
  'Time interval': '时间间隔',
  'Disallow past dates': '不允许过去的日期',
  'Decimal digits': '小数位数',
  Increment: '步长',
  Text: '文本',
  Content: '内容',
  Path: '路径（path）',
  'Show outline': '显示边框',
  'Allow add/delete items': '允许增删行',
  'Default number of items': '默认行数',
  Form: '表单',
  Searchable: '可搜索',
  'Version tag': '版本标签',
  Type: '类型',
  ID: '编号（ID）',
};

/** Replaces form-js's English interface words inside `root`, now and whenever it re-renders. */
export function localiseFormUi(root: HTMLElement, words: Record<string, string> = UI_WORDS): MutationObserver {
  const fix = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const t = node.nodeValue?.trim();
      if (t && words[t]) node.nodeValue = node.nodeValue!.replace(t, words[t]);
      return;
    }
    if (!(node instanceof Element)) return;
    for (const attr of ['placeholder', 'aria-label', 'title']) {
      const v = node.getAttribute(attr);
      if (v && words[v]) node.setAttribute(attr, words[v]);
    }
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) fix(n);
      else for (const attr of ['placeholder', 'aria-label', 'title']) {
        const v = (n as Element).getAttribute(attr);
        if (v && words[v]) (n as Element).setAttribute(attr, words[v]);
      }
    }
  };
  fix(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') fix(r.target);
      else if (r.type === 'attributes') fix(r.target);
      else r.addedNodes.forEach(fix);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['placeholder', 'aria-label', 'title'] });
  return observer;
}

interface Target {
  id: string;
  index?: number;
}

/** Maps the server's field paths (`key`, `group.key`, `list[0].key`) to form-js field ids. */
function fieldTargets(components: Array<Record<string, any>>, prefix = '', out = new Map<string, Target>(), list?: string): Map<string, Target> {
  for (const c of components) {
    if (c.type === 'dynamiclist' && c.path) {
      out.set(prefix + c.path, { id: c.id });
      fieldTargets(c.components ?? [], '', out, prefix + c.path);
      continue;
    }
    if (c.type === 'group') {
      fieldTargets(c.components ?? [], c.path ? `${prefix}${c.path}.` : prefix, out, list);
      continue;
    }
    if (!c.key || !c.id) continue;
    if (list) out.set(`${list}[]${prefix}${c.key}`, { id: c.id });
    else out.set(prefix + c.key, { id: c.id });
  }
  return out;
}

function locate(targets: Map<string, Target>, field: string): Target | undefined {
  const direct = targets.get(field);
  if (direct) return direct;
  const m = field.match(/^(.*)\[(\d+)\]\.(.+)$/);
  if (m) {
    const t = targets.get(`${m[1]}[]${m[3]}`);
    if (t) return { id: t.id, index: Number(m[2]) };
  }
  return undefined;
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
  const form = new Form({ container, debounce: false } as any);
  const observer = localiseFormUi(container);
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
      (form as any)._setState({ errors: state });
      // After form-js has re-rendered: take the user to the first field in error.
      setTimeout(() => {
        const first = container.querySelector<HTMLElement>('.fjs-has-errors input:not([type=hidden]), .fjs-has-errors textarea, .fjs-has-errors [tabindex="0"]');
        first?.focus();
        first?.closest('.fjs-form-field')?.scrollIntoView({ block: 'center' });
      }, 50);
      return unmatched;
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
      observer.disconnect();
      form.destroy();
    },
  };
}
