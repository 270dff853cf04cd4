import type { Knex } from 'knex';

// 委托/代理 (issue 13, item 7): while a person is away (from … to) their tasks also reach their
// substitute, who acts "代 X 办理". One active substitution per person; earlier ones are kept
// (cancelled_at) so supervision sees every substitution there was.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('substitutions', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 100).notNullable();
    t.string('substitute_id', 100).notNullable();
    t.bigInteger('from_at').notNullable();
    t.bigInteger('to_at').notNullable();
    t.string('created_by', 100).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('cancelled_at');
    t.index(['substitute_id', 'cancelled_at']);
    t.index(['user_id', 'cancelled_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('substitutions');
}
