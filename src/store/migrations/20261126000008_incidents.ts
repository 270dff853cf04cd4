import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('incidents', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36);
    t.string('job_id', 36);
    t.string('element_id', 120);
    t.string('type', 30).notNullable(); // failedJob
    t.text('message').notNullable();
    t.string('status', 20).notNullable(); // open | resolved
    t.bigInteger('created_at').notNullable();
    t.bigInteger('resolved_at');
    t.string('resolved_by', 100);
    t.index(['status']);
    t.index(['instance_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('incidents');
}
