import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Append-only and hash-chained: each row stores the previous row's hash and the SHA-256 of its
  // own canonical content, so an edited, inserted or deleted row breaks the chain (audit verify).
  await knex.schema.createTable('audit_log', (t) => {
    t.bigInteger('seq').primary(); // 1, 2, 3 … without gaps: the chain position
    t.bigInteger('at').notNullable();
    t.string('actor', 100).notNullable();
    t.string('action', 60).notNullable();
    t.string('object_type', 40);
    t.string('object_id', 200);
    t.string('instance_id', 36);
    t.string('ip', 64);
    t.string('request_id', 100);
    t.text('before'); // canonical JSON
    t.text('after'); // canonical JSON
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.index(['actor', 'seq']);
    t.index(['instance_id', 'seq']);
    t.index(['action', 'seq']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
