import type { Knex } from 'knex';
import type { Authenticated } from '../domain/auth.ts';
import { unitRoles } from '../domain/supervision/unit-work.ts';
import { getUnit, getUser, listGroups, listUnits, listUsers } from '../store/org.ts';

/**
 * Reads of the organisation for the HTTP layer: the directory of names, who the signed-in person
 * is, and display names by user id.
 */

/** Names, titles and units of everyone, the groups' and units' names (no phones, no memberships). */
export async function directory(db: Knex) {
  const [users, groups, units] = await Promise.all([listUsers(db), listGroups(db), listUnits(db)]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return {
    users: users.map((u) => ({ id: u.id, displayName: u.displayName, title: u.title, unitId: u.unitId, unitName: u.unitId ? (unitName.get(u.unitId) ?? null) : null, status: u.status })),
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
    units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind })),
  };
}

/** The signed-in person: user, groups with names, unit with their role in it. */
export async function whoAmI(db: Knex, a: Authenticated) {
  const user = await getUser(db, a.person.id);
  const unit = a.person.unitId ? await getUnit(db, a.person.unitId) : undefined;
  const names = new Map((await listGroups(db)).map((g) => [g.id, g.name]));
  return {
    user: { id: a.person.id, displayName: a.person.displayName, title: user?.title ?? null, unitId: a.person.unitId },
    groups: a.person.groups.map((id) => ({ id, name: names.get(id) ?? id })),
    unit: unit ? { id: unit.id, name: unit.name, kind: unit.kind, ...unitRoles(unit, a.person.id) } : null,
    mustChangePassword: a.mustChangePassword,
    passwordExpiresAt: a.passwordExpiresAt,
  };
}

/** Display names of `ids` (unknown ids are left out). */
export async function displayNames(db: Knex, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  return new Map((await listUsers(db, { ids: unique })).map((u) => [u.id, u.displayName]));
}

/** Unit names by id. */
export async function unitNames(db: Knex): Promise<Map<string, string>> {
  return new Map((await listUnits(db)).map((u) => [u.id, u.name]));
}
