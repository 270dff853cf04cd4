import type { Knex } from 'knex';

/** What a person wants delivered besides in-app (which is always on). */
export interface ChannelPreferences {
  email: boolean;
  webhook: boolean;
}

/** A person's stored preferences, or undefined when they never chose (the defaults apply). */
export async function getPreferences(db: Knex, userId: string): Promise<ChannelPreferences | undefined> {
  const r = await db('notification_preferences').where({ user_id: userId }).first();
  return r && { email: !!r.email, webhook: !!r.webhook };
}

/** The stored preferences of several people (those who never chose are absent). */
export async function preferencesOf(db: Knex, userIds: string[]): Promise<Map<string, ChannelPreferences>> {
  const out = new Map<string, ChannelPreferences>();
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db('notification_preferences').whereIn('user_id', userIds.slice(i, i + 500));
    for (const r of rows) out.set(r.user_id, { email: !!r.email, webhook: !!r.webhook });
  }
  return out;
}

/** Stores a person's preferences (insert or replace). */
export async function savePreferences(db: Knex, userId: string, p: ChannelPreferences, now: number): Promise<void> {
  await db('notification_preferences')
    .insert({ user_id: userId, email: p.email, webhook: p.webhook, updated_at: now })
    .onConflict('user_id')
    .merge({ email: p.email, webhook: p.webhook, updated_at: now });
}

/** People's e-mail addresses and display names (a person without an address has `email: null`). */
export async function contactsOf(db: Knex, userIds: string[]): Promise<Map<string, { email: string | null; displayName: string }>> {
  const out = new Map<string, { email: string | null; displayName: string }>();
  for (let i = 0; i < userIds.length; i += 500) {
    const rows = await db('users').whereIn('id', userIds.slice(i, i + 500)).select('id', 'email', 'display_name');
    for (const r of rows) out.set(r.id, { email: r.email ?? null, displayName: r.display_name });
  }
  return out;
}

/** Sets a person's e-mail address (null removes it); false when there is no such user. */
export async function setEmail(db: Knex, userId: string, email: string | null): Promise<boolean> {
  return (await db('users').where({ id: userId }).update({ email })) === 1;
}

/** Which of these notification ids exist (an insert skipped by its dedupe key leaves none). */
export async function existingNotificationIds(db: Knex, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const r of await db('notifications').whereIn('id', ids.slice(i, i + 500)).select('id')) out.add(r.id);
  }
  return out;
}

/** A notification as a channel delivers it: the words, and to whom. */
export interface Deliverable {
  id: string;
  userId: string;
  displayName: string | null;
  email: string | null;
  title: string;
  body: string | null;
  kind: string;
  instanceId: string | null;
}

/** The notification a delivery job carries, with its addressee's name and current address. */
export async function deliverable(db: Knex, notificationId: string): Promise<Deliverable | undefined> {
  const r = await db('notifications as n')
    .leftJoin('users as u', 'u.id', 'n.user_id')
    .where('n.id', notificationId)
    .first('n.id', 'n.user_id', 'n.title', 'n.body', 'n.kind', 'n.instance_id', 'u.display_name', 'u.email');
  return r && { id: r.id, userId: r.user_id, displayName: r.display_name ?? null, email: r.email ?? null, title: r.title, body: r.body, kind: r.kind, instanceId: r.instance_id };
}
