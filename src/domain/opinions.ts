import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { listAuditRows } from '../store/audit.ts';
import type { EngineService } from '../engine/service.ts';
import type { CaseEvent } from './case-notices.ts';
import type { FormComponent, FormSchema } from '../forms/validate.ts';
import { editableFields, INPUTS } from '../forms/fields.ts';
import { latestForm } from '../store/definitions.ts';
import type { InstanceRow } from '../store/instances.ts';
import { completedStepsOf, type CompletedStepRow } from '../store/opinions.ts';
import type { TaskRow } from '../store/tasks.ts';

/**
 * Opinions belong to steps (issue 13, items 1 and 2): each completed task keeps what its handler
 * submitted; a task's form is filled only with the case's content, never with another step's
 * opinion; the case's content (the start form) is shown read-only to those who act and to the
 * applicant.
 */


/** The case's content: the start form's schema and the values its fields hold now. */
export interface CaseContent {
  formKey: string;
  schema: unknown;
  values: Record<string, unknown>;
}

/** One step's opinion (审批意见): who, in which unit, what they decided and said, when. */
export interface StepOpinion {
  taskId: string;
  elementId: string;
  name: string | null;
  by: string;
  byName: string | null;
  unitId: string | null;
  unitName: string | null;
  /** A substitute (委托) acted for this person: "代 X 办理". */
  onBehalfOf: string | null;
  onBehalfOfName: string | null;
  decision: unknown;
  decisionLabel: string | null;
  comment: string | null;
  at: number;
  /** Every field the step submitted, labelled as its form labels it. */
  fields: Array<{ key: string; label: string; value: unknown; text: string }>;
}

export { editableFields };

/** The input field keys of a form (read-only ones included): the case's content keys for a start form. */
export function inputKeys(schema: unknown): Set<string> {
  const keys = new Set<string>();
  const walk = (list: FormComponent[] | undefined) => {
    for (const c of list ?? []) {
      if (c.components) walk(c.components);
      if (c.key && INPUTS.has(c.type)) keys.add(c.key);
      if (c.path && c.type === 'dynamiclist') keys.add(c.path);
    }
  };
  walk((schema as FormSchema | null)?.components);
  return keys;
}

/**
 * The values an open task's form starts from: what the form names, minus its editable fields
 * unless they hold the case's content (the applicant revising their request). A reviewer's
 * decision and comment therefore start empty, whatever an earlier step decided. Pure.
 * Usage: `formStartValues(form.schema, named, contentKeys)`.
 */
export function formStartValues(schema: unknown, named: Record<string, unknown>, contentKeys: Set<string>): Record<string, unknown> {
  const out = { ...named };
  for (const f of editableFields(schema)) if (!contentKeys.has(f.key!)) delete out[f.key!];
  return out;
}

/**
 * The start form and the values of its fields in the instance now; null when the case was
 * started without a form.
 * Usage: `const content = await caseContentOf(db, engine, instance)`.
 */
export async function caseContentOf(db: Knex, engine: EngineService, instance: InstanceRow): Promise<CaseContent | null> {
  const def = await engine.definitions.byId(instance.definitionId);
  const formKey = def.model.startEvents.find((s) => s.id === instance.startEventId)?.formKey;
  if (!formKey) return null;
  const form = await latestForm(db, formKey);
  if (!form) return null;
  const values: Record<string, unknown> = {};
  for (const k of inputKeys(form.schema)) if (k in instance.variables) values[k] = instance.variables[k];
  return { formKey, schema: form.schema, values };
}

const COMMENT_KEY = /comment|opinion|note|reason/i;

