import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { lockForWrite, runStatements, runStatementsIn, StaleWriteError, type Statement } from '../db/batch.ts';
import { ConflictError, ExpressionError, NotFoundError } from '../errors.ts';
import { appendHistoryStmts, type HistoryRow } from '../store/history.ts';
import { getInstance, getInstanceState, getInstanceVersion, insertInstanceStmt, updateInstanceStmt, type InstanceRow } from '../store/instances.ts';
import { deleteInstanceJobsStmt, insertJobsStmt, type JobRow } from '../store/jobs.ts';
import { deleteSubscriptionsStmt, insertSubscriptionsStmt } from '../store/subscriptions.ts';
import { closeTasksStmt, insertTasksStmts, type TaskRow } from '../store/tasks.ts';
import { cancelSignersStmts } from '../store/add-signers.ts';
import { KeyedMutex, Lru } from './cache.ts';
import { retryPolicy } from '../lib/cycles.ts';
import { secondsSince, type EngineProbe } from './probe.ts';
import type { DefinitionCache } from './definitions.ts';
import { EngineStepError, LiveInstance, type CompiledDefinition } from './runtime.ts';
import { describeNewCase, numberNewCase } from './case-numbers.ts';
import { copyDeclared, declaredCcSources } from './declared-cc.ts';
import { buildTaskRows } from './tasks.ts';
import type { ExpressionFunctions, ExpressionFunctionsProvider } from './types.ts';
import { callJobs } from './call-activity.ts';
import { thrownMessageJobs } from './message-throw.ts';
import { thrownSignalJobs } from './signals.ts';
import type { WorkCalendar } from '../lib/workdays.ts';

/**
 * Runs engine steps: get the instance's engine (cached, or rebuilt from its saved state), apply
 * one action, and write everything the step changed in one transaction guarded by the instance's
 * version. A lost race (another node or request wrote first) is retried from the fresh state.
 */

export interface StepContext {
  live: LiveInstance;
  instance: InstanceRow;
  /** The instance's variables; the action merges new values in place (expressions read them). */
  variables: Record<string, unknown>;
  /** Set inside the transaction for actions that write domain data (service handlers). */
  trx?: Knex.Transaction;
  actor: string;
  history: HistoryRow[];
  /** The task the actor completes in this step, written with who and what. */
  completion?: { executionId: string; by: string; variables: Record<string, unknown>; unitId?: string | null; onBehalfOf?: string | null };
  /** The task row as this step completes it (returned, so callers need not read it again). */
  completedTask?: TaskRow;
  /** Set by cancel. */
  cancel?: { by: string; reason: string };
  /** Extra writes in the step's transaction (e.g. removing the job that ran); run first. */
  also: Statement[];
  /** Tasks the action itself created outside the engine (加签 signers' tasks): reported with the step's new tasks. */
  adHocTasks?: TaskRow[];
}

export interface StepResult {
  instance: InstanceRow;
  tasks: TaskRow[];
  /** The task this step completed, as stored by it (complete only). */
  completed?: TaskRow;
}

/**
 * Extra writes a caller adds to a step's transaction (the API's audit row): they commit with the
 * step or not at all.
 */
export type StepHook = (trx: Knex.Transaction, result: StepResult) => Promise<void>;

const MAX_ATTEMPTS = 8;

export interface StepRunnerOptions {
  db: Knex;
  clock: Clock;
  definitions: DefinitionCache;
  calendar: () => WorkCalendar;
  /** The organisation functions for expressions; unset (bare engine), they are unknown at run time. */
  functions?: () => ExpressionFunctionsProvider | undefined;
  cacheSize: number;
  /** Told after commit when new jobs exist, with the earliest due time. */
  onJobs: (earliestDue: number) => void;
  /** Told each step's latency and outcome, and each retry (metrics). */
  probe?: EngineProbe;
}

interface Cached {
  live: LiveInstance;
  version: number;
  row: InstanceRow;
}

/**
 * A stored-only version (every process `isExecutable="false"`) is never started, from the API, a
 * call activity or an event: 409 PROCESS_NOT_EXECUTABLE saying what to change.
 */
export function assertExecutable(def: Pick<CompiledDefinition, 'key' | 'version' | 'model'>): void {
  if (def.model.executable !== false) return;
  throw new ConflictError(
    `流程 ${def.key} 第 ${def.version} 版是非可执行流程（isExecutable="false"）：已保存，不能发起。要运行它，请在流程文件中把流程改为 isExecutable="true" 后重新部署`,
    'PROCESS_NOT_EXECUTABLE',
  );
}

