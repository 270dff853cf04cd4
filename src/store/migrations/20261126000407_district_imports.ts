import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('district_imports', (t) => {
    t.string('id', 36).primary();
    t.string('district_id', 60).notNullable();
    t.string('file_sha256', 64).notNullable().unique(); // the same file twice is one import
    t.string('key_id', 100).notNullable();
    t.string('period_from', 10).notNullable();
    t.string('period_to', 10).notNullable();
    t.integer('operations').notNullable();
    t.integer('inserted').notNullable();
    t.integer('updated').notNullable();
    t.string('imported_by', 60).notNullable();
    t.bigInteger('imported_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('district_imports');
}
