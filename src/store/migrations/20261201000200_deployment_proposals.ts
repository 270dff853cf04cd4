import type { Knex } from 'knex';

// Four eyes on deployments: a deploy by a process owner is stored here, checked but not startable,
// until a second person approves it through the platform-deployment procedure. The checked files
// are kept verbatim so that activation stores exactly what the approver saw.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deployment_proposals', (t) => {
    t.string('id', 36).primary();
    t.string('status', 16).notNullable(); // pending | active | rejected
    t.string('name', 200).notNullable();
    t.string('source', 20).notNullable();
    t.string('proposed_by', 100).notNullable();
    t.text('proposer_groups').notNullable();
    t.string('approver_group', 100).notNullable();
    t.bigInteger('proposed_at').notNullable();
    t.text('files').notNullable();
    t.text('items').notNullable();
    t.string('files_hash', 64).notNullable();
    t.string('instance_id', 36).nullable();
    t.string('decided_by', 100).nullable();
    t.bigInteger('decided_at').nullable();
    t.text('comment').nullable();
    t.string('deployment_id', 36).nullable();
    t.index(['status', 'proposed_at']);
    t.index(['instance_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deployment_proposals');
}
