/**
 * A few DOM helpers instead of a framework: `h()` builds elements, text is always set as text
 * (never as HTML), so values from the server cannot inject markup.
 */

export type Child = Node | string | number | null | undefined | false | Child[];
type Handler = (ev: any) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Handler | Partial<CSSStyleDeclaration>>;

function isAttrs(v: unknown): v is Attrs {
  return typeof v === 'object' && v !== null && !(v instanceof Node) && !Array.isArray(v);
}

/**
 * Creates an element. Usage: `h('button', { class: 'btn', onclick: () => go() }, '提交')`.
 * `on*` keys add listeners, `style` may be an object, `false`/`null` attributes are left out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | Child, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (isAttrs(attrs)) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k === 'class') el.className = String(v);
      else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
      else if (k === 'checked' && 'checked' in el) (el as HTMLInputElement).checked = Boolean(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  } else if (attrs !== undefined) {
    children.unshift(attrs as Child);
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces all children of `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
  cardTables(el);
}

/**
 * Lets the tables inside `root` turn into cards on a phone (styles: `.cards`): each body cell
 * gets its column's heading as `data-label`, shown before the value when the headings are hidden.
 * Tables that lay out their own cards (`data-label` already set) or are marked `.keep-table` stay.
 */
export function cardTables(root: Element): void {
  for (const table of root.querySelectorAll<HTMLTableElement>('table')) {
    if (table.classList.contains('keep-table') || table.classList.contains('cards') || table.querySelector('td[data-label]')) continue;
    const heads = [...(table.tHead?.rows[0]?.cells ?? [])].map((c) => c.textContent?.trim() ?? '');
    if (!heads.length) continue;
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        [...row.cells].forEach((cell, i) => {
          if (heads[i] && cell.tagName === 'TD') cell.dataset.label = heads[i];
        });
      }
    }
    table.classList.add('cards');
  }
}

/** A `<label>` + control pair with a generated id, so every input has its label. */
let idSeq = 0;
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f${++idSeq}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'hint' }, hint) : null);
}

/**
 * A labelled file input in Chinese: the browser's own button says "Choose File" in the OS locale,
 * so the input is visually hidden (still focusable and the target of its labels) behind a
 * 选择文件 button and the chosen file's name.
 * Usage: `form.append(filePicker('交换文件（.json）', h('input', { type: 'file', accept: '.json' })))`.
 */
export function filePicker(label: string, input: HTMLInputElement, hint?: string): HTMLElement {
  const id = input.id || `f${++idSeq}`;
  input.id = id;
  input.classList.add('sr-only');
  const name = h('span', { class: 'file-name' }, '未选择文件');
  const show = () => (name.textContent = input.files?.[0]?.name ?? '未选择文件');
  // Clearing `value` from code fires no event: callers dispatch `change` after clearing it.
  input.addEventListener('change', show);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('div', { class: 'file-picker' }, input, h('label', { for: id, class: 'btn', 'aria-hidden': 'true' }, '选择文件'), name),
    hint ? h('small', { class: 'hint' }, hint) : null,
  );
}

/**
 * Fills a pager: 上一页 / "第 2 / 5 页，共 93 件" / 下一页, or nothing (or just the count) on one page.
 * Usage: `showPager(pager, { page: pageNo, total, size: 20, unit: '件', go: (p) => { pageNo = p; void load(); } })`.
 */
export function showPager(host: HTMLElement, o: { page: number; total: number; size: number; unit: string; go: (page: number) => void; countAlone?: boolean }): void {
  const pages = Math.max(1, Math.ceil(o.total / o.size));
  mount(
    host,
    o.total > o.size
      ? [
          h('button', { type: 'button', class: 'btn btn-small', disabled: o.page <= 1, onclick: () => o.go(o.page - 1) }, '上一页'),
          h('span', { class: 'pager-info' }, `第 ${o.page} / ${pages} 页，共 ${o.total} ${o.unit}`),
          h('button', { type: 'button', class: 'btn btn-small', disabled: o.page >= pages, onclick: () => o.go(o.page + 1) }, '下一页'),
        ]
      : o.countAlone && o.total
        ? h('span', { class: 'pager-info' }, `共 ${o.total} ${o.unit}`)
        : [],
  );
}

