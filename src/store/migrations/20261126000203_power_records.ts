import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Power-operation records staff enter (权力运行记录). Only the data-deletion procedure removes a
  // row, and it keeps a copy in record_archive first.
  await knex.schema.createTable('power_records', (t) => {
    t.string('id', 40).primary(); // e.g. QL-2026-0001
    t.string('item_code', 30).notNullable().references('code').inTable('power_items');
    t.string('unit_id', 60).notNullable().references('id').inTable('units');
    t.string('case_no', 60);
    t.string('party_name', 200).notNullable();
    t.text('summary').notNullable();
    t.string('result', 200);
    t.string('handled_on', 10).notNullable(); // YYYY-MM-DD (Beijing)
    t.string('instance_id', 36);
    t.string('entered_by', 60).notNullable();
    t.bigInteger('entered_at').notNullable();
    t.index(['unit_id', 'handled_on']);
    t.index(['entered_by']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('power_records');
}
