import type { Knex } from 'knex';
import { fromJson } from './json.ts';

/** A completed task as its opinion block shows it: who, which unit, what they submitted, when. */
export interface CompletedStepRow {
  taskId: string;
  elementId: string;
  name: string | null;
  formKey: string | null;
  by: string;
  byName: string | null;
  unitId: string | null;
  unitName: string | null;
  onBehalfOf: string | null;
  onBehalfOfName: string | null;
  at: number;
  variables: Record<string, unknown>;
}

/** The completed tasks of an instance in completion order, with their handlers' names and units. */
export async function completedStepsOf(db: Knex, instanceId: string): Promise<CompletedStepRow[]> {
  const rows = await db('tasks as t')
    .leftJoin('users as u', 'u.id', 't.completed_by')
    .leftJoin('units as n', 'n.id', 't.completed_unit_id')
    .leftJoin('users as b', 'b.id', 't.on_behalf_of')
    .select('t.id', 't.element_id', 't.name', 't.form_key', 't.completed_by', 't.completed_at', 't.variables', 't.completed_unit_id', 't.on_behalf_of')
    .select({ by_name: 'u.display_name', unit_name: 'n.name', behalf_name: 'b.display_name' })
    .where({ 't.instance_id': instanceId, 't.status': 'completed' })
    .orderBy('t.completed_at')
    .orderBy('t.created_at')
    .orderBy('t.id');
  return rows.map((r: any) => ({
    taskId: r.id,
    elementId: r.element_id,
    name: r.name,
    formKey: r.form_key,
    by: r.completed_by,
    byName: r.by_name ?? null,
    unitId: r.completed_unit_id ?? null,
    unitName: r.unit_name ?? null,
    onBehalfOf: r.on_behalf_of ?? null,
    onBehalfOfName: r.behalf_name ?? null,
    at: Number(r.completed_at),
    variables: fromJson(r.variables, {}) ?? {},
  }));
}
