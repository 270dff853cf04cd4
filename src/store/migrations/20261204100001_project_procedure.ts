import type { Knex } from 'knex';

// 自建工程项目 run as a procedure (issue 17, item 1): the 立项 details on the project, its contracts,
// its ledger (monthly progress reports, payments, change orders) and the risk warnings raised on it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('self_built_projects', (t) => {
    t.string('fund_source', 200);
    t.string('approval_doc', 200);
    t.string('accepted_on', 10); // YYYY-MM-DD of 竣工验收
    t.bigInteger('archived_at');
  });
  await knex.schema.createTable('project_contracts', (t) => {
    t.string('id', 36).primary();
    t.string('project_id', 40).notNullable();
    t.string('instance_id', 36).notNullable();
    t.string('lot_name', 200).notNullable();
    t.string('procurement_method', 20).notNullable(); // public-tender | comparison | inquiry
    t.string('vendor', 200).notNullable();
    t.bigInteger('amount_fen').notNullable();
    t.string('signed_on', 10).notNullable();
    t.string('contract_no', 100);
    t.bigInteger('created_at').notNullable();
    t.index(['project_id', 'vendor']);
  });
  await knex.schema.createTable('project_ledger', (t) => {
    t.string('id', 36).primary();
    t.string('project_id', 40).notNullable();
    t.string('instance_id', 36).notNullable();
    t.string('kind', 20).notNullable(); // progress | payment | change
    t.string('entry_date', 10).notNullable(); // report month (YYYY-MM) or date (YYYY-MM-DD)
    t.bigInteger('amount_fen'); // payment or change amount
    t.integer('percent'); // progress
    t.string('status', 20).notNullable(); // recorded | pending | approved | rejected
    t.boolean('after_acceptance').notNullable().defaultTo(false);
    t.text('note');
    t.string('created_by', 60).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['project_id', 'kind']);
  });
  await knex.schema.createTable('project_warnings', (t) => {
    t.string('id', 36).primary();
    t.string('project_id', 40).notNullable();
    t.string('instance_id', 36).notNullable();
    t.string('kind', 40).notNullable(); // split-contract | change-after-acceptance | overpayment | missed-report
    t.text('text').notNullable();
    t.text('evidence').notNullable(); // JSON
    t.string('dedupe_key', 200).notNullable().unique();
    t.bigInteger('created_at').notNullable();
    t.index(['project_id']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('project_warnings');
  await knex.schema.dropTable('project_ledger');
  await knex.schema.dropTable('project_contracts');
  await knex.schema.alterTable('self_built_projects', (t) => {
    t.dropColumn('fund_source');
    t.dropColumn('approval_doc');
    t.dropColumn('accepted_on');
    t.dropColumn('archived_at');
  });
}
