import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// Call activities (issue 11): a child instance names its parent (and the parent's call activity
// execution) and the root of its call tree; the monitor links them both ways.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.string('parent_instance_id', 36);
    t.string('parent_execution_id', 100);
    t.string('root_instance_id', 36);
    t.index(['parent_instance_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.dropIndex(['parent_instance_id']);
  });
  await dropColumns(knex, 'process_instances', ['parent_instance_id', 'parent_execution_id', 'root_instance_id']);
}
