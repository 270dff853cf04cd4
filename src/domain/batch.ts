import type { Knex } from 'knex';
import type { FormComponent } from '../forms/validate.ts';
import { latestForm } from '../store/definitions.ts';
import { editableFields } from '../forms/fields.ts';

/**
 * 批量审批 (issue 13, item 7): which task forms ask only for a decision and a comment. The server
 * decides; the inbox shows each open row's `batchable` and the decisions it offers, and
 * POST /api/tasks/batch-complete checks again, per task, before completing it.
 */

/** A form fit for 批量审批: one choice (radio or select) and at most one text field, nothing else. */
export interface SimpleForm {
  choice: FormComponent;
  text: FormComponent | null;
}

/** The decision and comment fields of a simple form, or null when it asks for anything more. */
export function simpleForm(schema: unknown): SimpleForm | null {
  const fields = editableFields(schema);
  const choice = fields.find((f) => f.type === 'radio' || f.type === 'select');
  const text = fields.find((f) => f.type === 'textarea' || f.type === 'textfield') ?? null;
  if (!choice || !choice.values?.length || fields.some((f) => f !== choice && f !== text)) return null;
  return { choice, text };
}

/** One decision a batch may record: its stored value and the form's label. */
export interface BatchDecision {
  value: string;
  label: string;
}

/**
 * The decisions each form offers to 批量审批 ([] when the form needs its own page), by form key,
 * reading each form once. Usage: `const byForm = await batchDecisionsOf(db, tasks.map((t) => t.formKey))`.
 */
export async function batchDecisionsOf(db: Knex, formKeys: Array<string | null>): Promise<Map<string, BatchDecision[]>> {
  const out = new Map<string, BatchDecision[]>();
  for (const key of new Set(formKeys.filter((k): k is string => Boolean(k)))) {
    const simple = simpleForm((await latestForm(db, key))?.schema ?? null);
    out.set(key, simple ? (simple.choice.values ?? []).map((o) => ({ value: String(o.value), label: String(o.label ?? o.value) })) : []);
  }
  return out;
}
