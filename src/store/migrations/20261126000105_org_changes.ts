import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every change to users, groups and memberships: who, why, through which process instance.
  await knex.schema.createTable('org_changes', (t) => {
    t.bigIncrements('id').primary();
    t.string('user_id', 60);
    t.string('action', 30).notNullable(); // create | disable | enable | move | grant | revoke | update
    t.text('detail').notNullable(); // JSON
    t.string('instance_id', 36);
    t.text('reason');
    t.string('by', 60).notNullable();
    t.bigInteger('at').notNullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('org_changes');
}
