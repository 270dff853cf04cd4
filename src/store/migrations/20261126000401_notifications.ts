import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The in-platform notification inbox (warnings, compliance reminders).
  await knex.schema.createTable('notifications', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 60).notNullable();
    t.string('kind', 40).notNullable(); // task.yellow | task.red | case.red | logins.short | upload.missing | …
    t.string('level', 10).notNullable(); // info | yellow | red
    t.string('title', 200).notNullable();
    t.text('body');
    t.string('task_id', 36);
    t.string('instance_id', 36);
    // One notification per event and person, whichever node or restart notices the event.
    t.string('dedupe_key', 200).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('read_at');
    t.index(['user_id', 'read_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notifications');
}
