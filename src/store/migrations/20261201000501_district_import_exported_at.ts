import type { Knex } from 'knex';

// When the district exported the file (its package's generatedAt): an import older than the last
// one imported for that district is refused (issue 10, finding 12), so a replayed old file cannot
// roll operations back. Rows imported before this column existed stay NULL and are not compared.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('district_imports', (t) => {
    t.bigInteger('exported_at');
    t.index(['district_id', 'exported_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('district_imports', (t) => {
    t.dropIndex(['district_id', 'exported_at']);
    t.dropColumn('exported_at');
  });
}
