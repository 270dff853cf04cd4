import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// The working calendar as data the bureau maintains (issue 13, item 11): a year entered through
// PUT /api/calendar/:year is recorded here, so the package seeding at start-up never adds back a
// day the bureau removed from that year. Tasks keep the number of working days of their limit, so
// their due date can be counted again when a year of the calendar changes.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_years', (t) => {
    t.integer('year').primary();
    t.integer('days').notNullable(); // holidays and adjusted working days entered
    t.bigInteger('updated_at').notNullable();
    t.string('updated_by', 100).notNullable();
  });
  await knex.schema.alterTable('tasks', (t) => {
    t.integer('limit_days').nullable(); // camunda:dueDate in working days (PnD / PnW), else null
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropColumns(knex, 'tasks', ['limit_days']);
  await knex.schema.dropTable('calendar_years');
}
