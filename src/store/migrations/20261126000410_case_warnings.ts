import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Warning level of each power-item case against its promised time limit, and whether the
  // platform has already opened an accountability review for it (Art. 13 (2)).
  await knex.schema.createTable('case_warnings', (t) => {
    t.string('instance_id', 36).primary();
    t.string('item_code', 30).notNullable();
    t.string('level', 10).notNullable(); // yellow | red
    t.bigInteger('due_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('accountability_queued_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('case_warnings');
}
