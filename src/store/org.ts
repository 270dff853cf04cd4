import type { Knex } from 'knex';
import { toJson } from './json.ts';

export interface UnitRow {
  id: string;
  name: string;
  kind: 'leadership' | 'office' | 'unit' | 'vendor' | 'district';
  parentId: string | null;
  headUserId: string | null;
  contactUserId: string | null;
  /** The bureau leader in charge of the unit (分管领导), kept by the Art. 9 procedure. */
  leaderUserId?: string | null;
  sort: number;
  active: boolean;
}

export interface UserRow {
  id: string;
  displayName: string;
  unitId: string | null;
  title: string | null;
  phone: string | null;
  status: 'active' | 'disabled';
  createdAt: number;
  updatedAt: number;
}

export interface GroupRow {
  id: string;
  name: string;
  description: string | null;
}

const toUnit = (r: any): UnitRow => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  parentId: r.parent_id,
  headUserId: r.head_user_id,
  contactUserId: r.contact_user_id,
  leaderUserId: r.leader_user_id ?? null,
  sort: r.sort,
  active: Boolean(r.active),
});

const toUser = (r: any): UserRow => ({
  id: r.id,
  displayName: r.display_name,
  unitId: r.unit_id,
  title: r.title,
  phone: r.phone,
  status: r.status,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function insertUnits(db: Knex, rows: UnitRow[], now: number): Promise<void> {
  if (!rows.length) return;
  await db('units').insert(
    rows.map((u) => ({
      id: u.id,
      name: u.name,
      kind: u.kind,
      parent_id: u.parentId,
      head_user_id: u.headUserId,
      contact_user_id: u.contactUserId,
      sort: u.sort,
      active: u.active,
      created_at: now,
    })),
  );
}

export async function updateUnitPeople(db: Knex, unitId: string, people: { headUserId?: string | null; contactUserId?: string | null; leaderUserId?: string | null }): Promise<void> {
  await db('units')
    .where({ id: unitId })
    .update({
      ...(people.headUserId !== undefined && { head_user_id: people.headUserId }),
      ...(people.contactUserId !== undefined && { contact_user_id: people.contactUserId }),
      ...(people.leaderUserId !== undefined && { leader_user_id: people.leaderUserId }),
    });
}

/** A person's law-enforcement certificate (执法证); expiry a Beijing date YYYY-MM-DD. */
export interface Certificate {
  number: string;
  scope: string;
  expires: string;
}

/** Records (or with null, withdraws) a person's 执法证. */
export async function setCertificate(db: Knex, userId: string, cert: Certificate | null, now: number): Promise<void> {
  await db('users')
    .where({ id: userId })
    .update({ cert_number: cert?.number ?? null, cert_scope: cert?.scope ?? null, cert_expires: cert?.expires ?? null, updated_at: now });
}

/** A leader who leaves stops leading the units they were in charge of. */
export async function clearLeaderOf(db: Knex, userId: string): Promise<void> {
  await db('units').where({ leader_user_id: userId }).update({ leader_user_id: null });
}

/** A person's 执法证, if one is recorded. */
export async function getUserCertificate(db: Knex, userId: string): Promise<Certificate | undefined> {
  const r = await db('users').where({ id: userId }).whereNotNull('cert_number').first('cert_number', 'cert_scope', 'cert_expires');
  return r ? { number: r.cert_number, scope: r.cert_scope ?? '', expires: r.cert_expires ?? '' } : undefined;
}

/** The organisation register as one snapshot: units with their people, users with unit and certificate. */
export interface OrgSnapshot {
  units: UnitRow[];
  people: Array<{ id: string; unitId: string | null; status: string; displayName: string; cert: Certificate | null }>;
}

/** Usage: `const org = await organisationSnapshot(trx)`. */
export async function organisationSnapshot(db: Knex): Promise<OrgSnapshot> {
  const units = (await db('units').orderBy('sort')).map(toUnit);
  const people = (await db('users').select('id', 'unit_id', 'status', 'display_name', 'cert_number', 'cert_scope', 'cert_expires')).map((r: any) => ({
    id: r.id,
    unitId: r.unit_id,
    status: r.status,
    displayName: r.display_name,
    cert: r.cert_number ? { number: r.cert_number, scope: r.cert_scope ?? '', expires: r.cert_expires ?? '' } : null,
  }));
  return { units, people };
}

export async function listUnits(db: Knex): Promise<UnitRow[]> {
  return (await db('units').orderBy('sort').orderBy('id')).map(toUnit);
}

export async function getUnit(db: Knex, id: string): Promise<UnitRow | undefined> {
  const r = await db('units').where({ id }).first();
  return r && toUnit(r);
}

export async function insertUser(db: Knex, u: UserRow): Promise<void> {
  await db('users').insert({
    id: u.id,
    display_name: u.displayName,
    unit_id: u.unitId,
    title: u.title,
    phone: u.phone,
    status: u.status,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  });
}

export async function updateUser(db: Knex, id: string, patch: Partial<Pick<UserRow, 'displayName' | 'unitId' | 'title' | 'phone' | 'status'>>, now: number): Promise<boolean> {
  const n = await db('users')
    .where({ id })
    .update({
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.unitId !== undefined && { unit_id: patch.unitId }),
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.phone !== undefined && { phone: patch.phone }),
      ...(patch.status !== undefined && { status: patch.status }),
      updated_at: now,
    });
  return n === 1;
}

