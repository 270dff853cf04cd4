import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The weekly login check (Art. 5): one row per person checked per ISO week (Beijing time).
  await knex.schema.createTable('login_compliance', (t) => {
    t.string('week', 10).notNullable(); // 2026-W48
    t.string('user_id', 60).notNullable();
    t.string('role', 20).notNullable(); // supervision | contact
    t.string('unit_id', 60);
    t.integer('logins').notNullable();
    t.integer('required').notNullable();
    t.boolean('ok').notNullable();
    t.bigInteger('checked_at').notNullable();
    t.primary(['week', 'user_id', 'role']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_compliance');
}
