import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Failed sign-ins per user name as typed (lower-cased), known or not (issue 10, findings 4–5):
  // counted with one atomic upsert, so parallel attempts cannot read a stale count, and kept for
  // unknown names too, so a name that exists answers exactly like one that does not.
  // The older users.failed_logins / users.locked_until columns are no longer read.
  await knex.schema.createTable('sign_in_failures', (t) => {
    t.string('username', 100).primary();
    t.integer('failures').notNullable();
    t.bigInteger('last_failure_at').notNullable();
    t.bigInteger('locked_until');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sign_in_failures');
}
