import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// Case numbers (流水号), subjects and the applicant's name on every instance (issue 13, item 4),
// the yearly counters that hand out the numbers, and the index behind 已办 (tasks I completed).
// Existing instances are numbered by start time, per process and Beijing-time year, with the
// pattern their process declares now (camunda:properties caseNumberPattern) or the default; the
// counters continue after them. Their subject is the start form's first text field, as at start.
// The formatting is a frozen copy of src/engine/case-numbers.ts as of this migration.

const BEIJING = 8 * 3600_000;
const DEFAULT_PATTERN = '{key-prefix}-{yyyy}-{seq:5}';

function format(pattern: string, key: string, seq: number, at: number): string {
  const d = new Date(at + BEIJING);
  const two = (n: number) => String(n).padStart(2, '0');
  return pattern.replace(/\{(yyyy|yy|mm|dd|key-prefix|seq(?::(\d{1,2}))?)\}/g, (_, token: string, width?: string) => {
    if (token === 'yyyy') return String(d.getUTCFullYear());
    if (token === 'yy') return two(d.getUTCFullYear() % 100);
    if (token === 'mm') return two(d.getUTCMonth() + 1);
    if (token === 'dd') return two(d.getUTCDate());
    if (token === 'key-prefix') return key.toUpperCase();
    return String(seq).padStart(Number(width ?? 1), '0');
  });
}

function parse(text: string | null): any {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function firstTextField(schema: any): string | null {
  if (!Array.isArray(schema?.components)) return null;
  for (const c of schema.components) {
    if ((c.type === 'textfield' || c.type === 'textarea') && typeof c.key === 'string') return c.key;
    const inner = firstTextField(c);
    if (inner) return inner;
  }
  return null;
}

/** The start form's first text field of each definition (none start event's form, else the first). */
async function subjectFields(knex: Knex): Promise<Map<string, string | null>> {
  const forms = new Map<string, any>();
  for (const f of await knex('forms').select('key', 'version', 'schema').orderBy('version')) forms.set(f.key, parse(f.schema));
  const out = new Map<string, string | null>();
  for (const d of await knex('process_definitions').select('id', 'bpmn_xml')) {
    const m = /<(?:bpmn2?:)?startEvent\b[^>]*camunda:formKey="([^"]+)"/.exec(d.bpmn_xml);
    const name = m ? m[1].replace(/^camunda-forms:(deployment|app):/, '').split('/').pop()!.replace(/\.(form|json)$/, '') : null;
    out.set(d.id, name ? firstTextField(forms.get(name)) : null);
  }
  return out;
}

async function backfill(knex: Knex): Promise<void> {
  const patterns = new Map<string, string>();
  for (const d of await knex('process_definitions').select('key', 'version', 'properties').orderBy('version')) {
    const declared = String(parse(d.properties)?.caseNumberPattern ?? '').trim();
    patterns.set(d.key, !declared ? DEFAULT_PATTERN : /\{seq(:\d+)?\}/.test(declared) ? declared : `${declared}-{seq:4}`);
  }
  const fields = await subjectFields(knex);
  const names = new Map<string, string>();
  for (const u of await knex('users').select('id', 'display_name')) names.set(u.id, u.display_name);
  const counters = new Map<string, number>();
  const instances = await knex('process_instances').select('id', 'process_key', 'definition_id', 'variables', 'started_by', 'started_at').orderBy('started_at').orderBy('id');
  for (const i of instances) {
    const at = Number(i.started_at);
    const year = new Date(at + BEIJING).getUTCFullYear();
    const counter = `${i.process_key}\u0000${year}`;
    const seq = (counters.get(counter) ?? 0) + 1;
    counters.set(counter, seq);
    const field = fields.get(i.definition_id);
    const value = field ? parse(i.variables)?.[field] : null;
    const subject = typeof value === 'string' && value.trim() ? value.replace(/\s+/g, ' ').trim().slice(0, 200) : null;
    await knex('process_instances')
      .where({ id: i.id })
      .update({ case_number: format(patterns.get(i.process_key) ?? DEFAULT_PATTERN, i.process_key, seq, at), subject, started_by_name: names.get(i.started_by) ?? null });
  }
  for (const [counter, seq] of counters) {
    const [processKey, year] = counter.split('\u0000');
    await knex('case_counters').insert({ process_key: processKey, year: Number(year), seq });
  }
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.string('case_number', 100).nullable();
    t.string('subject', 200).nullable();
    t.string('started_by_name', 100).nullable();
  });
  await knex.schema.createTable('case_counters', (t) => {
    t.string('process_key', 120).notNullable();
    t.integer('year').notNullable();
    t.integer('seq').notNullable();
    t.primary(['process_key', 'year']);
  });
  await backfill(knex);
  await knex.schema.alterTable('process_instances', (t) => {
    t.unique(['process_key', 'case_number'], { indexName: 'process_instances_case_number' });
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['completed_by', 'completed_at', 'id'], 'tasks_completed_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['completed_by', 'completed_at', 'id'], 'tasks_completed_by');
  });
  await knex.schema.alterTable('process_instances', (t) => {
    t.dropUnique(['process_key', 'case_number'], 'process_instances_case_number');
  });
  await knex.schema.dropTable('case_counters');
  await dropColumns(knex, 'process_instances', ['case_number', 'subject', 'started_by_name']);
}
