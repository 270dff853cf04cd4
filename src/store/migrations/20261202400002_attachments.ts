import type { Knex } from 'knex';

// Attachments (issue 13, item 8): files uploaded for a case, stored with their SHA-256, in the
// database (content) or a configured directory (stored_path). An upload belongs to its uploader
// until a start or a task completion that references it links it to the case; from then on it is
// read as the case is. Nothing deletes a row: only the archive procedure may.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attachments', (t) => {
    t.string('id', 36).primary();
    t.string('name', 255).notNullable();
    t.bigInteger('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('content_type', 100).notNullable();
    t.binary('content').nullable();
    t.string('stored_path', 500).nullable();
    t.string('uploaded_by', 100).notNullable();
    t.bigInteger('uploaded_at').notNullable();
    t.string('instance_id', 36).nullable();
    t.string('task_id', 36).nullable();
    t.bigInteger('linked_at').nullable();
    t.index(['instance_id'], 'attachments_instance');
    t.index(['uploaded_by', 'instance_id'], 'attachments_uploader');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attachments');
}
