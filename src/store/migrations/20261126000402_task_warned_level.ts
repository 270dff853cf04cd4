import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The warning level already announced for a task, so each level change notifies once.
  await knex.schema.alterTable('tasks', (t) => {
    t.string('warned_level', 10);
    t.index(['status', 'yellow_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['status', 'yellow_at']);
    t.dropColumn('warned_level');
  });
}
