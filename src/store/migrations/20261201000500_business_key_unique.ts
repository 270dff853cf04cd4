import type { Knex } from 'knex';

// A business key names one case of one procedure (issue 10, finding 12): two instances of the same
// process with the same key would split one case's history and let a second start shadow the
// first. Instances without a key (NULL) are not affected. Existing duplicates keep the oldest
// instance's key; later ones get "~<instance id>" appended so the index can be built.
export async function up(knex: Knex): Promise<void> {
  const dupes = await knex('process_instances')
    .select('process_key', 'business_key')
    .whereNotNull('business_key')
    .groupBy('process_key', 'business_key')
    .havingRaw('count(*) > 1');
  for (const d of dupes) {
    const rows = await knex('process_instances').where({ process_key: d.process_key, business_key: d.business_key }).orderBy([{ column: 'started_at' }, { column: 'id' }]).select('id');
    for (const r of rows.slice(1)) {
      await knex('process_instances').where({ id: r.id }).update({ business_key: `${String(d.business_key).slice(0, 160)}~${r.id}` });
    }
  }
  await knex.schema.alterTable('process_instances', (t) => {
    t.unique(['process_key', 'business_key'], { indexName: 'process_instances_key_business_key_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.dropUnique(['process_key', 'business_key'], 'process_instances_key_business_key_unique');
  });
}
