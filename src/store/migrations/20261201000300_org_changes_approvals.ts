import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Who asked for a change of users and roles, and who approved it (the guard's approvals, JSON):
  // `by` alone (the vendor who applied it) does not show the four eyes behind it.
  await knex.schema.alterTable('org_changes', (t) => {
    t.string('requested_by', 60);
    t.text('approved_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('org_changes', (t) => {
    t.dropColumn('requested_by');
    t.dropColumn('approved_by');
  });
}
