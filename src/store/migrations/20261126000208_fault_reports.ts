import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Fault reports (故障报修, Art. 10): whether reported on the day of the fault, repair, confirmation.
  await knex.schema.createTable('fault_reports', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().unique();
    t.string('reporter', 60).notNullable();
    t.string('unit_id', 60);
    t.string('device', 20).notNullable(); // computer | webcam | usb-key | network | other
    t.string('device_detail', 200);
    t.text('description').notNullable();
    t.bigInteger('occurred_at').notNullable();
    t.bigInteger('reported_at').notNullable();
    t.boolean('same_day').notNullable();
    t.string('responsibility', 200); // set when the report was late (Art. 10)
    t.string('status', 20).notNullable(); // reported | closed
    t.text('repair_note');
    t.string('repaired_by', 60);
    t.boolean('affected_operation');
    t.string('accountability', 20); // none | opened
    t.bigInteger('closed_at');
    t.index(['reporter']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('fault_reports');
}
