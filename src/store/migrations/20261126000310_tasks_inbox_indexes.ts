import type { Knex } from 'knex';

/**
 * Indexes for the inbox query (src/store/inbox.ts): counting "tasks I may claim" looks each
 * candidate task up by id and needs only its status and assignee (covering); a page walks open
 * tasks of one assignee (or none) in created or due order, ties broken by id.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['id', 'status', 'assignee'], 'tasks_inbox_lookup');
    t.index(['status', 'assignee', 'created_at', 'id'], 'tasks_inbox_created');
    t.index(['status', 'assignee', 'due_at', 'id'], 'tasks_inbox_due');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['status', 'assignee', 'due_at', 'id'], 'tasks_inbox_due');
    t.dropIndex(['status', 'assignee', 'created_at', 'id'], 'tasks_inbox_created');
    t.dropIndex(['id', 'status', 'assignee'], 'tasks_inbox_lookup');
  });
}
