import type { Knex } from 'knex';

/**
 * What "nothing changed" means in the hardening tests: the row count of every table that an
 * attack could touch, and the audit chain's head.
 */
export async function snapshot(db: Knex, tables: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const r = (await db(t).count({ n: '*' }).first()) as { n: number | string };
    out[t] = Number(r.n);
  }
  const head = await db('audit_head').where({ id: 1 }).first();
  out.auditHead = `${head?.seq}:${head?.hash}`;
  return out;
}