export async function getUser(db: Knex, id: string): Promise<UserRow | undefined> {
  const r = await db('users').where({ id }).first();
  return r && toUser(r);
}

export async function listUsers(db: Knex, f: { unitId?: string; groupId?: string; status?: string; ids?: string[] } = {}): Promise<UserRow[]> {
  const q = db('users').select('users.*').orderBy('users.unit_id').orderBy('users.id');
  if (f.ids) q.whereIn('users.id', f.ids);
  if (f.unitId) q.where('users.unit_id', f.unitId);
  if (f.status) q.where('users.status', f.status);
  if (f.groupId) q.join('memberships', 'memberships.user_id', 'users.id').where('memberships.group_id', f.groupId);
  return (await q).map(toUser);
}

export async function countUsers(db: Knex): Promise<number> {
  const r = await db('users').count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

export async function insertGroups(db: Knex, rows: GroupRow[], now: number): Promise<void> {
  if (!rows.length) return;
  await db('groups').insert(rows.map((g) => ({ id: g.id, name: g.name, description: g.description, created_at: now })));
}

export async function listGroups(db: Knex): Promise<GroupRow[]> {
  return (await db('groups').orderBy('id')).map((r: any) => ({ id: r.id, name: r.name, description: r.description }));
}

export async function getGroup(db: Knex, id: string): Promise<GroupRow | undefined> {
  const r = await db('groups').where({ id }).first();
  return r && { id: r.id, name: r.name, description: r.description };
}

export async function groupsOf(db: Knex, userId: string): Promise<string[]> {
  return (await db('memberships').where({ user_id: userId }).orderBy('group_id')).map((r: any) => r.group_id);
}

/** Adds a membership; false if the user already had it. */
export async function grant(db: Knex, userId: string, groupId: string, by: string, now: number): Promise<boolean> {
  const exists = await db('memberships').where({ user_id: userId, group_id: groupId }).first();
  if (exists) return false;
  await db('memberships').insert({ user_id: userId, group_id: groupId, granted_at: now, granted_by: by });
  return true;
}

/** Removes a membership; false if the user did not have it. */
export async function revoke(db: Knex, userId: string, groupId: string): Promise<boolean> {
  return (await db('memberships').where({ user_id: userId, group_id: groupId }).delete()) === 1;
}

export async function recordOrgChange(
  db: Knex,
  c: {
    userId: string | null;
    action: string;
    detail: unknown;
    instanceId?: string | null;
    reason?: string | null;
    by: string;
    at: number;
    requestedBy?: string | null;
    approvedBy?: unknown;
  },
): Promise<void> {
  await db('org_changes').insert({
    requested_by: c.requestedBy ?? null,
    approved_by: c.approvedBy === undefined || c.approvedBy === null ? null : toJson(c.approvedBy),
    user_id: c.userId,
    action: c.action,
    detail: toJson(c.detail),
    instance_id: c.instanceId ?? null,
    reason: c.reason ?? null,
    by: c.by,
    at: c.at,
  });
}

export async function orgChangesOf(
  db: Knex,
  userId: string,
): Promise<Array<{ action: string; detail: unknown; instanceId: string | null; reason: string | null; by: string; at: number; requestedBy: string | null; approvedBy: unknown }>> {
  const rows = await db('org_changes').where({ user_id: userId }).orderBy('id');
  return rows.map((r: any) => ({
    action: r.action,
    detail: JSON.parse(r.detail),
    instanceId: r.instance_id,
    reason: r.reason,
    by: r.by,
    at: Number(r.at),
    requestedBy: r.requested_by ?? null,
    approvedBy: r.approved_by ? JSON.parse(r.approved_by) : null,
  }));
}

/** When the organisation was first set up: the platform's go-live, for periodic checks. */
export async function organisationSince(db: Knex): Promise<number | null> {
  const r = await db('units').min({ at: 'created_at' }).first();
  return r?.at === null || r?.at === undefined ? null : Number(r.at);
}
