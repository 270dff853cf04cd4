import type { Knex } from 'knex';

// 抄送 (issue 13, item 7): a case copied to a person for their information, read-only; who copied
// it from which step, with a comment; read_at when they opened it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_cc', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable();
    t.string('task_id', 36);
    t.string('user_id', 100).notNullable();
    t.string('by', 100).notNullable();
    t.text('comment');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('read_at');
    t.unique(['instance_id', 'user_id']);
    t.index(['user_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('case_cc');
}
