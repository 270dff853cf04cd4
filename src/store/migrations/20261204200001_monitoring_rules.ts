import type { Knex } from 'knex';

/**
 * Monitoring rules as data (issue 18, item 2): the rule library the supervision office configures,
 * the four-eyes changes to it, and the warnings (预警) the rules raise, each of which becomes a
 * 督办 case of warning-rectification.bpmn (item 3).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('monitoring_rules', (t) => {
    t.string('id', 36).primary();
    t.string('kind', 40).notNullable();
    t.string('name', 200).notNullable();
    t.string('process_key', 120);
    t.string('element_id', 120);
    t.string('level', 10).notNullable(); // yellow | red
    t.text('params').notNullable(); // JSON
    t.boolean('enabled').notNullable();
    t.integer('version').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.string('requested_by', 100).notNullable();
    t.string('approved_by', 100).notNullable();
    t.string('change_id', 36).notNullable();
  });
  await knex.schema.createTable('monitoring_rule_changes', (t) => {
    t.string('id', 36).primary();
    t.string('rule_id', 36).notNullable();
    t.string('action', 10).notNullable(); // create | update
    t.text('proposal').notNullable(); // JSON: the rule as it would be
    t.text('before'); // JSON: the rule as it was
    t.string('status', 20).notNullable(); // pending | approved | rejected
    t.string('requested_by', 100).notNullable();
    t.text('reason').notNullable();
    t.string('approval_instance_id', 36);
    t.string('decided_by', 100);
    t.text('comment');
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('decided_at');
    t.index(['rule_id', 'status']);
  });
  await knex.schema.createTable('rule_warnings', (t) => {
    t.string('id', 36).primary();
    t.string('rule_id', 36).notNullable();
    t.string('rule_kind', 40).notNullable();
    t.string('dedupe_key', 300).notNullable().unique();
    t.string('level', 10).notNullable();
    t.string('process_key', 120);
    t.string('instance_id', 36);
    t.string('element_id', 120);
    t.string('task_id', 36);
    t.string('unit_id', 60);
    t.text('people').notNullable(); // JSON list of user ids
    t.text('evidence').notNullable(); // JSON
    t.text('summary').notNullable();
    t.string('stage', 20).notNullable(); // raised | supervising | answered | yellow-card | red-card | closed
    t.string('outcome', 20); // rectified | false-alarm | filed
    t.string('case_instance_id', 36);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('answered_at');
    t.bigInteger('yellow_card_at');
    t.bigInteger('red_card_at');
    t.bigInteger('closed_at');
    t.string('closed_by', 100);
    t.index(['rule_id']);
    t.index(['unit_id']);
    t.index(['stage']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rule_warnings');
  await knex.schema.dropTable('monitoring_rule_changes');
  await knex.schema.dropTable('monitoring_rules');
}
