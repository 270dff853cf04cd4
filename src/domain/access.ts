import type { Knex } from 'knex';
import { isCopiedTo } from '../store/case-cc.ts';
import { isAssignee, isCandidate } from '../engine/tasks.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { TaskRow } from '../store/tasks.ts';
import { tookPart } from '../store/visibility.ts';
import type { Person } from './org.ts';

/**
 * Who may look at what. Working on a task (claim, complete) is the engine's check; these rules
 * decide what a person may read: their own work, and everything for the supervision office
 * (read-only: the engine still refuses them others' tasks).
 */

export const SUPERVISION = 'supervision';

export function isSupervision(p: Person): boolean {
  return p.groups.includes(SUPERVISION);
}

/**
 * Assignee or completer of the task, a candidate while it is open and unclaimed, or supervision.
 * Once someone claimed or finished it, the other candidates no longer read it.
 */
export function mayViewTask(task: TaskRow, p: Person): boolean {
  if (isSupervision(p) || p.system === true) return true;
  if (isAssignee(task, p) || task.completedBy === p.id) return true;
  return task.status === 'open' && !task.assignee && isCandidate(task, p);
}

/** The starter, anyone who acted on it or may act on it now (see visibility.ts), or supervision. */
export async function mayViewInstance(db: Knex, instance: Pick<InstanceRow, 'id' | 'startedBy'>, p: Person): Promise<boolean> {
  if (isSupervision(p) || instance.startedBy === p.id) return true;
  // A case copied to someone (抄送) is theirs to read.
  return (await tookPart(db, instance.id, { user: p.id, groups: p.groups })) || isCopiedTo(db, instance.id, p.id);
}
