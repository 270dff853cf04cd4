import type { Knex } from 'knex';
import { runStatementsIn } from '../db/batch.ts';
import type { InstanceRow } from '../store/instances.ts';
import { insertJobsStmt, type JobRow } from '../store/jobs.ts';
import { outboxJob } from './message-throw.ts';

/**
 * Signals (issue 11, item 4): a signal is broadcast to every subscription waiting for its name —
 * intermediate catch events, boundary events and event sub-process starts of any instance on any
 * node — and starts every process with a signal start event of that name.
 *
 * Through the outbox, in three kinds of jobs, each deleted in the transaction of what it causes:
 * - `signal`: written by the throwing step (or `POST /api/signals/:name`); whichever node runs it
 *   reads the subscriptions waiting at the time of the throw and writes one job per receiver;
 * - `signal-deliver`: one waiting subscription; its step signals the waiting event;
 * - `signal-start`: one signal start event; its step starts the instance.
 * So every waiting subscription gets the signal exactly once, whichever nodes run the jobs.
 *
 * The thrower's camunda:property `variables` (a comma list) names the variables the signal carries.
 */

export interface ThrownSignal {
  elementId: string;
  name: string;
}

/** Deploy checks for a throwing signal event's properties. */
export function signalThrowProblems(properties: Record<string, string>, label: string): string[] {
  const out: string[] = [];
  for (const v of (properties.variables ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!/^[A-Za-z_]\w*$/.test(v)) out.push(`信号抛出事件 ${label} 的 variables 中 "${v}" 不是有效的变量名`);
  }
  return out;
}

/** The outbox job of one broadcast. Usage: `insertJobsStmt([signalJob('flood-alert', {}, null, now)])`. */
export function signalJob(name: string, variables: Record<string, unknown>, from: string | null, now: number): JobRow {
  return signalJobRow('signal', { name, variables, from, at: now }, now, { elementId: name });
}

/** The outbox jobs for signals thrown in a step. */
export function thrownSignalJobs(
  thrown: ThrownSignal[],
  instance: InstanceRow,
  properties: (elementId: string) => Record<string, string>,
  variables: Record<string, unknown>,
  now: number,
): JobRow[] {
  return thrown.map((s) => {
    const carried: Record<string, unknown> = {};
    for (const v of (properties(s.elementId).variables ?? '').split(',').map((x) => x.trim()).filter(Boolean)) carried[v] = variables[v] ?? null;
    return signalJob(s.name, carried, instance.id, now);
  });
}

/** A signal outbox job (broadcast or delivery). */
export const signalJobRow = outboxJob;

/**
 * Queues a broadcast of signal `name` in its own transaction, with the caller's extra writes (the
 * API's audit row). Usage: `await queueSignal(db, 'flood-alert', { level: 3 }, now, hook)`.
 */
export async function queueSignal(
  db: Knex,
  name: string,
  variables: Record<string, unknown>,
  now: number,
  hook?: (trx: Knex.Transaction, job: JobRow) => Promise<void>,
): Promise<JobRow> {
  const row = signalJob(name, variables, null, now);
  await db.transaction(async (trx) => {
    await runStatementsIn(trx, insertJobsStmt([row]));
    await hook?.(trx, row);
  });
  return row;
}
