import type { Knex } from 'knex';

/**
 * Scored appraisal (issue 18, item 7): the scoring scheme the supervision office configures, one
 * row per approved version, and the four-eyes changes to it (appraisal-scheme-change.bpmn).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('appraisal_schemes', (t) => {
    t.integer('version').primary();
    t.text('scheme').notNullable(); // JSON: {weights, deductions}
    t.bigInteger('created_at').notNullable();
    t.string('requested_by', 100).notNullable();
    t.string('approved_by', 100).notNullable();
    t.string('change_id', 36).notNullable();
  });
  await knex.schema.createTable('appraisal_scheme_changes', (t) => {
    t.string('id', 36).primary();
    t.text('proposal').notNullable(); // JSON: the scheme as it would be
    t.text('before').notNullable(); // JSON: the scheme in force when proposed
    t.integer('base_version').notNullable(); // 0: the built-in default
    t.string('status', 20).notNullable(); // pending | approved | rejected
    t.string('requested_by', 100).notNullable();
    t.text('reason').notNullable();
    t.string('approval_instance_id', 36);
    t.string('decided_by', 100);
    t.text('comment');
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('decided_at');
    t.index(['status']);
    t.index(['approval_instance_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('appraisal_scheme_changes');
  await knex.schema.dropTable('appraisal_schemes');
}
