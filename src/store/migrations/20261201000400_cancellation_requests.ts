import type { Knex } from 'knex';

// Four eyes on cancelling accountability and penalty cases: a request waits for a second person's
// approval (platform-cancellation.bpmn). At most one pending request per instance, enforced by a
// partial unique index so that two simultaneous requests cannot both be accepted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cancellation_requests', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().references('id').inTable('process_instances');
    t.string('process_key', 120).notNullable();
    t.string('requested_by', 100).notNullable();
    t.text('reason').notNullable();
    t.string('status', 20).notNullable(); // pending | approved | rejected
    t.string('approval_instance_id', 36).nullable();
    t.string('decided_by', 100).nullable();
    t.text('comment').nullable();
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('decided_at').nullable();
    t.index(['instance_id'], 'cancellation_requests_instance');
  });
  await knex.raw(`CREATE UNIQUE INDEX cancellation_requests_one_pending ON cancellation_requests (instance_id) WHERE status = 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS cancellation_requests_one_pending');
  await knex.schema.dropTable('cancellation_requests');
}
