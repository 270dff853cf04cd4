import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('forms', (t) => {
    t.string('id', 150).primary(); // `${key}:${version}`
    t.string('key', 120).notNullable();
    t.integer('version').notNullable();
    t.text('schema').notNullable(); // form-js JSON
    t.string('hash', 64).notNullable();
    t.string('deployment_id', 36).notNullable().references('id').inTable('deployments');
    t.bigInteger('deployed_at').notNullable();
    t.string('deployed_by', 100).notNullable();
    t.unique(['key', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('forms');
}
