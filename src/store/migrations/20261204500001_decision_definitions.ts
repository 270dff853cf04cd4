import type { Knex } from 'knex';

/** DMN decision tables, versioned per decision id like process definitions (issue 11, item 10). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('decision_definitions', (t) => {
    t.string('id', 150).primary(); // `${key}:${version}`
    t.string('key', 120).notNullable(); // the decision's id in the DMN file
    t.integer('version').notNullable();
    t.string('name', 200);
    t.text('dmn_xml').notNullable(); // the whole file, as deployed
    t.text('decision_table').notNullable(); // JSON: the checked table the engine evaluates
    t.string('hash', 64).notNullable();
    t.string('deployment_id', 36).notNullable().references('id').inTable('deployments');
    t.string('resource_name', 200).notNullable();
    t.bigInteger('deployed_at').notNullable();
    t.string('deployed_by', 100).notNullable();
    t.unique(['key', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('decision_definitions');
}
