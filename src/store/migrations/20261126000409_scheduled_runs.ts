import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Periodic supervision work (weekly login check, monthly upload check …) runs once per period
  // across all nodes: whoever inserts the row for a period does the work.
  await knex.schema.createTable('scheduled_runs', (t) => {
    t.string('name', 60).notNullable();
    t.string('period', 30).notNullable();
    t.string('node', 100).notNullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('finished_at');
    t.text('result'); // JSON summary
    t.primary(['name', 'period']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scheduled_runs');
}
