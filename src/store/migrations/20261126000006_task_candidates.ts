import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Who may claim a task: one row per candidate group or user, so that "tasks I may claim" is an
  // index lookup rather than a scan of comma lists.
  await knex.schema.createTable('task_candidates', (t) => {
    t.string('task_id', 36).notNullable().references('id').inTable('tasks');
    t.string('kind', 5).notNullable(); // group | user
    t.string('name', 100).notNullable();
    t.primary(['task_id', 'kind', 'name']);
    t.index(['kind', 'name', 'task_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_candidates');
}
