import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { appendHistory } from '../store/history.ts';
import { insertIncident } from '../store/incidents.ts';
import { getInstance } from '../store/instances.ts';
import { deleteJob, deleteLeasedJobStmt, insertJobs, releaseJob, rescheduleJobStmt, type JobRow } from '../store/jobs.ts';
import { runStatementsIn } from '../db/batch.ts';
import type { StepContext, StepHook, StepResult } from './steps.ts';
import { BpmnError, UncaughtBpmnError } from './bpmn-error.ts';
import { runCallJob, runCallReturnJob } from './call-jobs.ts';
import { nextFiring, retryPolicy } from '../lib/cycles.ts';
import type { DefinitionCache } from './definitions.ts';
import { JobPool, type PollerHealth } from './job-pool.ts';
import { messageJob } from './message-throw.ts';
import { evaluateInputs } from './io-mapping.ts';
import { runSignalDeliverJob, runSignalJob, runSignalStartJob } from './signal-jobs.ts';
import type { StepRunner } from './steps.ts';
import { checkGuard, EffectRefusedError, type EffectAuditor, type EffectGuard } from './guards.ts';
import type { Handler, MessageToSend } from './types.ts';
import { secondsSince, type EngineProbe } from './probe.ts';
import { runDecisionStep } from './dmn/run.ts';
import { DecisionError } from './dmn/evaluate.ts';

/** What runHandler answers when the handler threw a BpmnError (the step has routed it). */
const THROWN = Symbol('bpmn-error-thrown');

/**
 * Runs a job type the engine does not know itself (e.g. a notification delivery). It does its
 * work outside any step; when it resolves the job is removed (while this node holds its lease),
 * when it throws the job is retried with backoff and at the end becomes an incident of
 * `incidentType`. Such jobs may run more than once (a lost lease), so the work should tolerate that.
 */
export interface JobRunner {
  run: (job: JobRow) => Promise<void>;
  /** The incident type once retries are spent (default `failedJob`). */
  incidentType?: string;
}

/**
 * Writes the notices of a step the job runner made (a task a timer, service task or message
 * created; a case one completed) in the step's transaction. Registered by the services layer,
 * since the engine knows nothing of who is told what.
 */
export type JobStepNotice = (trx: Knex.Transaction, result: StepResult) => Promise<void>;

export interface JobExecutorOptions {
  db: Knex;
  clock: Clock;
  node: string;
  steps: StepRunner;
  definitions: DefinitionCache;
  handlers: Map<string, Handler>;
  /** Runners of job types registered from outside the engine (see JobRunner). */
  runners: Map<string, JobRunner>;
  /** Capabilities of effect handlers, by handler name (see guards.ts); a handler without one is unguarded. */
  guards: Map<string, EffectGuard>;
  /** Writes the audit rows of effects and refusals (registered by the services layer). */
  auditor: () => EffectAuditor | undefined;
  /** Writes the notices of job-run steps (registered by the services layer); none in bare engine tests. */
  stepNotice?: () => JobStepNotice | undefined;
  /** Correlates a queued message (EngineService#correlateMessage); `numbered` runs once a started case has its number. */
  correlate: (name: string, opts: MessageToSend & { hook: StepHook; numbered?: StepHook }) => Promise<unknown>;
  /** Cancels an instance a handler queued for cancelling (EngineService#cancel). */
  cancel: (instanceId: string, opts: { by: string; reason: string; hook: StepHook }) => Promise<unknown>;
  pollMs: number;
  /** A job's lease without heartbeat (default 30 s): how long a frozen node can hold a job. */
  leaseMs?: number;
  /** Jobs run at once on this node (default 4). */
  concurrency?: number;
  /** How often leases of running jobs are renewed (default a third of leaseMs). */
  heartbeatMs?: number;
  logger?: Logger;
  /** Told each job's run time and outcome, and lost leases (metrics). */
  probe?: EngineProbe;
}

