import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Suspected account sharing (Art. 13 (3)): only suggested to supervision, never opened by itself.
  await knex.schema.createTable('accountability_suggestions', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 60).notNullable();
    t.integer('category').notNullable();
    t.string('kind', 40).notNullable(); // two-ips | failed-burst-foreign-machine
    t.text('reason').notNullable();
    t.text('evidence').notNullable(); // JSON
    t.string('status', 20).notNullable(); // open | confirmed | dismissed
    t.string('dedupe_key', 200).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.string('decided_by', 60);
    t.bigInteger('decided_at');
    t.string('instance_id', 36); // the accountability review opened on confirmation
    t.index(['status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('accountability_suggestions');
}
