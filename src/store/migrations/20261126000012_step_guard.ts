import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row. A step's SQLite script sets ok = changes() after its optimistic-lock update; the
  // CHECK aborts the script when that update found another version (see src/db/batch.ts).
  await knex.raw('CREATE TABLE step_guard (id INTEGER PRIMARY KEY, ok INTEGER NOT NULL, CONSTRAINT step_guard_ok CHECK (ok = 1))');
  await knex('step_guard').insert({ id: 1, ok: 1 });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('step_guard');
}
