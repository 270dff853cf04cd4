import type { FormComponent, FormSchema } from './validate.ts';

/** The form-js component types that take input. */
export const INPUTS = new Set(['textfield', 'textarea', 'number', 'checkbox', 'checklist', 'radio', 'select', 'taglist', 'datetime', 'filepicker']);

/**
 * The editable input fields of a form-js schema (groups walked), in order.
 * Usage: `const fields = editableFields(form.schema)`.
 */
export function editableFields(schema: unknown): FormComponent[] {
  const out: FormComponent[] = [];
  const walk = (list: FormComponent[] | undefined) => {
    for (const c of list ?? []) {
      if (c.components && !c.path) walk(c.components);
      if (c.key && INPUTS.has(c.type) && c.readonly !== true && c.disabled !== true) out.push(c);
    }
  };
  walk((schema as FormSchema | null)?.components);
  return out;
}

