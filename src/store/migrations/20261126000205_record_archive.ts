import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Business records removed by the data-deletion procedure (Art. 7): the full row, the request,
  // the reason and who approved; supervision can restore them.
  await knex.schema.createTable('record_archive', (t) => {
    t.string('id', 36).primary();
    t.string('record_kind', 20).notNullable(); // power-record | project
    t.string('record_id', 40).notNullable();
    t.text('snapshot').notNullable(); // JSON: the record as it was
    t.string('instance_id', 36).notNullable(); // the deletion request
    t.text('content').notNullable(); // what the applicant said is deleted
    t.text('reason').notNullable();
    t.string('requested_by', 60).notNullable();
    t.text('approvals').notNullable(); // JSON: [{step, name, by, at, comment}]
    t.string('deleted_by', 60).notNullable(); // the supervision officer who performed it
    t.bigInteger('deleted_at').notNullable();
    t.string('status', 20).notNullable(); // archived | restored
    t.string('restored_by', 60);
    t.bigInteger('restored_at');
    t.text('restore_reason');
    t.index(['record_kind', 'record_id']);
    t.index(['status', 'deleted_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('record_archive');
}
