import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Self-built projects (自建工程, Art. 3): those with a one-time investment of 300,000 CNY or
  // more must run online.
  await knex.schema.createTable('self_built_projects', (t) => {
    t.string('id', 40).primary(); // e.g. ZJ-2026-001
    t.string('name', 200).notNullable();
    t.string('unit_id', 60).notNullable().references('id').inTable('units');
    t.bigInteger('investment_fen').notNullable(); // one-time investment in fen (0.01 CNY), exact
    t.string('location', 200);
    t.string('planned_start', 10); // YYYY-MM-DD
    t.string('stage', 20).notNullable(); // planned | building | completed
    t.boolean('online_required').notNullable();
    t.string('instance_id', 36); // the online run, when there is one
    t.text('note');
    t.string('entered_by', 60).notNullable();
    t.bigInteger('entered_at').notNullable();
    t.index(['unit_id']);
    t.index(['entered_by']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('self_built_projects');
}