/**
 * Runs due jobs: timers, service-task calls and timer start events. Each node polls; a job is
 * leased to one node at a time (SKIP LOCKED on PostgreSQL) for a short lease renewed while it runs,
 * and a dead node's lease expires so another node takes the job over (see job-pool.ts). Running a job is an engine step: the job row is removed in the
 * step's own transaction, so a job runs to completion exactly once.
 */
export class JobExecutor {
  private readonly o: Required<Omit<JobExecutorOptions, 'logger' | 'heartbeatMs' | 'probe' | 'stepNotice'>> & Pick<JobExecutorOptions, 'logger' | 'heartbeatMs' | 'probe' | 'stepNotice'>;
  /** Leasing, concurrency, heartbeat and release (job-pool.ts). */
  readonly pool: JobPool;

  constructor(o: JobExecutorOptions) {
    this.o = { ...o, leaseMs: o.leaseMs ?? 30_000, concurrency: Math.max(1, o.concurrency ?? 4) };
    this.pool = new JobPool({
      db: o.db,
      clock: o.clock,
      node: o.node,
      run: (job) => this.execute(job),
      pollMs: o.pollMs,
      leaseMs: this.o.leaseMs,
      concurrency: this.o.concurrency,
      heartbeatMs: o.heartbeatMs,
      logger: o.logger,
      onLeasesLost: (n) => o.probe?.leasesLost(n),
    });
  }

  /** Starts polling. */
  start(): void {
    this.pool.start();
  }

  /**
   * Stops polling, lets the jobs in hand finish for up to `graceMs`, and releases every lease this
   * node still holds (graceful shutdown).
   */
  async stop(graceMs?: number): Promise<void> {
    await this.pool.stop(graceMs);
  }

  /** Whether the poller lives (readiness). */
  health(): PollerHealth {
    return this.pool.health();
  }

  /** A step created jobs: run them now rather than at the next poll if they are due soon. */
  notify(earliestDue: number): void {
    this.pool.notify(earliestDue);
  }

  /**
   * Runs every job due now, a bounded number at once, and returns how many ran. Tests call this
   * to drive jobs deterministically instead of waiting for the poller.
   */
  async runDue(max = Infinity): Promise<number> {
    return this.pool.runDue(max);
  }

  /**
   * Runs the jobs of one instance that are due now, here (e.g. a deployment's activation right
   * after its approval, so the approver's answer says whether it took effect). A job another node
   * holds is left to it.
   */
  async runDueOf(instanceId: string): Promise<number> {
    return this.pool.runDueOf(instanceId);
  }

  private async execute(job: JobRow): Promise<void> {
    const began = performance.now();
    const failed = await this.executeOnce(job);
    this.o.probe?.job(job.type, secondsSince(began), failed ? 'failed' : 'ok');
  }

  /** Runs one job; answers whether it failed (it then waits for a retry or became an incident). */
  private async executeOnce(job: JobRow): Promise<boolean> {
    try {
      if (job.type === 'timer') await this.fireTimer(job);
      else if (job.type === 'service') await this.callService(job);
      else if (job.type === 'message') await this.sendMessage(job);
      else if (job.type === 'cancel') await this.cancelQueued(job);
      else if (job.type === 'call') await runCallJob(this.o, job);
      else if (job.type === 'call-return') await runCallReturnJob(this.o, job);
      else if (job.type === 'signal') await runSignalJob(this.o, job);
      else if (job.type === 'signal-deliver') await runSignalDeliverJob(this.o, job);
      else if (job.type === 'signal-start') await runSignalStartJob(this.o, job);
      else if (job.type === 'timer-start') await this.startByTimer(job);
      else await this.runExternal(job);
      return false;
    } catch (err) {
      // A call activity's child that was never started (its call job went with the call) has
      // nothing to cancel.
      const noChild = job.type === 'cancel' && (job.payload as { ifExists?: boolean } | null)?.ifExists && err instanceof AppError && err.code === 'INSTANCE_NOT_FOUND';
      if ((err instanceof AppError && err.code === 'INSTANCE_ENDED') || noChild) {
        await deleteJob(this.o.db, job.id);
        return false;
      }
      if (err instanceof EffectRefusedError) {
        await this.refuse(job, err);
        return true;
      }
      if (err instanceof UncaughtBpmnError || err instanceof DecisionError) {
        // A business error nothing catches will not go away by retrying: an incident at once.
        await this.fail({ ...job, retries: 1 }, err);
        return true;
      }
      await this.fail(job, err);
      return true;
    }
  }

