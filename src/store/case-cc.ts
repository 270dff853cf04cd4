import type { Knex } from 'knex';

export interface CcRow {
  id: string;
  instanceId: string;
  taskId: string | null;
  userId: string;
  by: string;
  comment: string | null;
  createdAt: number;
  readAt: number | null;
}

/** Copies a case to users (抄送); a user who already has a copy of the case keeps the first. Returns the users newly copied. */
export async function insertCc(trx: Knex.Transaction, rows: CcRow[]): Promise<string[]> {
  if (!rows.length) return [];
  const have = new Set(
    (await trx('case_cc').select('user_id').where({ instance_id: rows[0].instanceId }).whereIn('user_id', rows.map((r) => r.userId))).map((r: any) => r.user_id as string),
  );
  const fresh = rows.filter((r) => !have.has(r.userId));
  if (fresh.length) {
    await trx('case_cc').insert(
      fresh.map((r) => ({ id: r.id, instance_id: r.instanceId, task_id: r.taskId, user_id: r.userId, by: r.by, comment: r.comment, created_at: r.createdAt, read_at: null })),
    );
  }
  return fresh.map((r) => r.userId);
}

/** Whether the case was copied to the user (they may read it). */
export async function isCopiedTo(db: Knex, instanceId: string, userId: string): Promise<boolean> {
  return Boolean(await db('case_cc').where({ instance_id: instanceId, user_id: userId }).first('id'));
}

/** 抄送我的: the cases copied to a user, newest first, with their labels. */
export async function ccOf(db: Knex, userId: string, page: { limit: number; offset: number }): Promise<{ rows: Array<CcRow & { caseNumber: string | null; subject: string | null; processKey: string; status: string; startedByName: string | null; byName: string | null }>; total: number }> {
  const base = db('case_cc as c').where('c.user_id', userId);
  const total = Number(((await base.clone().count({ n: '*' }).first()) as any)?.n ?? 0);
  const rows = await base
    .clone()
    .join('process_instances as p', 'p.id', 'c.instance_id')
    .leftJoin('users as u', 'u.id', 'c.by')
    .select('c.*', 'p.case_number', 'p.subject', 'p.process_key', 'p.status', 'p.started_by_name', { by_name: 'u.display_name' })
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id')
    .limit(page.limit)
    .offset(page.offset);
  return {
    total,
    rows: rows.map((r: any) => ({
      id: r.id,
      instanceId: r.instance_id,
      taskId: r.task_id,
      userId: r.user_id,
      by: r.by,
      comment: r.comment,
      createdAt: Number(r.created_at),
      readAt: r.read_at === null ? null : Number(r.read_at),
      caseNumber: r.case_number,
      subject: r.subject,
      processKey: r.process_key,
      status: r.status,
      startedByName: r.started_by_name,
      byName: r.by_name ?? null,
    })),
  };
}
