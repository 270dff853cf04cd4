import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The power-item catalog (权力事项目录, Art. 3/8): one row per item with its version in force.
  // Items are never deleted: removal retires them; every version is kept in power_item_versions.
  await knex.schema.createTable('power_items', (t) => {
    t.string('code', 30).primary(); // e.g. XK-0001
    t.string('name', 200).notNullable();
    t.string('category', 20).notNullable(); // 行政许可 | 行政处罚 | 行政强制 | 行政征收 | 行政检查 | 其他
    t.string('unit_id', 60).notNullable().references('id').inTable('units');
    t.text('legal_basis').notNullable();
    t.integer('statutory_days').notNullable(); // statutory time limit, working days
    t.integer('promised_days').notNullable(); // promised (承诺) time limit, working days
    t.text('discretion'); // JSON: penalty discretion standard (tiers with conditions and ranges)
    t.string('process_key', 120).notNullable(); // the procedure the item runs on
    t.string('status', 20).notNullable(); // active | retired
    t.integer('version').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['status', 'category']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('power_items');
}