export class StepRunner {
  private readonly o: StepRunnerOptions;
  readonly live: Lru<string, Cached>;
  private readonly mutex = new KeyedMutex();

  constructor(o: StepRunnerOptions) {
    this.o = o;
    this.live = new Lru(o.cacheSize);
  }

  /** Starts an instance of `def` at `startEventId` and persists it. */
  async start(
    def: CompiledDefinition,
    startEventId: string,
    init: {
      businessKey: string | null;
      variables: Record<string, unknown>;
      by: string;
      /** The starter's display name when the caller knows it (saves a read). */
      byName?: string | null;
      history?: HistoryRow[];
      also?: Statement[];
      /** Extra writes (e.g. the audit row) in the same transaction, given the step's result. */
      hook?: StepHook;
      /** Extra writes that need the case number (the notices), after numbering, in the same transaction. */
      numbered?: StepHook;
      /** A child started by a call activity: its (derived) id and its parent. */
      id?: string;
      parent?: { instanceId: string; executionId: string; rootInstanceId: string };
    },
  ): Promise<StepResult> {
    assertExecutable(def);
    const began = performance.now();
    const now = this.o.clock.now();
    const id = init.id ?? randomUUID();
    const variables = { ...init.variables };
    let live: LiveInstance;
    try {
      live = await LiveInstance.start(def, startEventId, variables, this.o.clock, id);
    } catch (err) {
      throw asAppError(err);
    }
    const instance: InstanceRow = {
      id,
      definitionId: def.id,
      processKey: def.key,
      businessKey: init.businessKey,
      startEventId,
      status: live.isEnded ? 'completed' : 'running',
      version: 1,
      variables,
      startedBy: init.by,
      startedAt: now,
      endedAt: live.isEnded ? now : null,
      endedBy: null,
      endReason: null,
      ...(init.parent && { parentInstanceId: init.parent.instanceId, parentExecutionId: init.parent.executionId, rootInstanceId: init.parent.rootInstanceId }),
    };
    const ctx: StepContext = { live, instance, variables, actor: init.by, history: [], also: init.also ?? [] };
    ctx.history.push({ instanceId: id, type: 'process.start', actor: init.by, at: now, data: { definitionId: def.id, businessKey: init.businessKey } });
    ctx.history.push(...(init.history ?? []).map((h) => ({ ...h, instanceId: id })));
    const state = live.isEnded ? null : await live.state();
    // A task's candidates that cannot be evaluated (e.g. nobody certified in the unit) refuse the
    // start with the reason (409 EXPRESSION_FAILED), never a 500, and nothing is stored.
    let effects: ReturnType<StepRunner['effectStatements']>;
    try {
      effects = this.effectStatements(def, ctx, {}, await this.functionsFor(def, this.o.db));
    } catch (err) {
      throw asAppError(err);
    }
    const forms = (key: string) => this.o.definitions.latestForm(key);
    Object.assign(instance, await describeNewCase(this.o.db, forms, def, { startEventId, variables, by: init.by, byName: init.byName }));
    await this.o.db.transaction(async (trx) => {
      await runStatementsIn(trx, [...ctx.also, insertInstanceStmt(instance, state), ...effects.statements]);
      await init.hook?.(trx, { instance, tasks: effects.tasks });
      // The case number comes from a counter row locked until commit: taken last, before only
      // the writes that name it (the notices, the declared copies' notices; case-numbers.ts).
      instance.caseNumber = await numberNewCase(trx, def, id, now);
      // 抄送 the process declares (ccUsers/ccGroups on the process or a task ended already).
      await copyDeclared(trx, instance, declaredCcSources(def, live.effects.history, true), init.by, now);
      await init.numbered?.(trx, { instance, tasks: effects.tasks });
    });
    if (!live.isEnded) this.live.put(id, { live, version: 1, row: instance });
    if (effects.earliestJob < Infinity) this.o.onJobs(effects.earliestJob);
    this.o.probe?.step(secondsSince(began), 'ok');
    return { instance, tasks: effects.tasks };
  }

