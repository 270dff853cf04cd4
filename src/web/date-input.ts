/**
 * Date inputs in Chinese on every browser: flatpickr (the date picker form-js already uses) with
 * its `zh` locale, weeks from Monday, instead of `<input type="date">`, whose calendar and
 * placeholder follow the browser's own language. The input's value stays `YYYY-MM-DD`, so code
 * reading `.value` is unchanged; typing a date is allowed. The picker's styles come with the
 * `forms` stylesheet, loaded on first use.
 *
 * Usage: `const from = dateInput({ id: 'period-from', value: '2026-12-01' }); setDateValue(from, '2026-11-01')`.
 */
import flatpickr from 'flatpickr';
import { Mandarin } from 'flatpickr/dist/l10n/zh.js';
import { h } from './dom.ts';
import { loadStyles } from './styles.ts';

/** flatpickr's Chinese locale as the platform uses it everywhere (form-js's date fields too). */
export const FLATPICKR_ZH = { ...Mandarin, firstDayOfWeek: 1, yearAriaLabel: '选择年份', monthAriaLabel: '选择月份', hourAriaLabel: '时', minuteAriaLabel: '分', amPM: ['上午', '下午'] } as const;

type Picker = { setDate(date: string, triggerChange?: boolean): void; clear(): void; selectedDates: Date[]; formatDate(d: Date, format: string): string };

/** A text input with a Chinese date picker; attributes as for `h('input', …)`. */
export function dateInput(attrs: Record<string, string | boolean | undefined> = {}): HTMLInputElement {
  const input = h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', placeholder: '年-月-日', pattern: '\\d{4}-\\d{2}-\\d{2}', title: '日期，如 2026-12-01', ...attrs });
  void loadStyles('forms').catch(() => undefined);
  const picker = flatpickr(input, { locale: FLATPICKR_ZH as any, dateFormat: 'Y-m-d', allowInput: true, disableMobile: true, ariaDateFormat: 'Y年n月j日' }) as unknown as Picker;
  // A date typed (or pasted) in full applies at once, as with a native date input: the picker
  // takes it and the input fires `change`, without waiting for the field to lose focus.
  // flatpickr fires `input` itself when it sets the value: only a date it does not hold yet is taken.
  input.addEventListener('input', () => {
    const v = input.value.trim();
    const held = picker.selectedDates[0] ? picker.formatDate(picker.selectedDates[0], 'Y-m-d') : '';
    if (v === held) return;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v))) picker.setDate(v, true);
    else if (v === '') picker.clear();
  });
  return input;
}

/** Sets a date input's value (and its picker's selection); `''` clears it. */
export function setDateValue(input: HTMLInputElement, value: string): void {
  const picker = (input as HTMLInputElement & { _flatpickr?: Picker })._flatpickr;
  if (!picker) {
    input.value = value;
    return;
  }
  if (value) picker.setDate(value, false);
  else picker.clear();
}
