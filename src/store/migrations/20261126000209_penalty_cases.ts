import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Administrative penalty cases run on penalty-case.bpmn, with the catalog version they used.
  await knex.schema.createTable('penalty_cases', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().unique();
    t.string('item_code', 30).notNullable().references('code').inTable('power_items');
    t.integer('item_version').notNullable();
    t.string('party_type', 20).notNullable(); // person | organisation
    t.string('party_name', 200).notNullable();
    t.text('facts').notNullable();
    t.string('status', 20).notNullable(); // registered | filed | decided | closed | not-filed | withdrawn | no-penalty
    t.string('filing_no', 60);
    t.string('tier', 40);
    t.bigInteger('amount_fen');
    t.boolean('major');
    t.string('decision_no', 60);
    t.text('people'); // JSON: who filed, investigated, reviewed, decided
    t.bigInteger('registered_at').notNullable();
    t.bigInteger('decided_at');
    t.bigInteger('closed_at');
    t.index(['item_code', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('penalty_cases');
}
