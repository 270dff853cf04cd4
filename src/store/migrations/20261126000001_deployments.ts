import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deployments', (t) => {
    t.string('id', 36).primary();
    t.string('name', 200).notNullable();
    t.string('source', 20).notNullable(); // startup | api | test
    t.bigInteger('deployed_at').notNullable();
    t.string('deployed_by', 100).notNullable();
    t.text('files').notNullable(); // JSON: [{name, kind, key, version, reused}]
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deployments');
}
