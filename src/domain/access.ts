import type { Knex } from 'knex';
import { canSee } from '../engine/tasks.ts';
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

/** Assignee, candidate or completer of the task, or supervision. */
export function mayViewTask(task: TaskRow, p: Person): boolean {
  return canSee(task, p) || task.completedBy === p.id || isSupervision(p);
}

/** The starter, anyone who had a task in it, or supervision. */
export async function mayViewInstance(db: Knex, instance: Pick<InstanceRow, 'id' | 'startedBy'>, p: Person): Promise<boolean> {
  if (isSupervision(p) || instance.startedBy === p.id) return true;
  return tookPart(db, instance.id, { user: p.id, groups: p.groups });
}
