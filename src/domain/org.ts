import type { Knex } from 'knex';
import type { Actor } from '../engine/types.ts';
import {
  countUsers,
  getUser,
  groupsOf,
  insertGroups,
  insertUnits,
  insertUser,
  listGroups,
  listUnits,
  updateUnitPeople,
  setCertificate,
  grant,
  type UserRow,
} from '../store/org.ts';
import { DEMO_CERTIFICATES, DEMO_GROUPS, DEMO_LEADERS, DEMO_UNITS, DEMO_USERS } from './demo-org.ts';
import { setEmail } from '../store/notification-channels.ts';

/** A signed-in person as the engine and the API see them. */
export interface Person extends Actor {
  displayName: string;
  unitId: string | null;
}

/**
 * The acting person for a user id, with their groups; undefined for unknown or disabled users.
 * Usage: `const actor = await actorOf(db, 'leader')`.
 */
export async function actorOf(db: Knex, userId: string): Promise<Person | undefined> {
  const user = await getUser(db, userId);
  if (!user || user.status !== 'active') return undefined;
  return { id: user.id, groups: await groupsOf(db, user.id), displayName: user.displayName, unitId: user.unitId };
}

/**
 * Seeds units and groups (always, if missing) and, when there are no users yet and `withPeople`,
 * the demo sign-ins. Returns the ids of users created. Passwords are set by the auth module.
 */
export async function seedOrganisation(db: Knex, now: number, withPeople: boolean): Promise<string[]> {
  const haveUnits = new Set((await listUnits(db)).map((u) => u.id));
  await insertUnits(
    db,
    DEMO_UNITS.filter((u) => !haveUnits.has(u.id)).map((u) => ({ ...u, headUserId: null, contactUserId: null, active: true })),
    now,
  );
  const haveGroups = new Set((await listGroups(db)).map((g) => g.id));
  await insertGroups(
    db,
    DEMO_GROUPS.filter((g) => !haveGroups.has(g.id)),
    now,
  );
  if (!withPeople || (await countUsers(db)) > 0) return [];
  const created: string[] = [];
  await db.transaction(async (trx) => {
    for (const u of DEMO_USERS) {
      const row: UserRow = { id: u.id, displayName: u.displayName, unitId: u.unitId, title: u.title, phone: null, status: 'active', createdAt: now, updatedAt: now };
      await insertUser(trx, row);
      // Example addresses (the reserved .example domain never resolves) for the e-mail channel.
      await setEmail(trx, u.id, `${u.id}@czrf.example`);
      for (const g of u.groups) await grant(trx, u.id, g, 'system', now);
      if (u.role === 'head') await updateUnitPeople(trx, u.unitId, { headUserId: u.id });
      if (u.role === 'contact') await updateUnitPeople(trx, u.unitId, { contactUserId: u.id });
      if (DEMO_CERTIFICATES[u.id]) await setCertificate(trx, u.id, DEMO_CERTIFICATES[u.id], now);
      created.push(u.id);
    }
    for (const [unitId, leader] of Object.entries(DEMO_LEADERS)) await updateUnitPeople(trx, unitId, { leaderUserId: leader });
  });
  return created;
}
