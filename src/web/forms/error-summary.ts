/**
 * The error summary at the top of a form after the server refused it (422): a heading, one link
 * per field error ("故障现象：此项为必填项") that takes the user to the field, and the errors that
 * match no field. It takes focus when shown (so screen readers read it and no select opens by
 * itself), and each entry goes away once its field is changed; when none is left, the summary goes.
 * Usage: `const summary = errorSummary(); card.prepend(summary.el); summary.show(msg, handle.errorLinks(errs), rest, handle.data())`.
 */
import type { FieldError } from '../api.ts';
import { h, mount } from '../dom.ts';
import type { ErrorLink } from './render.ts';

export interface ErrorSummary {
  el: HTMLElement;
  /** Shows the errors of the submission `data` (the values the server refused). */
  show(title: string, links: ErrorLink[], other: FieldError[], data: Record<string, unknown>): void;
  /** Drops the entries whose field has changed since `show` (pass the form's current data). */
  update(data: Record<string, unknown>): void;
  clear(): void;
}

/** The top-level variable a server field path belongs to: `rows[0].what` → `rows`. */
function rootOf(field: string): string {
  return field.split(/[.[]/)[0];
}

export function errorSummary(): ErrorSummary {
  const el = h('div', { class: 'error-summary', role: 'alert', tabindex: -1, hidden: true, 'aria-labelledby': 'error-summary-title' });
  let entries: Array<{ link: ErrorLink; li: HTMLElement }> = [];
  let submitted: Record<string, string> = {};
  const clear = () => {
    entries = [];
    el.hidden = true;
    el.replaceChildren();
  };
  return {
    el,
    show(title, links, other, data) {
      submitted = Object.fromEntries(links.map((l) => [rootOf(l.field), JSON.stringify(data[rootOf(l.field)] ?? null)]));
      entries = links.map((link) => ({
        link,
        li: h('li', h('a', { href: `#${link.field}`, onclick: (ev: Event) => { ev.preventDefault(); link.focus(); } }, link.message.includes(`“${link.label}”`) ? link.message : `${link.label}：${link.message}`)),
      }));
      mount(
        el,
        h('h2', { id: 'error-summary-title' }, title),
        h('ul', entries.map((e) => e.li), other.map((e) => h('li', e.message))),
      );
      el.hidden = false;
      el.focus({ preventScroll: true });
      // After form-js has re-rendered the fields in error: the summary's top just below the sticky header.
      requestAnimationFrame(() => {
        const bar = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
        window.scrollBy({ top: el.getBoundingClientRect().top - bar - 12 });
      });
    },
    update(data) {
      if (el.hidden || !entries.length) return;
      for (const e of [...entries]) {
        const key = rootOf(e.link.field);
        if (JSON.stringify(data[key] ?? null) !== submitted[key]) {
          e.li.remove();
          entries = entries.filter((x) => x !== e);
        }
      }
      if (!entries.length && !el.querySelector('li')) clear();
    },
    clear() {
      submitted = {};
      clear();
    },
  };
}
