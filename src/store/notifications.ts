import type { Knex } from 'knex';

export interface NotificationRow {
  id: string;
  userId: string;
  kind: string;
  level: 'info' | 'yellow' | 'red';
  title: string;
  body: string | null;
  taskId: string | null;
  instanceId: string | null;
  dedupeKey: string;
  createdAt: number;
  readAt: number | null;
}

const toRow = (r: any): NotificationRow => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  level: r.level,
  title: r.title,
  body: r.body,
  taskId: r.task_id,
  instanceId: r.instance_id,
  dedupeKey: r.dedupe_key,
  createdAt: Number(r.created_at),
  readAt: r.read_at === null ? null : Number(r.read_at),
});

/** Inserts notifications, skipping any whose dedupe key exists (sent before, by any node). */
export async function insertNotifications(db: Knex, rows: NotificationRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db('notifications')
      .insert(
        rows.slice(i, i + 200).map((n) => ({
          id: n.id,
          user_id: n.userId,
          kind: n.kind,
          level: n.level,
          title: n.title,
          body: n.body,
          task_id: n.taskId,
          instance_id: n.instanceId,
          dedupe_key: n.dedupeKey,
          created_at: n.createdAt,
          read_at: n.readAt,
        })),
      )
      .onConflict('dedupe_key')
      .ignore();
  }
}

/** How many of these notifications exist (an insert skipped by its dedupe key leaves none). */
export async function countNotifications(db: Knex, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const r = await db('notifications').whereIn('id', ids).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

export async function listNotifications(
  db: Knex,
  userId: string,
  opts: { unread?: boolean; limit?: number; offset?: number } = {},
): Promise<{ rows: NotificationRow[]; total: number; unread: number }> {
  const base = () => {
    const q = db('notifications').where({ user_id: userId });
    if (opts.unread) q.whereNull('read_at');
    return q;
  };
  const [{ n }] = await base().count({ n: '*' });
  const [{ u }] = await db('notifications').where({ user_id: userId }).whereNull('read_at').count({ u: '*' });
  const rows = await base().orderBy('created_at', 'desc').orderBy('id').limit(opts.limit ?? 50).offset(opts.offset ?? 0);
  return { rows: rows.map(toRow), total: Number(n), unread: Number(u) };
}

/** Marks the user's notifications read (all, or the given ids); returns how many changed. */
export async function markNotificationsRead(db: Knex, userId: string, ids: string[] | 'all', now: number): Promise<number> {
  const q = db('notifications').where({ user_id: userId }).whereNull('read_at');
  if (ids !== 'all') q.whereIn('id', ids);
  return q.update({ read_at: now });
}

export async function notificationsByKind(db: Knex, kind: string): Promise<NotificationRow[]> {
  return (await db('notifications').where({ kind }).orderBy('created_at')).map(toRow);
}
