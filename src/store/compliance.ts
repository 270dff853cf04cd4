import type { Knex } from 'knex';

/** Successful sign-ins per user name in [from, to). */
export async function successfulLogins(db: Knex, from: number, to: number): Promise<Map<string, number>> {
  const rows = await db('login_events').where('success', true).where('at', '>=', from).where('at', '<', to).groupBy('username').select('username').count({ n: '*' });
  return new Map(rows.map((r: any) => [r.username as string, Number(r.n)]));
}

export interface LoginEventRow {
  username: string;
  success: boolean;
  ip: string | null;
  at: number;
}

/** Sign-in attempts in [from, to), oldest first. */
export async function loginEvents(db: Knex, from: number, to: number): Promise<LoginEventRow[]> {
  const rows = await db('login_events').where('at', '>=', from).where('at', '<', to).orderBy('at').orderBy('id').select('username', 'success', 'ip', 'at');
  return rows.map((r: any) => ({ username: r.username, success: Boolean(r.success), ip: r.ip, at: Number(r.at) }));
}

export interface ComplianceRow {
  week: string;
  userId: string;
  role: 'supervision' | 'contact';
  unitId: string | null;
  logins: number;
  required: number;
  ok: boolean;
  checkedAt: number;
}

/** Records a week's check; a second check of the same week replaces the figures. */
export async function saveCompliance(db: Knex, rows: ComplianceRow[]): Promise<void> {
  if (!rows.length) return;
  await db('login_compliance')
    .insert(
      rows.map((r) => ({
        week: r.week,
        user_id: r.userId,
        role: r.role,
        unit_id: r.unitId,
        logins: r.logins,
        required: r.required,
        ok: r.ok,
        checked_at: r.checkedAt,
      })),
    )
    .onConflict(['week', 'user_id', 'role'])
    .merge();
}

export async function complianceOfWeek(db: Knex, week: string): Promise<ComplianceRow[]> {
  const rows = await db('login_compliance').where({ week }).orderBy('role').orderBy('user_id');
  return rows.map((r: any) => ({
    week: r.week,
    userId: r.user_id,
    role: r.role,
    unitId: r.unit_id,
    logins: r.logins,
    required: r.required,
    ok: Boolean(r.ok),
    checkedAt: Number(r.checked_at),
  }));
}

export interface SuggestionRow {
  id: string;
  userId: string;
  category: number;
  kind: string;
  reason: string;
  evidence: unknown;
  status: 'open' | 'confirmed' | 'dismissed';
  dedupeKey: string;
  createdAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  instanceId: string | null;
}

const toSuggestion = (r: any): SuggestionRow => ({
  id: r.id,
  userId: r.user_id,
  category: r.category,
  kind: r.kind,
  reason: r.reason,
  evidence: JSON.parse(r.evidence),
  status: r.status,
  dedupeKey: r.dedupe_key,
  createdAt: Number(r.created_at),
  decidedBy: r.decided_by,
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  instanceId: r.instance_id,
});

/** Inserts suggestions, skipping any whose dedupe key exists (suggested before). */
export async function insertSuggestions(db: Knex, rows: SuggestionRow[]): Promise<void> {
  for (const s of rows) {
    await db('accountability_suggestions')
      .insert({
        id: s.id,
        user_id: s.userId,
        category: s.category,
        kind: s.kind,
        reason: s.reason,
        evidence: JSON.stringify(s.evidence),
        status: s.status,
        dedupe_key: s.dedupeKey,
        created_at: s.createdAt,
      })
      .onConflict('dedupe_key')
      .ignore();
  }
}

export async function listSuggestions(db: Knex, status?: string): Promise<SuggestionRow[]> {
  const q = db('accountability_suggestions').orderBy('created_at', 'desc');
  if (status) q.where({ status });
  return (await q).map(toSuggestion);
}

export async function getSuggestion(db: Knex, id: string): Promise<SuggestionRow | undefined> {
  const r = await db('accountability_suggestions').where({ id }).first();
  return r && toSuggestion(r);
}

/** Decides an open suggestion; false if it was already decided. */
export async function decideSuggestion(db: Knex, id: string, status: 'confirmed' | 'dismissed', by: string, at: number, instanceId: string | null): Promise<boolean> {
  return (await db('accountability_suggestions').where({ id, status: 'open' }).update({ status, decided_by: by, decided_at: at, instance_id: instanceId })) === 1;
}
