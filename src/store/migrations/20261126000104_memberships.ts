import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('memberships', (t) => {
    t.string('user_id', 60).notNullable().references('id').inTable('users');
    t.string('group_id', 60).notNullable().references('id').inTable('groups');
    t.bigInteger('granted_at').notNullable();
    t.string('granted_by', 60).notNullable();
    t.primary(['user_id', 'group_id']);
    t.index(['group_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('memberships');
}
