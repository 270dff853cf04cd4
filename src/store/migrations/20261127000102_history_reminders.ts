import type { Knex } from 'knex';

// Appraisal statistics count reminders (催办) by time; a partial index keeps the other history
// inserts — the hot path of every step — free of its upkeep. Same SQL on SQLite and PostgreSQL.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX history_reminded_at ON history (at) WHERE type = 'task.reminded'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX history_reminded_at');
}
