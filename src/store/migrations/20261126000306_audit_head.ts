import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row: the chain's last position and hash. Appending updates it first, which locks it until
  // commit on PostgreSQL, so several nodes still write one chain in one order.
  await knex.schema.createTable('audit_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });
  await knex('audit_head').insert({ id: 1, seq: 0, hash: '0'.repeat(64) });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_head');
}
