import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Every version of every catalog item, with who changed it, why and through which instance.
  await knex.schema.createTable('power_item_versions', (t) => {
    t.bigIncrements('id').primary();
    t.string('code', 30).notNullable().references('code').inTable('power_items');
    t.integer('version').notNullable();
    t.string('change_type', 30).notNullable(); // create | change-info | change-procedure | change-discretion | retire
    t.text('snapshot').notNullable(); // JSON: the item as it is in this version
    t.string('legal_ground', 40); // law-enacted | law-amended | law-repealed | power-adjusted | circumstances-changed | seed
    t.text('reason').notNullable();
    t.string('sunshine_ref', 40); // the change's reference on the city's 三合一 platform
    t.string('changed_by', 60).notNullable(); // the applicant
    t.text('approvals'); // JSON: [{step, name, by, at, comment}]
    t.string('instance_id', 36);
    t.bigInteger('changed_at').notNullable();
    t.unique(['code', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('power_item_versions');
}
