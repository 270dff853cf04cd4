import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_instances', (t) => {
    t.string('id', 36).primary();
    t.string('definition_id', 150).notNullable().references('id').inTable('process_definitions');
    t.string('process_key', 120).notNullable();
    t.string('business_key', 200);
    t.string('start_event_id', 120).notNullable();
    t.string('status', 20).notNullable(); // running | completed | cancelled
    t.text('state'); // bpmn-engine state without the definition source; null once ended
    t.integer('version').notNullable(); // optimistic lock
    t.text('variables').notNullable(); // JSON: current process variables
    t.string('started_by', 100).notNullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('ended_at');
    t.string('ended_by', 100);
    t.text('end_reason');
    t.index(['status', 'process_key']);
    t.index(['business_key']);
    t.index(['started_by']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('process_instances');
}
