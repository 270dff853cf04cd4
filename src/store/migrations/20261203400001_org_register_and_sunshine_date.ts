import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// Issue 17. The 三合一 platform's date of an item change beside its reference (Art. 8, 13(4): a
// change whose platform update lags that date is flagged); the organisation register kept by the
// Art. 9 procedure: the bureau leader in charge of each unit (分管领导) and each person's
// law-enforcement certificate (执法证: number, scope, expiry as a Beijing date YYYY-MM-DD).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('power_item_versions', (t) => {
    t.string('sunshine_date', 10);
  });
  await knex.schema.alterTable('units', (t) => {
    t.string('leader_user_id', 64);
  });
  await knex.schema.alterTable('users', (t) => {
    t.string('cert_number', 64);
    t.string('cert_scope', 200);
    t.string('cert_expires', 10);
  });
}

export async function down(knex: Knex): Promise<void> {
  await dropColumns(knex, 'users', ['cert_expires', 'cert_scope', 'cert_number']);
  await dropColumns(knex, 'units', ['leader_user_id']);
  await dropColumns(knex, 'power_item_versions', ['sunshine_date']);
}
