import type { Knex } from 'knex';
import { dropColumns } from '../../db/knex.ts';

// The audit trail leaves the hot path (issue 15): a step's transaction only INSERTs its audit row,
// with the SHA-256 of its own content; no row is shared by all writers any more. A trigger queues
// the new row in `audit_pending`, and one chainer at a time (any node) links queued rows into
// `audit_chain` after they commit: position, previous chain hash, chain hash. Verification walks
// the chain as before, so an edited, deleted or inserted row is still reported per row.
//
// Rows written before this migration keep their own chained hashes; they enter `audit_chain`
// as they are (position = seq, chain hash = the row's hash), so an upgraded chain still verifies.

const APPEND_ONLY = ['audit_chain'];

export async function up(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  await knex.schema.createTable('audit_chain', (t) => {
    t.bigInteger('pos').primary(); // 1, 2, 3 … without gaps: the chain position
    t.bigInteger('seq').notNullable().unique(); // the audit_log row linked here
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.bigInteger('chained_at').notNullable();
  });
  await knex.schema.createTable('audit_pending', (t) => {
    t.bigInteger('seq').primary();
  });
  await knex.raw('INSERT INTO audit_chain (pos, seq, prev_hash, hash, chained_at) SELECT seq, seq, prev_hash, hash, at FROM audit_log ORDER BY seq');
  await knex.schema.alterTable('audit_head', (t) => {
    t.bigInteger('verified_at');
    t.text('verified');
  });
  if (pg) {
    // Row numbers come from a sequence: taking one never waits for another transaction.
    const { rows } = await knex.raw('SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log');
    await knex.raw('CREATE SEQUENCE audit_log_seq');
    if (Number(rows[0].n) > 0) await knex.raw('SELECT setval(?, ?)', ['audit_log_seq', Number(rows[0].n)]);
    await knex.raw("ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq')");
    await knex.raw(`CREATE OR REPLACE FUNCTION pcp_audit_queue() RETURNS trigger AS $$
BEGIN
  INSERT INTO audit_pending (seq) VALUES (NEW.seq);
  RETURN NEW;
END
$$ LANGUAGE plpgsql`);
    await knex.raw('CREATE TRIGGER audit_log_queue AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION pcp_audit_queue()');
    for (const t of APPEND_ONLY) {
      await knex.raw(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION pcp_append_only()`);
      await knex.raw(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION pcp_append_only()`);
    }
    return;
  }
  await knex.raw('CREATE TRIGGER audit_log_queue AFTER INSERT ON audit_log BEGIN INSERT INTO audit_pending (seq) VALUES (NEW.seq); END');
  for (const t of APPEND_ONLY) {
    await knex.raw(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, 'table ${t} is append-only: UPDATE refused'); END`);
    await knex.raw(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, 'table ${t} is append-only: DELETE refused'); END`);
  }
}

export async function down(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  if (pg) {
    await knex.raw('DROP TRIGGER IF EXISTS audit_log_queue ON audit_log');
    await knex.raw('DROP FUNCTION IF EXISTS pcp_audit_queue()');
    await knex.raw('ALTER TABLE audit_log ALTER COLUMN seq DROP DEFAULT');
    await knex.raw('DROP SEQUENCE IF EXISTS audit_log_seq');
    for (const t of APPEND_ONLY) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${t}_append_only ON ${t}`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${t}_no_truncate ON ${t}`);
    }
  } else {
    await knex.raw('DROP TRIGGER IF EXISTS audit_log_queue');
    for (const t of APPEND_ONLY) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${t}_no_update`);
      await knex.raw(`DROP TRIGGER IF EXISTS ${t}_no_delete`);
    }
  }
  await dropColumns(knex, 'audit_head', ['verified_at', 'verified']);
  await knex.schema.dropTable('audit_pending');
  await knex.schema.dropTable('audit_chain');
}