  /**
   * Runs `action` on a running instance as one step. With `inTransaction`, the action itself runs
   * inside the step's transaction (for handlers that write domain rows with `ctx.trx`). `instance`
   * is a row the caller has just read, which saves reading it again.
   * Usage: `await steps.run(id, 'zhang', (ctx) => ctx.live.completeTask(exec, {}))`.
   */
  async run(
    instanceId: string,
    actor: string,
    action: (ctx: StepContext) => Promise<void> | void,
    opts: { inTransaction?: boolean; instance?: InstanceRow; hook?: StepHook } = {},
  ): Promise<StepResult> {
    return this.mutex.run(instanceId, async () => {
      const began = performance.now();
      let lockFirst = false;
      for (let attempt = 1; ; attempt++) {
        try {
          // A row read just now, or the one this node last wrote, saves a query; if it is stale,
          // the version check says so and the next attempt reads afresh.
          const known = attempt === 1 ? (opts.instance ?? this.cachedRow(instanceId)) : undefined;
          const result = await this.attempt(instanceId, actor, action, { ...opts, lockFirst }, known);
          this.o.probe?.step(secondsSince(began), 'ok');
          return result;
        } catch (err) {
          // SQLITE_BUSY: another process wrote the database after this step's transaction first
          // read it (SQLite refuses that write at once), or held it past busy_timeout; the step
          // rolled back, so it is retried from fresh state like a lost optimistic-lock race —
          // taking the write lock first, so the retry waits its turn instead of failing again.
          if (isBusy(err)) lockFirst = true;
          if ((err instanceof StaleWriteError || isBusy(err)) && attempt < MAX_ATTEMPTS) {
            this.o.probe?.retry(err instanceof StaleWriteError ? 'stale' : 'busy');
            await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5 * attempt)));
            continue;
          }
          this.o.probe?.step(secondsSince(began), err instanceof StaleWriteError ? 'conflict' : 'error');
          if (err instanceof StaleWriteError) throw new ConflictError('流程实例正被他人同时处理，请稍后重试', 'CONCURRENT_UPDATE');
          throw asAppError(err);
        }
      }
    });
  }

  /**
   * The instance row as this node last wrote it, if its engine is cached. It may be stale (another
   * node may have moved on); a step that relies on it fails its version check and re-reads.
   */
  cachedRow(instanceId: string): InstanceRow | undefined {
    const entry = this.live.peek(instanceId);
    return entry && { ...entry.row, variables: { ...entry.row.variables } };
  }

  /** Drops a cached engine (e.g. after something outside a step changed the instance). */
  evict(instanceId: string): void {
    this.live.delete(instanceId);
  }

  private async attempt(
    instanceId: string,
    actor: string,
    action: (ctx: StepContext) => Promise<void> | void,
    opts: { inTransaction?: boolean; hook?: StepHook; lockFirst?: boolean },
    known: InstanceRow | undefined,
  ): Promise<StepResult> {
    const db = this.o.db;
    const instance = known ?? (await getInstance(db, instanceId));
    if (!instance) throw new NotFoundError(`流程实例 ${instanceId} 不存在`, 'INSTANCE_NOT_FOUND');
    if (instance.status !== 'running') throw new ConflictError('流程实例已结束', 'INSTANCE_ENDED');
    const def = await this.o.definitions.byId(instance.definitionId);
    const cached = this.live.take(instanceId);
    const variables = { ...instance.variables };
    let live: LiveInstance;
    if (cached && cached.version === instance.version) {
      live = cached.live;
      live.beginStep();
      live.variables = variables;
    } else {
      const state = await getInstanceState(db, instanceId, instance.version);
      if (state === undefined) throw new StaleWriteError();
      if (state === null) throw new ConflictError('流程实例已结束', 'INSTANCE_ENDED');
      live = await LiveInstance.recover(def, instance.startEventId, state, variables, this.o.clock, instanceId);
    }
    const ctx: StepContext = { live, instance, variables, actor, history: [], also: [] };
    let tasks: TaskRow[] = [];
    let earliestJob = Infinity;
    const statements = async (): Promise<Statement[]> => {
      const now = this.o.clock.now();
      const ended = live.isEnded || Boolean(ctx.cancel);
      const state = ended ? null : await live.state();
      const update = updateInstanceStmt(instanceId, instance.version, {
        status: ctx.cancel ? 'cancelled' : live.isEnded ? 'completed' : 'running',
        state,
        variables: ctx.variables,
        ...(ended && { endedAt: now, endedBy: ctx.cancel?.by ?? null, endReason: ctx.cancel?.reason ?? null }),
      });
      const effects = this.effectStatements(def, ctx, instance.variables, await this.functionsFor(def, ctx.trx ?? db));
      ({ tasks, earliestJob } = effects);
      if (ctx.adHocTasks?.length) tasks = [...tasks, ...ctx.adHocTasks];
      return [...ctx.also, update, ...effects.statements];
    };
    const version = instance.version + 1;
    const rowAfter = (): InstanceRow => {
      const ended = live.isEnded || Boolean(ctx.cancel);
      const now = this.o.clock.now();
      return {
        ...instance,
        version,
        variables: ctx.variables,
        status: ctx.cancel ? 'cancelled' : live.isEnded ? 'completed' : 'running',
        ...(ended && { endedAt: now, endedBy: ctx.cancel?.by ?? null, endReason: ctx.cancel?.reason ?? null }),
      };
    };
    if (opts.inTransaction || opts.hook) {
      await db.transaction(async (trx) => {
        ctx.trx = trx;
        if (opts.lockFirst) await lockForWrite(trx);
        await this.act(action, ctx, trx);
        await runStatementsIn(trx, await statements());
        // 抄送 declared on the user tasks this step completed (declared-cc.ts).
        await copyDeclared(trx, instance, declaredCcSources(def, live.effects.history, false), actor, this.o.clock.now());
        if (opts.hook) await opts.hook(trx, { instance: rowAfter(), tasks, completed: ctx.completedTask });
      });
    } else {
      await this.act(action, ctx, db);
      await runStatements(db, await statements());
      const cc = declaredCcSources(def, live.effects.history, false);
      if (cc.length) await db.transaction((trx) => copyDeclared(trx, instance, cc, actor, this.o.clock.now()));
    }
    const ended = live.isEnded || Boolean(ctx.cancel);
    const row = rowAfter();
    if (!ended) this.live.put(instanceId, { live, version, row });
    if (earliestJob < Infinity) this.o.onJobs(earliestJob);
    return { instance: row, tasks, completed: ctx.completedTask };
  }

  /**
   * Runs the action. A refusal it throws ("no such task", "not waiting for this message", a form
   * or duty check on old variables) may come from an engine or row older than the database —
   * another node moved the instance on since this one cached or read it. Then it is not the
   * caller's fault but a lost race: the step is retried from the stored state (StaleWriteError),
   * exactly as a version-checked write that finds another version is. Only a refusal on the
   * current version reaches the caller. `db` is the step's transaction when there is one (on
   * SQLite the only connection), so the check reads what the action read.
   */
  private async act(action: (ctx: StepContext) => Promise<void> | void, ctx: StepContext, db: Knex): Promise<void> {
    try {
      await action(ctx);
      // Conditional events are re-evaluated once the step's variables are in (runtime.ts).
      if (!ctx.cancel && !ctx.live.isEnded) ctx.live.evaluateConditions();
    } catch (err) {
      if (err instanceof StaleWriteError) throw err;
      // A failed query may have aborted a PostgreSQL transaction: then the original error stands.
      const stored = await getInstanceVersion(db, ctx.instance.id).catch(() => ctx.instance.version);
      if (stored !== ctx.instance.version) throw new StaleWriteError();
      throw err;
    }
  }

  /**
   * The organisation functions for this step's expressions, read in the step's transaction; none
   * when the definition calls none or no provider is set.
   */
  private async functionsFor(def: CompiledDefinition, db: Knex): Promise<ExpressionFunctions | undefined> {
    const provider = this.o.functions?.();
    return provider && def.usesPlatformFunctions() ? provider(db) : undefined;
  }

  /** The writes for tasks, jobs, subscriptions and history of one step, and the new tasks. */
  private effectStatements(
    def: CompiledDefinition,
    ctx: StepContext,
    before: Record<string, unknown>,
    functions?: ExpressionFunctions,
  ): { statements: Statement[]; tasks: TaskRow[]; earliestJob: number } {
    const now = this.o.clock.now();
    const { instance, live } = ctx;
    const e = live.effects;
    const out: Statement[] = [];
    const history: HistoryRow[] = [...ctx.history];
    for (const h of e.history) {
      history.push({
        instanceId: instance.id,
        type: h.type,
        elementId: h.elementId,
        elementType: h.elementType,
        elementName: h.elementName,
        executionId: h.executionId,
        actor: ctx.actor,
        at: h.at,
        data: h.data,
      });
    }
    if (ctx.completion) {
      const c = ctx.completion;
      const handler = c.unitId !== undefined || c.onBehalfOf !== undefined ? { unitId: c.unitId ?? null, onBehalfOf: c.onBehalfOf ?? null } : undefined;
      out.push(closeTasksStmt(instance.id, [c.executionId], { status: 'completed', at: now, by: c.by, variables: c.variables, handler }));
    }
    const cancelled = [...e.tasksClosed].filter(([id, outcome]) => outcome === 'cancelled' || id !== ctx.completion?.executionId).map(([id]) => id);
    if (cancelled.length) {
      out.push(closeTasksStmt(instance.id, cancelled, { status: 'cancelled', at: now, by: null }));
      for (const executionId of cancelled) {
        const reason = e.cancelReasons.get(executionId);
        history.push({ instanceId: instance.id, type: 'task.cancelled', executionId, actor: ctx.actor, at: now, ...(reason && { data: { reason } }) });
      }
    }
    // 加签: a step's signers go with it (cancelled, returned, or the case ended).
    if (live.isEnded || ctx.cancel) out.push(...cancelSignersStmts(instance.id, null, now));
    else if (cancelled.length) out.push(...cancelSignersStmts(instance.id, cancelled, now));
    const tasks = buildTaskRows(def, instance, e.tasksCreated, ctx.variables, now, this.o.calendar(), e.taskLocals, functions);
    out.push(...insertTasksStmts(tasks));
    for (const t of tasks) {
      history.push({
        instanceId: instance.id,
        type: 'task.created',
        elementId: t.elementId,
        elementName: t.name,
        executionId: t.executionId,
        taskId: t.id,
        at: now,
        data: { candidateGroups: t.candidateGroups, candidateUsers: t.candidateUsers, assignee: t.assignee, dueAt: t.dueAt },
      });
    }
    out.push(...deleteInstanceJobsStmt(instance.id, 'timer', [...e.timersRemoved]));
    out.push(...deleteInstanceJobsStmt(instance.id, 'service', [...e.servicesRemoved]));
    const jobs: JobRow[] = [];
    for (const t of e.timersCreated.values()) jobs.push(jobRow(instance, def.id, 'timer', t.executionId, t.elementId, t.dueAt, null, now));
    for (const [executionId, elementId] of e.servicesRequested) {
      const cycle = def.element(elementId)?.retryCycle ?? null;
      jobs.push(jobRow(instance, def.id, 'service', executionId, elementId, now, cycle, now));
    }
    const calls = callJobs(instance, def.id, e, { cancelled: Boolean(ctx.cancel), variables: ctx.variables }, now);
    out.push(...calls.statements);
    jobs.push(...calls.jobs);
    for (const h of calls.history) history.push({ instanceId: instance.id, ...h, actor: ctx.actor, at: now });
    jobs.push(...thrownMessageJobs(e.messagesThrown, instance, (id) => def.element(id)?.properties ?? {}, ctx.variables, now));
    jobs.push(...thrownSignalJobs(e.signalsThrown, instance, (id) => def.element(id)?.properties ?? {}, ctx.variables, now));
    out.push(...insertJobsStmt(jobs));
    out.push(...deleteSubscriptionsStmt(instance.id, [...e.messageWaitsRemoved]));
    out.push(
      ...insertSubscriptionsStmt(
        [...e.messageWaits].map(([executionId, w]) => ({
          id: randomUUID(),
          type: w.type ?? ('message' as const),
          name: w.messageName,
          instanceId: instance.id,
          definitionId: def.id,
          executionId,
          elementId: w.elementId,
          businessKey: instance.businessKey,
          createdAt: now,
        })),
      ),
    );
    for (const [name, value] of Object.entries(ctx.variables)) {
      if (!(name in before) || !sameJson(before[name], value)) {
        history.push({ instanceId: instance.id, type: 'variable', actor: ctx.actor, at: now, data: { name, value } });
      }
    }
    if (ctx.cancel) history.push({ instanceId: instance.id, type: 'process.cancel', actor: ctx.cancel.by, at: now, data: { reason: ctx.cancel.reason } });
    else if (e.ended) history.push({ instanceId: instance.id, type: 'process.end', actor: ctx.actor, at: now });
    out.push(...appendHistoryStmts(history));
    return { statements: out, tasks, earliestJob: jobs.reduce((m, j) => Math.min(m, j.dueAt ?? Infinity), Infinity) };
  }
}

function jobRow(
  instance: InstanceRow,
  definitionId: string,
  type: 'timer' | 'service',
  executionId: string,
  elementId: string,
  dueAt: number,
  retryCycle: string | null,
  now: number,
): JobRow {
  return {
    id: randomUUID(),
    type,
    instanceId: instance.id,
    definitionId,
    executionId,
    elementId,
    dueAt,
    lockedBy: null,
    lockedUntil: null,
    attempts: 0,
    retries: type === 'service' ? retryPolicy(retryCycle).retries : 3,
    retryCycle,
    lastError: null,
    payload: null,
    createdAt: now,
  };
}

function isBusy(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'SQLITE_BUSY';
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Engine failures in a step (a condition that cannot be evaluated …) become a clear 409. */
function asAppError(err: unknown): unknown {
  if (err instanceof EngineStepError) return new ExpressionError(`流程无法继续：${err.message}`, err.elementId ? { element: err.elementId } : undefined);
  return err;
}