/** A short-lived message at the top of the page (role=status, read by screen readers). */
export function toast(message: string, kind: 'ok' | 'error' | 'info' = 'ok'): void {
  let host = document.getElementById('toasts');
  if (!host) {
    host = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(host);
  }
  const t = h('div', { class: `toast toast-${kind}` }, message);
  host.appendChild(t);
  setTimeout(() => t.classList.add('leaving'), 3800);
  setTimeout(() => t.remove(), 4300);
}

/** A confirm dialog with the native `<dialog>`; resolves with the text typed (or 'ok') or null. */
export async function ask(opts: { title: string; message?: string; input?: string; required?: boolean; ok?: string; danger?: boolean }): Promise<string | null> {
  const r = await dialogForm(opts);
  return r === null ? null : opts.input !== undefined ? r.text : 'ok';
}

/**
 * A dialog with a choice (a select) and an optional text; resolves with both, or null if cancelled.
 * Usage: `const r = await choose({ title: '转办', select: { label: '接收人', options } })`.
 */
export function choose(opts: { title: string; message?: string; select: { label: string; options: Array<{ value: string; label: string }> }; input?: string; ok?: string }): Promise<{ value: string; text: string } | null> {
  return dialogForm(opts);
}

function dialogForm(opts: {
  title: string;
  message?: string;
  select?: { label: string; options: Array<{ value: string; label: string }> };
  input?: string;
  required?: boolean;
  ok?: string;
  danger?: boolean;
}): Promise<{ value: string; text: string } | null> {
  return new Promise((resolve) => {
    const select = opts.select ? h('select', { required: true }, h('option', { value: '' }, '请选择'), opts.select.options.map((o) => h('option', { value: o.value }, o.label))) : null;
    const input = opts.input !== undefined ? h('textarea', { rows: 3, required: opts.required ?? false }) : null;
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-title' });
    const close = (value: { value: string; text: string } | null) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const form = h(
      'form',
      {
        method: 'dialog',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          for (const [el, needed] of [[select, true], [input, opts.required]] as const) {
            if (el && needed && !el.value.trim()) {
              el.focus();
              el.setAttribute('aria-invalid', 'true');
              return;
            }
          }
          close({ value: select?.value ?? '', text: input ? input.value.trim() : '' });
        },
      },
      h('h2', { id: 'dlg-title' }, opts.title),
      opts.message ? h('p', opts.message) : null,
      select ? field(opts.select!.label, select) : null,
      input ? field(opts.input!, input) : null,
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => close(null) }, '取消'),
        h('button', { type: 'submit', class: opts.danger ? 'btn btn-danger' : 'btn btn-primary' }, opts.ok ?? '确定'),
      ),
    );
    dialog.appendChild(form);
    dialog.addEventListener('cancel', () => close(null));
    document.body.appendChild(dialog);
    dialog.showModal();
    (select ?? input ?? form.querySelector<HTMLButtonElement>('button[type=submit]'))?.focus();
  });
}

/** Debounces calls to `fn` by `ms`. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A loading placeholder. */
export function loading(text = '正在加载…'): HTMLElement {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

/** An empty-state box. */
/**
 * An empty list that says what to do next: `empty('暂无待办任务。', '新任务到达时会出现在这里。', {href: '/start', label: '发起申请'})`.
 */
export function empty(text: string, next?: string, action?: { href: string; label: string }): HTMLElement {
  return h(
    'div',
    { class: 'empty-state' },
    h('p', { class: 'empty-text' }, text),
    next ? h('p', { class: 'empty-next' }, next) : null,
    action ? h('a', { class: 'btn btn-small', href: action.href }, action.label) : null,
  );
}
