import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Accountability cases (Art. 13), opened by supervision or by the platform.
  await knex.schema.createTable('accountability_cases', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().unique();
    t.string('source', 40).notNullable(); // manual | fault-report | …
    t.string('source_ref', 100); // e.g. the fault report's id
    t.integer('category').notNullable(); // Art. 13 (1)–(5)
    t.string('subject_kind', 10).notNullable(); // person | unit
    t.string('user_id', 60);
    t.string('unit_id', 60);
    t.text('facts').notNullable();
    t.string('status', 20).notNullable(); // open | decided | dismissed
    t.text('opinion');
    t.string('outcome', 40);
    t.boolean('serious').notNullable().defaultTo(false);
    t.string('opened_by', 60).notNullable();
    t.bigInteger('opened_at').notNullable();
    t.bigInteger('closed_at');
    t.index(['status']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('accountability_cases');
}
