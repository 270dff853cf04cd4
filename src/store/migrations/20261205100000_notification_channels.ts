import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// Notifications through e-mail and a group robot (issue 13, item 9): a person's e-mail address,
// and what each person wants delivered besides in-app (no row: the defaults, see
// src/domain/notification-delivery.ts).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('email', 200);
  });
  await knex.schema.createTable('notification_preferences', (t) => {
    t.string('user_id', 60).primary();
    t.boolean('email').notNullable();
    t.boolean('webhook').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_preferences');
  await dropColumns(knex, 'users', ['email']);
}
