import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tasks', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().references('id').inTable('process_instances');
    t.string('execution_id', 100).notNullable();
    t.string('element_id', 120).notNullable();
    t.string('name', 200);
    t.string('process_key', 120).notNullable();
    t.string('definition_id', 150).notNullable();
    t.string('business_key', 200);
    t.string('form_key', 200);
    t.string('candidate_groups', 1000); // comma list, for display; task_candidates is the index
    t.string('candidate_users', 1000);
    t.string('assignee', 100);
    t.string('status', 20).notNullable(); // open | completed | cancelled
    t.integer('priority').notNullable().defaultTo(50);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('claimed_at');
    t.bigInteger('completed_at');
    t.string('completed_by', 100);
    t.bigInteger('due_at');
    t.bigInteger('yellow_at'); // when 80 % of the working-day limit is used
    t.bigInteger('follow_up_at');
    t.text('variables'); // JSON submitted on completion
    t.text('properties'); // JSON camunda:properties of the element
    t.unique(['instance_id', 'execution_id']);
    t.index(['status', 'due_at']);
    t.index(['status', 'created_at']);
    t.index(['assignee', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tasks');
}
