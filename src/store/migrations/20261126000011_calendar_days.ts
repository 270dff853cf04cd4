import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Exceptions to the Monday–Friday rule: statutory holidays and adjusted working days (调休).
  await knex.schema.createTable('calendar_days', (t) => {
    t.string('date', 10).primary(); // YYYY-MM-DD, Asia/Shanghai
    t.string('kind', 10).notNullable(); // holiday | workday
    t.string('name', 100);
    t.string('source', 20).notNullable(); // package | admin
    t.bigInteger('updated_at').notNullable();
    t.string('updated_by', 100).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_days');
}
