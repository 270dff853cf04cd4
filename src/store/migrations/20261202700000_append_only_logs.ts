import type { Knex } from 'knex';

// The Cybersecurity Law keeps network logs at least six months, and the regulation's audit trail
// for good: audit rows and sign-in records are append-only at the database level, so no code path
// (and no careless UPDATE in a console) changes or deletes them. The hash chain still detects what
// someone with the rights to drop these triggers does.
const TABLES = ['audit_log', 'login_events'];

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE OR REPLACE FUNCTION pcp_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql`);
    for (const t of TABLES) {
      await knex.raw(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION pcp_append_only()`);
      await knex.raw(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION pcp_append_only()`);
    }
    return;
  }
  for (const t of TABLES) {
    await knex.raw(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, 'table ${t} is append-only: UPDATE refused'); END`);
    await knex.raw(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, 'table ${t} is append-only: DELETE refused'); END`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const t of TABLES) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${t}_append_only ON ${t}`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${t}_no_truncate ON ${t}`);
    }
    await knex.raw('DROP FUNCTION IF EXISTS pcp_append_only()');
    return;
  }
  for (const t of TABLES) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${t}_no_update`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${t}_no_delete`);
  }
}
