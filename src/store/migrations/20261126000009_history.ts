import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Append-only: rows are inserted, never updated or deleted.
  await knex.schema.createTable('history', (t) => {
    t.bigIncrements('id').primary();
    t.string('instance_id', 36).notNullable();
    t.string('type', 30).notNullable(); // process.start | activity.start | activity.end | task.* | variable | …
    t.string('element_id', 120);
    t.string('element_type', 60);
    t.string('element_name', 200);
    t.string('execution_id', 100);
    t.string('task_id', 36);
    t.string('actor', 100);
    t.bigInteger('at').notNullable();
    t.text('data'); // JSON
    t.index(['instance_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('history');
}
