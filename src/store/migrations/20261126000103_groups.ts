import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Groups (roles). Their ids are the candidate groups written in BPMN files.
  await knex.schema.createTable('groups', (t) => {
    t.string('id', 60).primary();
    t.string('name', 100).notNullable();
    t.text('description');
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('groups');
}
