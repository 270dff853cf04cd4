import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // District power operations as last reported; re-reporting an unchanged operation changes nothing.
  await knex.schema.createTable('district_operations', (t) => {
    t.string('district_id', 60).notNullable();
    t.string('operation_id', 100).notNullable();
    t.string('item_code', 60);
    t.string('status', 20);
    t.bigInteger('started_at');
    t.bigInteger('ended_at');
    t.string('content_sha256', 64).notNullable();
    t.text('data').notNullable(); // JSON of the operation
    t.string('import_id', 36).notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['district_id', 'operation_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('district_operations');
}
