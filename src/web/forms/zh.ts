/**
 * Chinese for @bpmn-io/form-js (viewer and editor) and its date picker.
 *
 * form-js 1.23 has no translation service: its words are literals inside its (preact) components.
 * They are translated where preact creates them, through preact's own `options.vnode` hook: each
 * element's text props (`label`, `title`, `placeholder`, `aria-label`, `description`…) and string
 * children go through `translateForm` before anything reaches the DOM, on the first render and
 * on every re-render alike. The date picker (flatpickr) gets its own `zh` locale, weeks from Monday.
 * Nothing watches or rewrites the DOM afterwards.
 *
 * Usage: `installFormJsChinese()` once before the first `new Form()` / `new FormEditor()`.
 */
import flatpickr from 'flatpickr';
import { FLATPICKR_ZH } from '../date-input.ts';
import { options } from 'preact';
import { translateVnodes } from '../vnode-words.ts';
import { EDITOR_ZH } from './zh-editor.ts';

/** The form viewer's own words (task and start forms). */
export const VIEWER_ZH: Record<string, string> = {
  Select: '下拉选择',
  Search: '搜索',
  'No results': '无匹配项',
  'All values selected': '已全部选择',
  'Add new': '新增一行',
  'Add item': '新增一行',
  'Remove tag': '删除',
  'hh:mm': '时:分',
  'hh:mm --': '时:分',
  'Previous page': '上一页',
  'Next page': '下一页',
  Browse: '选择文件',
  'No files selected': '未选择文件',
  Increment: '增加',
  Decrement: '减少',
  'Clear selection': '清除选择',
  'Date': '日期',
  'Time': '时间',
  Submit: '提交',
  Reset: '重置',
  'Nothing to show.': '暂无内容。',
  'This field is not editable.': '此项不可编辑。',
};

const ALL: Record<string, string> = { ...EDITOR_ZH, ...VIEWER_ZH };

/** Words with a variable part. */
const PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^Remove list item (\d+)$/, (m) => `删除第 ${m[1]} 行`],
  [/^Download (.+)$/, (m) => `下载 ${m[1]}`],
  [/^Remove (.+)$/, (m) => `删除“${translateForm(m[1])}”`],
  [/^List contains (\d+) items?$/, (m) => `共 ${m[1]} 项`],
  [/^Create an? (.+) element$/, (m) => `添加“${translateForm(m[1])}”`],
  [/^(.+) selected$/, (m) => `已选 ${m[1]}`],
  [/^Sort by (.+)$/, (m) => `按 ${m[1]} 排序`],
  // The date placeholder form-js derives from the browser's locale: "yyyy/mm/dd" → "年/月/日".
  [/^[ymd]+([/.\-][ymd]+){2}$/, (m) => m[0].replace(/y+/, '年').replace(/m+/, '月').replace(/d+/, '日')],
];

/** Where the same English word needs another Chinese one (the select's empty choice vs. its palette name). */
const PLACEHOLDER_ZH: Record<string, string> = { Select: '请选择', Search: '搜索' };

/**
 * Chinese for one form-js interface string (shown as `prop`, e.g. 'placeholder'), or the string
 * itself when it is not one of them. Usage: `translateForm('Field label')` → '字段标签'.
 */
export function translateForm(text: string, prop?: string): string {
  const key = text.trim();
  if (!key || !/[A-Za-z]/.test(key)) return text;
  const word = (prop === 'placeholder' ? PLACEHOLDER_ZH[key] : undefined) ?? ALL[key];
  if (word !== undefined) return word;
  for (const [re, fn] of PATTERNS) {
    const m = key.match(re);
    if (m) return fn(m);
  }
  return text;
}

let installed = false;

/**
 * Puts form-js and its date picker into Chinese (idempotent). Only preact elements are touched,
 * and only strings that are form-js's own English (a form's Chinese labels never match).
 */
export function installFormJsChinese(): void {
  if (installed) return;
  installed = true;
  flatpickr.localize(FLATPICKR_ZH as any);
  translateVnodes(options, translateForm);
}
