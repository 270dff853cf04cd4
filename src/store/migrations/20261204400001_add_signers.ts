import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// 加签 (issue 13, item 7): an ad-hoc task for another person inserted into the current step. The
// signer's task is a task row of the same step (same element) pointing at the step's task
// (sign_parent_id) with its mode; task_signers records every 加签 (who asked whom, how, why) and
// holds an "after" signer until the step's handler has signed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.string('sign_parent_id', 36);
    t.string('sign_mode', 10);
    t.index(['sign_parent_id']);
  });
  await knex.schema.createTable('task_signers', (t) => {
    t.string('id', 36).primary();
    t.string('task_id', 36).notNullable();
    t.string('instance_id', 36).notNullable();
    t.string('user_id', 100).notNullable();
    t.string('mode', 10).notNullable(); // before | after | parallel
    t.text('comment');
    t.string('by', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    t.string('signer_task_id', 36); // the signer's task, once it exists
    t.string('status', 12).notNullable(); // waiting (after, until the handler signs) | active | done | cancelled
    t.index(['task_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_signers');
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['sign_parent_id']));
  await dropColumns(knex, 'tasks', ['sign_parent_id', 'sign_mode']);
}
