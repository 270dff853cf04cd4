import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Signed-in sessions. Only the SHA-256 of the random token is stored, so a copy of the table
  // does not let anyone sign in. A session ends after 30 minutes without a request.
  await knex.schema.createTable('sessions', (t) => {
    t.string('id', 64).primary(); // hex SHA-256 of the token
    t.string('user_id', 60).notNullable().references('id').inTable('users');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('last_seen_at').notNullable();
    t.bigInteger('ended_at'); // logout, password change elsewhere, lockout
    t.string('ip', 64);
    t.string('user_agent', 300);
    t.index(['user_id', 'ended_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