/** How a value reads: the option's label for a choice, 是/否 for a checkbox, names of files. */
function textOf(field: FormComponent | undefined, value: unknown): string {
  if (value === null || value === undefined) return '';
  const option = field?.values?.find((o) => o.value === value);
  if (option) return option.label;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.map((v) => (v && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : textOf(field, v))).join('、');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Every completed step of a case with its own opinion, in the order they were given.
 * Usage: `const opinions = await opinionsOf(db, instance.id)`.
 */
export async function opinionsOf(db: Knex, instanceId: string): Promise<StepOpinion[]> {
  const steps = await completedStepsOf(db, instanceId);
  const forms = new Map<string, unknown>();
  for (const key of new Set(steps.map((s) => s.formKey).filter((k): k is string => Boolean(k)))) forms.set(key, (await latestForm(db, key))?.schema ?? null);
  return steps.map((s) => opinionOf(s, s.formKey ? forms.get(s.formKey) : null));
}

/** One step's opinion: its decision (the choice field) and comment as the step's form labels them. */
function opinionOf(s: CompletedStepRow, schema: unknown): StepOpinion {
  const fields = schema ? editableFields(schema) : [];
  const byKey = new Map(fields.map((f) => [f.key!, f]));
  const choice = fields.find((f) => (f.type === 'radio' || f.type === 'select') && f.key! in s.variables);
  const texts = fields.filter((f) => (f.type === 'textarea' || f.type === 'textfield') && typeof s.variables[f.key!] === 'string');
  const commentField = texts.find((f) => COMMENT_KEY.test(f.key!)) ?? texts.find((f) => f.type === 'textarea');
  return {
    taskId: s.taskId,
    elementId: s.elementId,
    name: s.name,
    by: s.by,
    byName: s.byName,
    unitId: s.unitId,
    unitName: s.unitName,
    onBehalfOf: s.onBehalfOf,
    onBehalfOfName: s.onBehalfOfName,
    decision: choice ? s.variables[choice.key!] : null,
    decisionLabel: choice ? textOf(choice, s.variables[choice.key!]) : null,
    comment: commentField ? String(s.variables[commentField.key!]) : null,
    at: s.at,
    fields: Object.entries(s.variables).map(([key, value]) => ({ key, label: byKey.get(key)?.label ?? key, value, text: textOf(byKey.get(key), value) })),
  };
}

/**
 * How the applicant is told of a completed step: `分管局领导审批：同意` with the comment, from the
 * task as the step completed it and its form (no reads beyond the cached form).
 * Usage: `const event = await decisionEvent((key) => engine.definitions.latestForm(key), result.completed, person.id)`.
 */
export async function decisionEvent(forms: (key: string) => Promise<{ schema: unknown } | undefined>, task: TaskRow, actor: string): Promise<CaseEvent> {
  const schema = task.formKey ? (await forms(task.formKey))?.schema : null;
  const none = { byName: null, unitId: null, unitName: null, onBehalfOf: null, onBehalfOfName: null };
  const o = opinionOf({ taskId: task.id, elementId: task.elementId, name: task.name, formKey: task.formKey, by: actor, at: task.completedAt ?? 0, variables: task.variables ?? {}, ...none }, schema);
  const step = o.name ?? '办理环节';
  return { kind: 'case.decision', actor, taskId: task.id, headline: `${step}：${o.decisionLabel ?? '已办理'}`, text: o.comment ?? null };
}

/**
 * The 审批单's verification code: SHA-256 over the case's audit rows' own hashes in sequence
 * order, so supervision can recompute it from the audit trail (GET /api/audit?instance=…).
 * Usage: `const { code, rows } = await verificationCode(db, instanceId)`.
 */
export async function verificationCode(db: Knex, instanceId: string): Promise<{ code: string; rows: number }> {
  const { rows } = await listAuditRows(db, { instanceId, limit: 100000, offset: 0 });
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  const hash = createHash('sha256');
  for (const r of sorted) hash.update(`${r.seq}:${r.hash}\n`);
  return { code: hash.digest('hex'), rows: sorted.length };
}

/**
 * The case's content as its form labels it, in form order: `[{key, label, text}]` (choices read
 * as their labels, files by name). For documents such as the 审批单 PDF.
 * Usage: `contentFields(content.schema, content.values)`.
 */
export function contentFields(schema: unknown, values: Record<string, unknown>): Array<{ key: string; label: string; text: string }> {
  const out: Array<{ key: string; label: string; text: string }> = [];
  const walk = (list: FormComponent[] | undefined) => {
    for (const c of list ?? []) {
      if (c.components) walk(c.components);
      if (c.key && INPUTS.has(c.type) && c.key in values) out.push({ key: c.key, label: c.label || c.key, text: textOf(c, values[c.key]) });
    }
  };
  walk((schema as FormSchema | null)?.components);
  return out;
}