  private async fireTimer(job: JobRow): Promise<void> {
    const notice = this.o.stepNotice?.();
    await this.o.steps.run(
      job.instanceId!,
      'system',
      (ctx) => {
        ctx.also.push(deleteLeasedJobStmt(job.id, this.o.node));
        ctx.live.fireTimer(job.executionId!);
      },
      notice ? { hook: notice } : {},
    );
  }

  private async callService(job: JobRow): Promise<void> {
    await this.o.steps.run(
      job.instanceId!,
      'system',
      async (ctx) => {
        ctx.also.push(deleteLeasedJobStmt(job.id, this.o.node));
        if (!ctx.live.hasService(job.executionId!)) return; // the task was interrupted meanwhile
        const info = ctx.live.def.element(job.elementId);
        if (info?.decision) return runDecisionStep(ctx, info, job.executionId!, this.o.clock.now());
        const handler = info?.handler ? this.o.handlers.get(info.handler) : undefined;
        if (!handler) throw new Error(`处理程序 "${info?.handler}" 未注册`);
        const topic = info!.handler!;
        const now = this.o.clock.now();
        const properties = info?.properties ?? {};
        // The capability is checked on what this transaction reads, so approvals cannot change
        // between the check and the effect.
        const guard = this.o.guards.get(topic);
        // Input mappings (io-mapping.ts) are the handler's own variables beside the instance's.
        const call = { variables: { ...ctx.variables, ...evaluateInputs(info?.io, ctx.variables) }, properties };
        const verdict = guard ? await checkGuard(ctx.trx!, guard, ctx.instance, call) : null;
        if (verdict && !verdict.ok) throw new EffectRefusedError(topic, verdict.problem);
        const approvals = verdict?.ok ? verdict.approvals : [];
        const output = await this.runHandler(ctx, job, info?.name, handler, {
          trx: ctx.trx!,
          instance: ctx.instance,
          variables: { ...call.variables },
          elementId: job.elementId,
          elementName: info?.name,
          properties,
          attempt: job.attempts + 1,
          now,
          sendMessage: (name, message) => queueMessage(ctx.trx!, name, message, this.o.clock.now()),
          cancelInstance: (instanceId, opts) => queueCancel(ctx.trx!, instanceId, opts, this.o.clock.now()),
          ...(guard && { authority: { requestedBy: ctx.instance.startedBy, approvals } }),
        });
        if (output === THROWN) return;
        if (guard?.effect) {
          const out = output && typeof output === 'object' ? output : {};
          await this.audit(ctx.trx!, `effect.${topic}`, job, ctx.instance.processKey, {
            requestedBy: ctx.instance.startedBy,
            approvedBy: approvals,
            changed: guard.describe ? guard.describe(call, out) : out,
          });
        }
        if (output && typeof output === 'object') Object.assign(ctx.variables, output);
        ctx.history.push({
          instanceId: ctx.instance.id,
          type: 'service.completed',
          elementId: job.elementId,
          elementName: info?.name,
          executionId: job.executionId,
          actor: 'system',
          at: this.o.clock.now(),
          data: { handler: info?.handler, attempt: job.attempts + 1 },
        });
        ctx.live.completeService(job.executionId!, output && typeof output === 'object' ? output : {});
      },
      { inTransaction: true, hook: this.o.stepNotice?.() },
    );
  }

