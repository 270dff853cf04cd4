import type { Knex } from 'knex';

// 投诉举报 (issue 18, item 6): a report from the public (no sign-in) or from staff, followed up by
// an unguessable receipt code; each one is a complaint-handling case for supervision.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('complaints', (t) => {
    t.string('id', 64).primary();
    t.string('receipt', 32).notNullable().unique();
    t.string('subject', 200).notNullable();
    t.text('content').notNullable();
    t.string('unit_id', 64);
    t.string('contact', 200);
    t.string('source', 16).notNullable(); // public | internal
    t.string('reporter', 64); // the signed-in reporter of an internal complaint
    t.string('client_key', 64); // sha256 of the public reporter's address, only for rate limiting
    t.string('status', 16).notNullable(); // handling | concluded
    t.string('finding', 32); // unfounded | founded | accountability
    t.text('outcome');
    t.string('instance_id', 64);
    t.string('concluded_by', 64);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('concluded_at');
    t.index(['client_key', 'created_at']);
    t.index(['created_at']);
    t.index(['instance_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('complaints');
}
