import type { Knex } from 'knex';

// Four eyes on password resets (issue 10, finding 2): the vendor asks, a leader or supervision
// (neither the vendor nor the account's owner) approves in platform-password-reset.bpmn, and only
// then may the vendor who asked set the password, once, within a day. At most one open request
// (pending or approved, not yet used) per account, enforced by a partial unique index so that two
// simultaneous requests cannot both be accepted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('password_reset_requests', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 60).notNullable();
    t.string('requested_by', 60).notNullable();
    t.text('reason').notNullable();
    t.string('status', 20).notNullable(); // pending | approved | rejected | used | expired
    t.string('approval_instance_id', 36).nullable();
    t.string('decided_by', 60).nullable();
    t.text('comment').nullable();
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('decided_at').nullable();
    t.bigInteger('expires_at').nullable();
    t.bigInteger('used_at').nullable();
    t.index(['user_id'], 'password_reset_requests_user');
    t.index(['status'], 'password_reset_requests_status');
  });
  await knex.raw(`CREATE UNIQUE INDEX password_reset_requests_one_open ON password_reset_requests (user_id) WHERE status IN ('pending', 'approved')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS password_reset_requests_one_open');
  await knex.schema.dropTable('password_reset_requests');
}
