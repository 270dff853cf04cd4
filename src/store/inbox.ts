import type { Knex } from 'knex';
import { applyTaskFilter, candidateIds, sortColumn, taskFromRow, type TaskFilter, type TaskRow } from './tasks.ts';

/**
 * The inbox query (`GET /api/tasks`), shaped for 100,000+ open tasks. Same filter as
 * `listTasks` in tasks.ts, but "may claim" is written two ways and chosen by how many tasks match:
 *
 * - counting goes from the person's candidate rows to the tasks (`id IN (…)`, a covering-index
 *   lookup per candidate task);
 * - a page of many matches walks the open tasks in sort order and stops after `limit` matches
 *   (`EXISTS`, a primary-key probe per task looked at); a page of few matches is read like the
 *   count, then sorted. Walking would read every open task to find a rare match; reading every
 *   match of a common group would sort thousands of rows for fifty.
 */

/** Matches above which a page walks the open tasks in order instead of reading every match. */
const WALK_FROM = 500;

type Who = { user: string; groups: string[] };

function isCandidateOf(db: Knex, who: Who): Knex.QueryBuilder {
  return db('task_candidates as c')
    .select(db.raw('1'))
    .whereRaw('c.task_id = tasks.id')
    .where((w) => {
      w.where({ 'c.kind': 'user', 'c.name': who.user });
      if (who.groups.length) w.orWhere((g) => g.where('c.kind', 'group').whereIn('c.name', who.groups));
    });
}

function applyFilter(db: Knex, q: Knex.QueryBuilder, f: TaskFilter, walk: boolean): Knex.QueryBuilder {
  return applyTaskFilter(db, q, f, (b, who) => (walk ? b.whereExists(isCandidateOf(db, who)) : b.whereIn('id', candidateIds(db, who))));
}

/**
 * The filter as disjoint parts with their counts: "assigned to me or claimable" is two parts
 * (each can use its own index), anything else one.
 */
async function countedParts(db: Knex, f: TaskFilter): Promise<Array<{ filter: TaskFilter; count: number }>> {
  const count = async (filter: TaskFilter) => {
    const [{ n }] = await applyFilter(db, db('tasks'), filter, false).count({ n: '*' });
    return { filter, count: Number(n) };
  };
  if (!f.visibleTo) return [await count(f)];
  const { visibleTo, ...rest } = f;
  if (f.assignee) return [await count(f.assignee === visibleTo.user ? rest : f)];
  return [await count({ ...rest, assignee: visibleTo.user }), await count({ ...rest, claimableBy: visibleTo })];
}

/**
 * A page of tasks and the total, as `listTasks` answers it.
 * Usage: `await listInboxTasks(db, { status: 'open', claimableBy: { user, groups }, limit: 50 })`.
 */
export async function listInboxTasks(db: Knex, f: TaskFilter): Promise<{ rows: TaskRow[]; total: number }> {
  const parts = (await countedParts(db, f)).filter((p) => p.count > 0);
  const total = parts.reduce((sum, p) => sum + p.count, 0);
  const limit = f.limit ?? 50;
  const offset = f.offset ?? 0;
  if (total === 0 || offset >= total) return { rows: [], total };
  const sort = f.sort ?? 'created';
  const dir = sort.startsWith('-') ? 'desc' : 'asc';
  const byDue = sort.replace('-', '') === 'due';
  const col = sortColumn(sort);
  // Each part gives its first offset + limit rows in index order; the union is sorted and cut.
  // Sorting by due time puts tasks without one last, so those are a part of their own.
  const subqueries: Knex.QueryBuilder[] = [];
  for (const p of parts) {
    const walk = Boolean(p.filter.claimableBy) && p.count > WALK_FROM;
    const base = () => applyFilter(db, db('tasks').select('*'), p.filter, walk);
    const pieces = byDue ? [base().whereNotNull('due_at'), base().whereNull('due_at')] : [base()];
    for (const q of pieces) subqueries.push(q.orderBy(col, dir).orderBy('id').limit(offset + limit));
  }
  const order = (q: Knex.QueryBuilder) => {
    if (byDue) q.orderByRaw('CASE WHEN due_at IS NULL THEN 1 ELSE 0 END');
    return q.orderBy(col, dir).orderBy('id');
  };
  let rows: any[];
  if (subqueries.length === 1) {
    rows = await order(applyFilter(db, db('tasks').select('*'), parts[0].filter, Boolean(parts[0].filter.claimableBy) && total > WALK_FROM))
      .limit(limit)
      .offset(offset);
  } else {
    const [first, ...others] = subqueries.map((q, i) => db.select('*').from(q.as(`p${i}`)));
    rows = await order(db.select('*').from(first.unionAll(others).as('u')))
      .limit(limit)
      .offset(offset);
  }
  return { rows: rows.map(taskFromRow), total };
}
