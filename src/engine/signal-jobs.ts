import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { runStatementsIn } from '../db/batch.ts';
import { deleteLeasedJobStmt, insertJobsStmt, type JobRow } from '../store/jobs.ts';
import { signalReceivers } from '../store/subscriptions.ts';
import type { DefinitionCache } from './definitions.ts';
import { signalJobRow as job } from './signals.ts';
import type { StepRunner } from './steps.ts';

/** Running the signal broadcast's jobs (see signals.ts), each deleted in the transaction of its effect. */
export interface SignalJobDeps {
  db: Knex;
  clock: Clock;
  node: string;
  steps: StepRunner;
  definitions: DefinitionCache;
}

interface SignalPayload {
  name: string;
  variables?: Record<string, unknown>;
  from?: string | null;
  at?: number;
}

/**
 * Runs a `signal` job: one delivery job per subscription waiting at the time of the throw and one
 * start job per signal start event, written with the deletion of the broadcast job.
 */
export async function runSignalJob(deps: SignalJobDeps, signal: JobRow): Promise<number> {
  const p = signal.payload as unknown as SignalPayload;
  const now = deps.clock.now();
  let receivers = 0;
  await deps.db.transaction(async (trx) => {
    const subs = await signalReceivers(trx, p.name, p.at ?? signal.createdAt, p.from ?? null);
    const jobs = subs.map((s) =>
      s.type === 'signal-start'
        ? job('signal-start', { name: p.name, variables: p.variables ?? {} }, now, { definitionId: s.definitionId, elementId: s.elementId })
        : // The receiver is in the payload: instance_id stays empty so two signals may wait for one subscription.
          job('signal-deliver', { name: p.name, variables: p.variables ?? {}, instanceId: s.instanceId, executionId: s.executionId }, now, { elementId: s.elementId }),
    );
    receivers = jobs.length;
    await runStatementsIn(trx, [deleteLeasedJobStmt(signal.id, deps.node), ...insertJobsStmt(jobs)]);
  });
  return receivers;
}

/** Runs a `signal-deliver` job: the waiting event of one instance receives the signal, once. */
export async function runSignalDeliverJob(deps: SignalJobDeps, delivery: JobRow): Promise<void> {
  const p = delivery.payload as unknown as SignalPayload & { instanceId: string; executionId: string };
  await deps.steps.run(p.instanceId, 'system', (ctx) => {
    ctx.also.push(deleteLeasedJobStmt(delivery.id, deps.node));
    if (!ctx.live.hasSignalWait(p.executionId)) return; // it stopped waiting meanwhile
    Object.assign(ctx.variables, p.variables ?? {});
    ctx.history.push({
      instanceId: ctx.instance.id,
      type: 'signal.received',
      elementId: delivery.elementId,
      executionId: p.executionId,
      actor: 'system',
      at: deps.clock.now(),
      data: { name: p.name },
    });
    ctx.live.deliverSignal(p.executionId, p.variables ?? {});
  });
}

/** Runs a `signal-start` job: a new instance of the definition, started at its signal start event. */
export async function runSignalStartJob(deps: SignalJobDeps, start: JobRow): Promise<void> {
  const p = start.payload as unknown as SignalPayload;
  const def = await deps.definitions.byId(start.definitionId!);
  await deps.steps.start(def, start.elementId, {
    businessKey: null,
    variables: { ...(p.variables ?? {}) },
    by: 'system',
    history: [{ instanceId: '', type: 'signal.received', elementId: start.elementId, actor: 'system', at: deps.clock.now(), data: { name: p.name } }],
    also: [deleteLeasedJobStmt(start.id, deps.node)],
  });
}

