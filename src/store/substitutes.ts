import type { Knex } from 'knex';

/** 委托/代理: who stands in for whom, when (issue 13, item 7). */
export interface SubstitutionRow {
  id: string;
  userId: string;
  userName?: string | null;
  substituteId: string;
  substituteName?: string | null;
  fromAt: number;
  toAt: number;
  createdBy: string;
  createdAt: number;
  cancelledAt: number | null;
}

const fromRow = (r: any): SubstitutionRow => ({
  id: r.id,
  userId: r.user_id,
  userName: r.user_name ?? null,
  substituteId: r.substitute_id,
  substituteName: r.substitute_name ?? null,
  fromAt: Number(r.from_at),
  toAt: Number(r.to_at),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  cancelledAt: r.cancelled_at === null || r.cancelled_at === undefined ? null : Number(r.cancelled_at),
});

const named = (db: Knex) =>
  db('substitutions as s')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('users as v', 'v.id', 's.substitute_id')
    .select('s.*', 'u.display_name as user_name', 'v.display_name as substitute_name');

/** The person's substitution not cancelled (current or planned), if any. */
export async function currentSubstitution(db: Knex, userId: string): Promise<SubstitutionRow | undefined> {
  const r = await named(db).where('s.user_id', userId).whereNull('s.cancelled_at').orderBy('s.created_at', 'desc').first();
  return r && fromRow(r);
}

/** Cancels the person's open substitution(s); the number cancelled. */
export async function cancelSubstitutions(db: Knex, userId: string, at: number): Promise<number> {
  return db('substitutions').where({ user_id: userId }).whereNull('cancelled_at').update({ cancelled_at: at });
}

export async function insertSubstitution(db: Knex, row: SubstitutionRow): Promise<void> {
  await db('substitutions').insert({
    id: row.id, user_id: row.userId, substitute_id: row.substituteId, from_at: row.fromAt, to_at: row.toAt,
    created_by: row.createdBy, created_at: row.createdAt, cancelled_at: null,
  });
}

/** Whom this person stands in for at `now`. */
export async function principalsOf(db: Knex, substituteId: string, now: number): Promise<SubstitutionRow[]> {
  return (await named(db).where('s.substitute_id', substituteId).whereNull('s.cancelled_at').where('s.from_at', '<=', now).where('s.to_at', '>', now)).map(fromRow);
}

/** The substitutes in force at `now` for these people. */
export async function substitutesFor(db: Knex, userIds: string[], now: number): Promise<SubstitutionRow[]> {
  if (!userIds.length) return [];
  return (await named(db).whereIn('s.user_id', userIds).whereNull('s.cancelled_at').where('s.from_at', '<=', now).where('s.to_at', '>', now)).map(fromRow);
}

/** Every substitution, newest first (supervision); `active` only those in force or planned. */
export async function listSubstitutions(db: Knex, f: { active?: boolean; now: number; limit: number; offset: number }): Promise<{ rows: SubstitutionRow[]; total: number }> {
  const where = (q: Knex.QueryBuilder) => (f.active ? q.whereNull('s.cancelled_at').where('s.to_at', '>', f.now) : q);
  const [{ n }] = await where(db('substitutions as s')).count({ n: '*' });
  const rows = await where(named(db)).orderBy('s.created_at', 'desc').orderBy('s.id').limit(f.limit).offset(f.offset);
  return { rows: rows.map(fromRow), total: Number(n) };
}
