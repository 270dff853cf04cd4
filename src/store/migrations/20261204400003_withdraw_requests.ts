import type { Knex } from 'knex';

// 申请撤回 (issue 13, item 7): once someone has acted on a case the applicant asks to withdraw it;
// the current step's handler approves (the case is withdrawn) or rejects (it goes on).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('withdraw_requests', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable();
    t.text('reason').notNullable();
    t.string('requested_by', 100).notNullable();
    t.bigInteger('requested_at').notNullable();
    t.string('status', 12).notNullable(); // pending | approved | rejected | void (the case ended otherwise)
    t.string('decided_by', 100);
    t.bigInteger('decided_at');
    t.text('comment');
    t.index(['instance_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('withdraw_requests');
}
