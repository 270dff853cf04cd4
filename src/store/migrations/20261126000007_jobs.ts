import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jobs', (t) => {
    t.string('id', 36).primary();
    t.string('type', 20).notNullable(); // timer | service | timer-start
    t.string('instance_id', 36);
    t.string('definition_id', 150);
    t.string('execution_id', 100);
    t.string('element_id', 120).notNullable();
    t.bigInteger('due_at'); // null = suspended (incident open)
    t.string('locked_by', 100);
    t.bigInteger('locked_until');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('retries').notNullable(); // retries left before an incident
    t.string('retry_cycle', 100); // ISO repeating interval, e.g. R3/PT10S
    t.text('last_error');
    t.text('payload'); // JSON
    t.bigInteger('created_at').notNullable();
    t.unique(['instance_id', 'execution_id', 'type']);
    t.index(['due_at']);
    t.index(['definition_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('jobs');
}
