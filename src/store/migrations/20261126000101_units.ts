import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The bureau's offices and units, the leadership, the vendor and the district bureaus (Art. 5, 6).
  await knex.schema.createTable('units', (t) => {
    t.string('id', 60).primary();
    t.string('name', 200).notNullable();
    t.string('kind', 20).notNullable(); // leadership | office | unit | vendor | district
    t.string('parent_id', 60);
    t.string('head_user_id', 60); // accountable head of the unit (Art. 5)
    t.string('contact_user_id', 60); // contact person who logs in regularly (Art. 5)
    t.integer('sort').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('units');
}
