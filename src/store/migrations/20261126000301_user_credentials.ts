import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Sign-in data lives on the user row (Art. 11): an scrypt hash with its own salt, when it was
  // set (90-day expiry), a forced-change flag, and the failed-attempt counter behind the lockout.
  await knex.schema.alterTable('users', (t) => {
    t.string('password_hash', 300); // null: the user cannot sign in yet
    t.bigInteger('password_changed_at');
    t.boolean('must_change_password').notNullable().defaultTo(false);
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.bigInteger('locked_until');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('locked_until');
    t.dropColumn('failed_logins');
    t.dropColumn('must_change_password');
    t.dropColumn('password_changed_at');
    t.dropColumn('password_hash');
  });
}
