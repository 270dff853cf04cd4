import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every sign-in attempt, successful or not, with the client address (Art. 5 and 11). The user
  // name is as typed, so attempts on unknown names are recorded too (no foreign key).
  await knex.schema.createTable('login_events', (t) => {
    t.bigIncrements('id').primary();
    t.string('username', 100).notNullable();
    t.boolean('success').notNullable();
    t.string('reason', 40); // ok | bad-password | unknown-user | locked | disabled | no-password
    t.string('ip', 64);
    t.string('user_agent', 300);
    t.bigInteger('at').notNullable();
    t.index(['username', 'at']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_events');
}