  /**
   * Calls a handler; a BpmnError it throws ends the service task on the matching error boundary
   * (see bpmn-error.ts) and answers THROWN.
   */
  private async runHandler(
    ctx: StepContext,
    job: JobRow,
    elementName: string | undefined,
    handler: Handler,
    hctx: Parameters<Handler>[0],
  ): Promise<Awaited<ReturnType<Handler>> | typeof THROWN> {
    try {
      return await handler(hctx);
    } catch (err) {
      if (!(err instanceof BpmnError)) throw err;
      ctx.history.push({
        instanceId: ctx.instance.id,
        type: 'service.error',
        elementId: job.elementId,
        elementName,
        executionId: job.executionId,
        actor: 'system',
        at: this.o.clock.now(),
        data: { code: err.code, message: err.message, attempt: job.attempts + 1 },
      });
      ctx.live.failService(job.executionId!, err);
      return THROWN;
    }
  }

  private async sendMessage(job: JobRow): Promise<void> {
    const p = (job.payload ?? {}) as unknown as { name: string } & MessageToSend;
    // The job goes in the same transaction as the correlation: delivered exactly once.
    await this.o.correlate(p.name, {
      businessKey: p.businessKey,
      instanceId: p.instanceId,
      variables: p.variables,
      hook: (trx) => runStatementsIn(trx, [deleteLeasedJobStmt(job.id, this.o.node)]),
      numbered: this.o.stepNotice?.(),
    });
  }

  private async cancelQueued(job: JobRow): Promise<void> {
    const p = (job.payload ?? {}) as { instanceId: string; by: string; reason: string };
    // The job goes in the same transaction as the cancel: it happens exactly once.
    await this.o.cancel(p.instanceId, { by: p.by, reason: p.reason, hook: (trx) => runStatementsIn(trx, [deleteLeasedJobStmt(job.id, this.o.node)]) });
  }

  /** A job of a registered runner: its work, then its removal while this node holds the lease. */
  private async runExternal(job: JobRow): Promise<void> {
    const runner = this.o.runners.get(job.type);
    if (!runner) throw new Error(`此节点未配置 ${job.type} 任务的执行程序`);
    await runner.run(job);
    await runStatementsIn(this.o.db, [deleteLeasedJobStmt(job.id, this.o.node)]);
  }

  private async startByTimer(job: JobRow): Promise<void> {
    const def = await this.o.definitions.byId(job.definitionId!);
    const start = def.model.startEvents.find((s) => s.id === job.elementId);
    if (!start) {
      await deleteJob(this.o.db, job.id);
      return;
    }
    const now = this.o.clock.now();
    const payload = (job.payload ?? {}) as { fired?: number; repeats?: number; previous?: number | null };
    const fired = (payload.fired ?? 0) + 1;
    const repeats = payload.repeats ?? 1;
    const next = repeats !== -1 && fired >= repeats ? null : nextFiring(start, now, job.dueAt);
    await this.o.steps.start(def, start.id, {
      businessKey: null,
      variables: {},
      by: 'system',
      history: [{ instanceId: '', type: 'timer.start', elementId: start.id, actor: 'system', at: now, data: { jobId: job.id } }],
      numbered: this.o.stepNotice?.(),
      also: [
        next === null
          ? deleteLeasedJobStmt(job.id, this.o.node)
          : rescheduleJobStmt(job.id, this.o.node, next, { ...payload, fired, previous: job.dueAt }),
      ],
    });
  }

  /** The audit row of an effect or a refusal; without a registered auditor (bare engine tests), none. */
  private async audit(trx: Knex.Transaction, action: string, job: JobRow, processKey: string, after: Record<string, unknown>): Promise<void> {
    const auditor = this.o.auditor();
    if (!auditor || !job.instanceId) return;
    await auditor(trx, { action, instanceId: job.instanceId, processKey, elementId: job.elementId, after }, this.o.clock.now());
  }

