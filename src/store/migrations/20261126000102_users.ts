import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.string('id', 60).primary(); // the sign-in name, stable: tasks and history name users by it
    t.string('display_name', 100).notNullable();
    t.string('unit_id', 60).references('id').inTable('units');
    t.string('title', 100);
    t.string('phone', 40);
    t.string('status', 20).notNullable(); // active | disabled
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['unit_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
