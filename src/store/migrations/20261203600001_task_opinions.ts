import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// Opinions belong to steps (issue 13, item 1): a completed task keeps its submitted values (the
// `variables` column, since the first migration), and now also the handler's unit at that moment
// and, for a substitute (委托), whom they acted for ("代 X 办理"). Existing completions get the
// handler's present unit, the best that is known.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.string('completed_unit_id', 60);
    t.string('on_behalf_of', 100);
  });
  await knex('tasks')
    .where({ status: 'completed' })
    .whereNotNull('completed_by')
    .update({ completed_unit_id: knex('users').select('unit_id').where('users.id', knex.ref('tasks.completed_by')) });
}

export async function down(knex: Knex): Promise<void> {
  await dropColumns(knex, 'tasks', ['completed_unit_id', 'on_behalf_of']);
}