  /**
   * A guard refused the call: no retry (the history will not change by waiting), an incident for
   * the monitor and an `effect.refused` audit row, together in one transaction.
   */
  private async refuse(job: JobRow, err: EffectRefusedError): Promise<void> {
    const now = this.o.clock.now();
    const attempts = job.attempts + 1;
    this.o.logger?.warn({ jobId: job.id, element: job.elementId, topic: err.topic, problem: err.problem }, 'effect refused');
    const instance = job.instanceId ? await getInstance(this.o.db, job.instanceId) : undefined;
    await this.o.db.transaction(async (trx) => {
      const held = await releaseJob(trx, job.id, this.o.node, { dueAt: null, attempts, retries: 0, lastError: err.message });
      if (!held) return;
      const incidentId = randomUUID();
      await insertIncident(trx, {
        id: incidentId,
        instanceId: job.instanceId,
        jobId: job.id,
        elementId: job.elementId,
        type: 'effectRefused',
        message: err.message,
        status: 'open',
        createdAt: now,
        resolvedAt: null,
        resolvedBy: null,
      });
      if (job.instanceId) {
        await appendHistory(trx, [
          { instanceId: job.instanceId, type: 'incident.created', elementId: job.elementId, actor: 'system', at: now, data: { incidentId, message: err.message, attempts } },
        ]);
      }
      await this.audit(trx, 'effect.refused', job, instance?.processKey ?? '', {
        topic: err.topic,
        problem: err.problem,
        requestedBy: instance?.startedBy ?? null,
        incidentId,
      });
    });
  }

  private async fail(job: JobRow, err: unknown): Promise<void> {
    const message = String((err as Error)?.message ?? err).slice(0, 4000);
    const attempts = job.attempts + 1;
    const retries = job.retries - 1;
    const now = this.o.clock.now();
    this.o.logger?.warn({ jobId: job.id, type: job.type, element: job.elementId, attempts, err: message }, 'job failed');
    if (retries > 0) {
      const { delayMs } = retryPolicy(job.retryCycle);
      // Exponential backoff from the configured interval: 10 s, 20 s, 40 s … for R3/PT10S.
      const backoff = delayMs * 2 ** (attempts - 1);
      await releaseJob(this.o.db, job.id, this.o.node, { dueAt: now + backoff, attempts, retries, lastError: message });
      return;
    }
    await this.o.db.transaction(async (trx) => {
      const held = await releaseJob(trx, job.id, this.o.node, { dueAt: null, attempts, retries: 0, lastError: message });
      if (!held) return;
      const incidentId = randomUUID();
      await insertIncident(trx, {
        id: incidentId,
        instanceId: job.instanceId,
        jobId: job.id,
        elementId: job.elementId,
        type: this.o.runners.get(job.type)?.incidentType ?? 'failedJob',
        message,
        status: 'open',
        createdAt: now,
        resolvedAt: null,
        resolvedBy: null,
      });
      if (job.instanceId) {
        await appendHistory(trx, [
          { instanceId: job.instanceId, type: 'incident.created', elementId: job.elementId, actor: 'system', at: now, data: { incidentId, message, attempts } },
        ]);
      }
    });
  }
}

/**
 * Queues message `name` in a transaction: it is correlated after commit by whichever node runs the
 * job, retried if nothing waits for it yet, and raises an incident if it never finds a receiver.
 * Usage (in a handler): `await ctx.sendMessage('accountability-open', { variables })`.
 */
export async function queueMessage(trx: Knex | Knex.Transaction, name: string, message: MessageToSend, now: number): Promise<void> {
  await insertJobs(trx, [messageJob(name, { name, ...message }, now)]);
}

/**
 * Queues the cancelling of instance `instanceId` in a transaction (see HandlerContext.cancelInstance):
 * run after commit; an instance that ended meanwhile drops the job (INSTANCE_ENDED).
 */
export async function queueCancel(trx: Knex | Knex.Transaction, instanceId: string, opts: { by: string; reason: string }, now: number): Promise<void> {
  await insertJobs(trx, [
    {
      id: randomUUID(),
      type: 'cancel',
      instanceId: null,
      definitionId: null,
      executionId: null,
      elementId: 'cancel',
      dueAt: now,
      lockedBy: null,
      lockedUntil: null,
      attempts: 0,
      retries: 5,
      retryCycle: 'R5/PT30S',
      lastError: null,
      payload: { instanceId, by: opts.by, reason: opts.reason },
      createdAt: now,
    },
  ]);
}
