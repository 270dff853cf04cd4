import type { Knex } from 'knex';

// 催办 looks up a person's last reminder of a task among the task's notifications.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.index(['task_id', 'kind'], 'notifications_task_kind');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropIndex(['task_id', 'kind'], 'notifications_task_kind');
  });
}
