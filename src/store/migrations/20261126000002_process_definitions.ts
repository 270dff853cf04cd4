import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_definitions', (t) => {
    t.string('id', 150).primary(); // `${key}:${version}`
    t.string('key', 120).notNullable();
    t.integer('version').notNullable();
    t.string('name', 200);
    t.text('bpmn_xml').notNullable();
    t.string('hash', 64).notNullable();
    t.string('deployment_id', 36).notNullable().references('id').inTable('deployments');
    t.string('resource_name', 200).notNullable();
    t.bigInteger('deployed_at').notNullable();
    t.string('deployed_by', 100).notNullable();
    t.text('starter_groups'); // JSON array, null = anyone may start
    t.text('starter_users'); // JSON array
    t.text('properties'); // JSON object of camunda:properties on the process
    t.unique(['key', 'version']);
    t.index(['hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('process_definitions');
}
