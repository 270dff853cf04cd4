import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Entries in a person's or unit's annual appraisal (年度考核, Art. 4 and 13).
  await knex.schema.createTable('appraisal_records', (t) => {
    t.string('id', 36).primary();
    t.integer('year').notNullable();
    t.string('subject_kind', 10).notNullable(); // person | unit
    t.string('user_id', 60);
    t.string('unit_id', 60);
    t.string('kind', 30).notNullable(); // accountability
    t.integer('category'); // Art. 13 (1)–(5)
    t.string('outcome', 40).notNullable();
    t.integer('deduction').notNullable().defaultTo(0); // appraisal points deducted
    t.boolean('serious').notNullable().defaultTo(false);
    t.text('facts').notNullable();
    t.text('decision').notNullable();
    t.text('measures'); // for serious cases: how they were handled
    t.text('approvals'); // JSON: [{step, name, by, at, comment}]
    t.string('case_id', 36);
    t.string('instance_id', 36);
    t.bigInteger('entered_at').notNullable();
    t.index(['user_id', 'year']);
    t.index(['unit_id', 'year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('appraisal_records');
}
