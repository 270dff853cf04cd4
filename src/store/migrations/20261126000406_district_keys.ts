import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Public keys the city accepts district exchange files from (Art. 6); the private key stays at the district.
  await knex.schema.createTable('district_keys', (t) => {
    t.string('key_id', 100).primary();
    t.string('district_id', 60).notNullable();
    t.text('public_key').notNullable(); // PEM (SPKI)
    t.bigInteger('created_at').notNullable();
    t.string('created_by', 60).notNullable();
    t.bigInteger('revoked_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('district_keys');
}
