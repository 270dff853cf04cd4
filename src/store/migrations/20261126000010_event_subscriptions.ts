import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_subscriptions', (t) => {
    t.string('id', 36).primary();
    t.string('type', 20).notNullable(); // message | message-start
    t.string('name', 200).notNullable(); // message name
    t.string('instance_id', 36);
    t.string('definition_id', 150);
    t.string('execution_id', 100);
    t.string('element_id', 120).notNullable();
    t.string('message_id', 120); // the bpmn:Message element id the engine is signalled with
    t.string('business_key', 200);
    t.bigInteger('created_at').notNullable();
    t.unique(['instance_id', 'execution_id', 'type']);
    t.index(['type', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('event_subscriptions');
}
