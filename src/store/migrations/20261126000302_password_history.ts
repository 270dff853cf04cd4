import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The hashes of a user's recent passwords, so that the last five cannot be reused (Art. 11).
  await knex.schema.createTable('password_history', (t) => {
    t.bigIncrements('id').primary();
    t.string('user_id', 60).notNullable().references('id').inTable('users');
    t.string('password_hash', 300).notNullable();
    t.bigInteger('set_at').notNullable();
    t.index(['user_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('password_history');
}
