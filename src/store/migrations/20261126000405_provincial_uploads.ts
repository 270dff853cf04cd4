import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Monthly packages for the provincial platform (Art. 5), kept with their SHA-256 manifest, and
  // when each was uploaded.
  await knex.schema.createTable('provincial_uploads', (t) => {
    t.string('id', 36).primary();
    t.string('month', 7).notNullable(); // 2026-11
    t.string('schema', 40).notNullable();
    t.text('package').notNullable(); // the JSON file as uploaded
    t.string('sha256', 64).notNullable();
    t.integer('operations').notNullable();
    t.string('trigger', 10).notNullable(); // job | manual
    t.string('created_by', 60).notNullable();
    t.bigInteger('created_at').notNullable();
    // Recorded by the engineering office once the package is on the provincial platform.
    t.bigInteger('uploaded_at');
    t.string('uploaded_by', 60);
    t.string('receipt', 200);
    t.index(['month']);
    t.index(['uploaded_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('provincial_uploads');
}
