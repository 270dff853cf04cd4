import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.ts';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { validateSubmission, type FormSchema } from '../forms/validate.ts';
import { loadCalendar, seedCalendar } from '../store/calendar.ts';
import { appendHistory, historyOf, type HistoryRow } from '../store/history.ts';
import { getIncident, listIncidents, resolveIncident, resolveIncidentsOfInstanceStmt, type IncidentRow } from '../store/incidents.ts';
import { businessKeyTaken, getInstance, listInstances, type InstanceFilter, type InstanceRow } from '../store/instances.ts';
import { getJob, jobsOfInstance, resumeJob, type JobRow, type JobType } from '../store/jobs.ts';
import { messageStarts, messageWaits } from '../store/subscriptions.ts';
import { listInboxTasks } from '../store/inbox.ts';
import { completedElementsOf, completersOf, getTask, setAssignee, tasksOfInstance, type TaskFilter, type TaskRow } from '../store/tasks.ts';
import { DefinitionCache } from './definitions.ts';
import { parseBpmn } from './model.ts';
import { deploy as deployFiles, type CheckOptions } from './deployer.ts';
import type { Directory } from './dialects/directory.ts';
import type { EffectAuditor, EffectGuard } from './guards.ts';
import { JobExecutor, type JobRunner, type JobStepNotice } from './jobs.ts';
import { queueSignal } from './signals.ts';
import { loopProgress } from './multi-instance.ts';
import type { CompiledDefinition } from './runtime.ts';
import { assertExecutable, StepRunner, type StepContext, type StepHook, type StepResult } from './steps.ts';
import { returnTargetsOf, type ReturnTarget } from './routing.ts';
import { canSee, checkSeparationOfDuties, isAssignee, isCandidate, separationOfDutiesProblem, sodRule, warningLevel, type DutyProblem, type WarningLevel } from './tasks.ts';
import { SYSTEM, type Actor, type DeployFile, type DeploymentResult, type FormDataProvider, type Handler, type TaskCheck, type ExpressionFunctionsProvider } from './types.ts';
import type { WorkCalendar } from '../lib/workdays.ts';
import { ProbeRelay } from './probe.ts';
import { addSignerInStep, completeSignerInStep, handlerOf, holdForSigners } from './add-signers.ts';
import type { SignMode } from '../store/add-signers.ts';

export interface EngineServiceOptions {
  db: Knex;
  clock?: Clock;
  /** This node's name in job leases; defaults to host and process id. */
  nodeId?: string;
  /** Live engines kept in memory per node. */
  cacheSize?: number;
  /** Job poll interval (ms). */
  pollMs?: number;
  /** Jobs run at once on this node (default 4). */
  jobConcurrency?: number;
  /** A job lease without heartbeat (ms, default 30 s): how long a frozen node can delay a job. */
  jobLeaseMs?: number;
  logger?: Logger;
  handlers?: Record<string, Handler>;
}

/** A task with its warning level and, while open, the working days left (negative: overdue). */
export type TaskWithWarning = TaskRow & { warning: WarningLevel; workdaysLeft: number | null };

/** Extra writes (the API's audit row) in a claim/unclaim transaction, given the task after it. */
export type TaskHook = (trx: Knex.Transaction, task: TaskRow) => Promise<void>;

/**
 * The generic BPMN engine: deploy, start, work tasks, correlate messages, cancel, and query —
 * every state change one database transaction. The HTTP layer calls this; it knows nothing of HTTP.
 * Usage:
 *   const engine = await EngineService.create({ db });
 *   await engine.deploy([{ name: 'x.bpmn', content }], { by: 'owner' });
 *   const { instance, tasks } = await engine.start('x', { by: actor });
 */
export class EngineService {
  readonly db: Knex;
  readonly clock: Clock;
  readonly definitions: DefinitionCache;
  readonly steps: StepRunner;
  readonly jobs: JobExecutor;
  /** Steps, retries and jobs reported to an attached observer (the metrics; probe.ts). */
  readonly probe = new ProbeRelay();
  readonly handlers = new Map<string, Handler>();
  /** Runners of job types registered from outside the engine (notification deliveries). */
  private readonly jobRunners = new Map<string, JobRunner>();
  readonly guards = new Map<string, EffectGuard>();
  private effectAuditor: EffectAuditor | undefined;
  private jobStepNotice: JobStepNotice | undefined;
  private directory: ((db: Knex) => Promise<Directory>) | undefined;
  private functions: ExpressionFunctionsProvider | undefined;
  readonly checks = new Map<string, TaskCheck>();
  /** Message start names reserved to a regulation procedure (name → process key), see deployer. */
  readonly reservedMessages = new Map<string, string>();
  private readonly formProviders = new Map<string, FormDataProvider>();
  private cal!: WorkCalendar;

  private constructor(o: EngineServiceOptions) {
    this.db = o.db;
    this.clock = o.clock ?? systemClock;
    this.definitions = new DefinitionCache(o.db);
    for (const [name, fn] of Object.entries(o.handlers ?? {})) this.handlers.set(name, fn);
    this.steps = new StepRunner({
      db: o.db,
      clock: this.clock,
      definitions: this.definitions,
      calendar: () => this.cal,
      functions: () => this.functions,
      cacheSize: o.cacheSize ?? 64,
      onJobs: (due) => this.jobs.notify(due),
      probe: this.probe,
    });
    this.jobs = new JobExecutor({
      db: o.db,
      clock: this.clock,
      node: o.nodeId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      steps: this.steps,
      definitions: this.definitions,
      handlers: this.handlers,
      runners: this.jobRunners,
      guards: this.guards,
      auditor: () => this.effectAuditor,
      stepNotice: () => this.jobStepNotice,
      correlate: (name, opts) => this.correlateMessage(name, opts),
      cancel: (id, opts) => this.cancel(id, { by: { id: opts.by, groups: [] }, reason: opts.reason, hook: opts.hook }),
      pollMs: o.pollMs ?? 1000,
      concurrency: o.jobConcurrency,
      leaseMs: o.jobLeaseMs,
      logger: o.logger,
      probe: this.probe,
    });
  }

  /** Creates the service on a migrated database (seeding the holiday calendar if needed). */
  static async create(o: EngineServiceOptions): Promise<EngineService> {
    const engine = new EngineService(o);
    await seedCalendar(o.db, engine.clock.now());
    await engine.reloadCalendar();
    return engine;
  }

  get calendar(): WorkCalendar {
    return this.cal;
  }

  /** Re-reads the working-day calendar (after an administrator changed it). */
  async reloadCalendar(): Promise<void> {
    this.cal = await loadCalendar(this.db);
  }

  /**
   * Registers the runner of a job type the engine does not run itself (see JobRunner); jobs of
   * that type are leased, retried and turned into incidents like the engine's own.
   * Usage: `engine.registerJobRunner('notify-email', { run: (job) => send(job), incidentType: 'deliveryFailed' })`.
   */
  registerJobRunner(type: JobType, runner: JobRunner): void {
    this.jobRunners.set(type, runner);
  }

  /** Whether this node runs jobs of `type` (a notification channel is configured). */
  hasJobRunner(type: JobType): boolean {
    return this.jobRunners.has(type);
  }

  /**
   * Registers a service-task handler under the name BPMN files use as camunda:topic, with the
   * guard (capability) every call must satisfy; see guards.ts.
   */
  registerHandler(name: string, fn: Handler, guard?: EffectGuard): void {
    this.handlers.set(name, fn);
    if (guard) this.guards.set(name, guard);
    else this.guards.delete(name);
  }

  /**
   * Sets where deploy checks find the organisation's groups and users; without it (bare engine
   * tests) group and user ids are not checked.
   */
  setDirectory(fn: (db: Knex) => Promise<Directory>): void {
    this.directory = fn;
  }

  /**
   * Sets where expressions find the organisation functions (`unitHeadOf(initiator)`, …): read in
   * each step's transaction that needs them. Without it those calls fail the step (no 500).
   */
  setExpressionFunctions(fn: ExpressionFunctionsProvider): void {
    this.functions = fn;
  }

  /** Sets who writes the audit rows of guarded effects and refused calls (the services layer). */
  setEffectAuditor(fn: EffectAuditor): void {
    this.effectAuditor = fn;
  }

  /** Sets who writes the notices of steps the job runner makes (timers, service tasks, messages; the services layer). */
  setJobStepNotice(fn: JobStepNotice): void {
    this.jobStepNotice = fn;
  }

  /** Registers a completion check under the name user tasks give as camunda:property completionCheck. */
  registerTaskCheck(name: string, fn: TaskCheck): void {
    this.checks.set(name, fn);
  }

  /** Registers what a form shows from the platform (see FormDataProvider), by form key. */
  registerFormData(formKey: string, fn: FormDataProvider): void {
    this.formProviders.set(formKey, fn);
  }

  /** Whether a form has platform data (a provider registered for its key). */
  hasFormData(formKey: string | null | undefined): boolean {
    return Boolean(formKey && this.formProviders.has(formKey));
  }

  /**
   * The platform data a form shows to this actor (empty when the form has no provider).
   * Usage: `const data = await engine.formData('data-deletion-apply', person)`.
   */
  async formData(formKey: string | null | undefined, actor: Actor, db: Knex = this.db): Promise<Record<string, unknown>> {
    const provider = formKey ? this.formProviders.get(formKey) : undefined;
    return provider ? provider({ db, actor }) : {};
  }

  /** Starts the job poller (timers, service tasks, timer start events). */
  startJobs(): void {
    this.jobs.start();
  }

  /**
   * Graceful stop: no new jobs are leased, the jobs in hand may finish for up to `graceMs`
   * (default 10 s), then every lease this node still holds is released for other nodes.
   */
  async stop(opts: { graceMs?: number } = {}): Promise<void> {
    await this.jobs.stop(opts.graceMs);
  }

  // ---- deployment -------------------------------------------------------------------------

  /** Deploys BPMN and form files; refuses all of them with every problem listed if any is bad. */
  async deploy(
    files: DeployFile[],
    opts: { by: string; source?: string; name?: string; hook?: (trx: Knex.Transaction, result: DeploymentResult) => Promise<void> },
  ): Promise<DeploymentResult> {
    return deployFiles(this.db, files, {
      ...this.checkOptions(),
      by: opts.by,
      source: opts.source ?? 'api',
      name: opts.name,
      hook: opts.hook,
      now: this.clock.now(),
      definitions: this.definitions,
    });
  }

  /** What the deploy checks need from this engine: registered handlers, checks, reserved messages. */
  checkOptions(): CheckOptions {
    return {
      handlerExists: (name) => this.handlers.has(name),
      checkExists: (name) => this.checks.has(name),
      reservedMessage: (name) => this.reservedMessages.get(name),
      ...(this.directory && { directory: this.directory }),
    };
  }

  /** Deploys every `.form` in `formsDir` and `.bpmn` in `processesDir` (start-up). */
  async deployDirectories(processesDir: string, formsDir: string, by = 'system'): Promise<DeploymentResult> {
    const files = await EngineService.readDirectories(processesDir, formsDir);
    await this.reserveMessageStarts(files);
    if (!files.length) return { id: null, items: [], notes: [] };
    return this.deploy(files, { by, source: 'startup', name: 'startup' });
  }

  /**
   * Reserves the message start names of these (regulation) files to their process keys: another
   * key deploying a start on one of them is refused, so correlation stays unambiguous.
   */
  async reserveMessageStarts(files: DeployFile[]): Promise<void> {
    for (const f of files) {
      if (!f.name.endsWith('.bpmn')) continue;
      const parsed = await parseBpmn(f.content, { formExists: () => true, handlerExists: () => true });
      for (const s of parsed.model?.startEvents ?? []) {
        if (s.kind === 'message' && s.messageName) this.reservedMessages.set(s.messageName, parsed.model!.processId);
      }
    }
  }

  /** The `.form` files of `formsDir` and `.bpmn` files of `processesDir`, forms first. */
  static async readDirectories(processesDir: string, formsDir: string): Promise<DeployFile[]> {
    const files: DeployFile[] = [];
    for (const dir of [formsDir, processesDir]) {
      let names: string[] = [];
      try {
        names = (await fs.readdir(dir)).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        if (!/\.(bpmn|form|dmn)$/.test(name)) continue;
        files.push({ name, content: await fs.readFile(path.join(dir, name), 'utf8') });
      }
    }
    return files;
  }

  // ---- instances ----------------------------------------------------------------------------

  /** Whether `actor` may start instances of this definition (camunda:candidateStarterGroups/Users). */
  canStart(def: { starterGroups: string[] | null; starterUsers: string[] | null }, actor: Actor): boolean {
    if (actor.system) return true;
    if (!def.starterGroups && !def.starterUsers) return true;
    return Boolean(def.starterUsers?.includes(actor.id) || def.starterGroups?.some((g) => actor.groups.includes(g)));
  }

  /**
   * Starts the latest version of `processKey` at its none start event, with the start form's
   * values validated. `numbered` runs in the same transaction after the case got its number
   * (writes that must name it, e.g. the notices); keep it small, the number's counter row is locked.
   */
  async start(
    processKey: string,
    opts: { by: Actor; businessKey?: string | null; variables?: Record<string, unknown>; startEventId?: string; hook?: StepHook; numbered?: StepHook },
  ): Promise<StepResult> {
    const { row, def } = await this.definitions.latest(processKey);
    assertExecutable(def);
    if (!this.canStart(row, opts.by)) throw new ForbiddenError('您没有发起该流程的权限', 'NOT_STARTER');
    const start = opts.startEventId
      ? def.model.startEvents.find((s) => s.id === opts.startEventId)
      : (def.model.startEvents.find((s) => s.kind === 'none') ?? def.model.startEvents[0]);
    if (!start) throw new NotFoundError(`开始事件 ${opts.startEventId} 不存在`, 'START_EVENT_NOT_FOUND');
    const values = await this.validated(start.formKey ?? null, opts.variables ?? {}, await this.formData(start.formKey, opts.by));
    const initiator = this.initiatorVariable(def, start.id);
    if (initiator) values[initiator] = opts.by.id;
    const businessKey = opts.businessKey === undefined || opts.businessKey === null || opts.businessKey === '' ? null : String(opts.businessKey).slice(0, 200);
    return this.startKeyed(processKey, businessKey, () => this.steps.start(def, start.id, { businessKey, variables: values, by: opts.by.id, byName: opts.by.displayName, hook: opts.hook, numbered: opts.numbered }));
  }

  /** A business key names one case of one process: a second start with it answers 409 BUSINESS_KEY_TAKEN. */
  private async startKeyed(processKey: string, businessKey: string | null, run: () => Promise<StepResult>): Promise<StepResult> {
    const taken = () => new ConflictError(`流程 ${processKey} 已有业务编号为 ${businessKey} 的案件`, 'BUSINESS_KEY_TAKEN', { businessKey });
    if (businessKey !== null && (await businessKeyTaken(this.db, processKey, businessKey))) throw taken();
    try {
      return await run();
    } catch (err) {
      // Two starts with the same key at once: the unique index lets one through.
      if (businessKey !== null && /business_key|process_instances_key_business_key_unique|process_instances\.process_key/.test(String((err as Error)?.message))) throw taken();
      throw err;
    }
  }

  private initiatorVariable(def: CompiledDefinition, startId: string): string | undefined {
    return def.element(startId)?.initiator;
  }

  /** Cancels a running instance: its open tasks are cancelled and its timers removed. */
  async cancel(instanceId: string, opts: { by: Actor; reason: string; hook?: StepHook }): Promise<InstanceRow> {
    const res = await this.steps.run(
      instanceId,
      opts.by.id,
      async (ctx) => {
        await ctx.live.stop();
        ctx.cancel = { by: opts.by.id, reason: opts.reason };
        ctx.also.push(resolveIncidentsOfInstanceStmt(instanceId, opts.by.id, this.clock.now()));
      },
      { hook: opts.hook },
    );
    return res.instance;
  }

  /**
   * Delivers message `name` to the one instance waiting for it (by business key or instance id),
   * or, if none waits, starts the process whose message start event has that name.
   */
  async correlateMessage(
    name: string,
    opts: { businessKey?: string; instanceId?: string; variables?: Record<string, unknown>; by?: Actor; hook?: StepHook; numbered?: StepHook } = {},
  ): Promise<StepResult & { started: boolean }> {
    const by = opts.by ?? SYSTEM;
    const variables = sanitizeVariables(opts.variables ?? {});
    const waits = opts.businessKey || opts.instanceId ? await messageWaits(this.db, name, opts) : [];
    if (waits.length > 1) throw new ConflictError(`消息“${name}”匹配到 ${waits.length} 个等待中的实例，请指定实例`, 'AMBIGUOUS_CORRELATION');
    if (waits.length === 1) {
      const w = waits[0];
      const res = await this.steps.run(w.instanceId!, by.id, (ctx) => {
        if (!ctx.live.hasMessageWait(w.executionId!)) throw new ConflictError('该实例已不再等待此消息', 'MESSAGE_NOT_WAITED');
        Object.assign(ctx.variables, variables);
        ctx.history.push({ instanceId: w.instanceId!, type: 'message.received', elementId: w.elementId, executionId: w.executionId, actor: by.id, at: this.clock.now(), data: { name } });
        ctx.live.deliverMessage(w.executionId!, variables);
      }, { hook: chainHooks(opts.hook, opts.numbered) });
      return { ...res, started: false };
    }
    const starts = await messageStarts(this.db, name);
    if (starts.length > 1) throw new ConflictError(`消息“${name}”对应多个流程的开始事件`, 'AMBIGUOUS_CORRELATION');
    if (!starts.length) throw new NotFoundError(`没有等待消息“${name}”的流程实例或流程`, 'MESSAGE_NOT_CORRELATED');
    const def = await this.definitions.byId(starts[0].definitionId!);
    const businessKey = opts.businessKey ?? null;
    const res = await this.startKeyed(def.key, businessKey, () =>
      this.steps.start(def, starts[0].elementId, {
        businessKey,
        variables,
        by: by.id,
        history: [{ instanceId: '', type: 'message.received', elementId: starts[0].elementId, actor: by.id, at: this.clock.now(), data: { name } }],
        hook: opts.hook,
        numbered: opts.numbered,
      }),
    );
    return { ...res, started: true };
  }

  /**
   * Broadcasts signal `name` (issue 11, item 4): queued through the outbox with the caller's extra
   * writes (the audit row) and delivered by the jobs to every subscription waiting now, on any node,
   * exactly once each; every signal start event of that name starts an instance.
   * Usage: `await engine.broadcastSignal('flood-alert', { variables: { level: 3 } })`.
   */
  async broadcastSignal(
    name: string,
    opts: { variables?: Record<string, unknown>; hook?: (trx: Knex.Transaction, job: { id: string }) => Promise<void> } = {},
  ): Promise<{ id: string }> {
    const variables = sanitizeVariables(opts.variables ?? {});
    const now = this.clock.now();
    const row = await queueSignal(this.db, name, variables, now, async (trx, job) => opts.hook?.(trx, { id: job.id }));
    this.jobs.notify(now);
    return { id: row.id };
  }

  // ---- tasks --------------------------------------------------------------------------------

  /** Takes an unassigned task the actor is a candidate for. */
  async claim(taskId: string, opts: { by: Actor; hook?: TaskHook; task?: TaskRow }): Promise<TaskWithWarning> {
    // A row the caller has just read saves a read: the claim's write is conditional on the task
    // still being open and unclaimed, so a row that went stale since is refused there.
    const task = opts.task?.id === taskId ? this.actable(opts.task, opts.by) : await this.taskFor(taskId, opts.by);
    if (isAssignee(task, opts.by)) return this.withWarning(task);
    if (task.assignee) throw new ConflictError('任务已被他人认领', 'TASK_CLAIMED');
    await this.checkDuties(task, opts.by);
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      if (!(await setAssignee(trx, taskId, null, opts.by.id, now))) throw new ConflictError('任务已被他人认领或已办结', 'TASK_CLAIMED');
      await appendHistory(trx, [taskEvent(task, 'task.claimed', opts.by.id, now)]);
      await opts.hook?.(trx, { ...task, assignee: opts.by.id, claimedAt: now });
    });
    return this.withWarning({ ...task, assignee: opts.by.id, claimedAt: now });
  }

  /** Gives a claimed task back to its candidates. */
  async unclaim(taskId: string, opts: { by: Actor; hook?: TaskHook }): Promise<TaskWithWarning> {
    const task = await this.taskFor(taskId, opts.by);
    if (!task.assignee) throw new ConflictError('任务尚未被认领', 'TASK_NOT_CLAIMED');
    if (task.assignee !== opts.by.id) throw new ForbiddenError('只有认领人可以退回任务', 'NOT_ASSIGNEE');
    if (await this.assignedByProcess(task)) {
      throw new ConflictError('此任务由流程指定给您办理，不能放回待认领', 'TASK_ASSIGNED_BY_PROCESS');
    }
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      if (!(await setAssignee(trx, taskId, opts.by.id, null, now))) throw new ConflictError('任务状态已变化', 'TASK_STATE_CHANGED');
      await appendHistory(trx, [taskEvent(task, 'task.unclaimed', opts.by.id, now)]);
      await opts.hook?.(trx, { ...task, assignee: null, claimedAt: null });
    });
    return this.withWarning({ ...task, assignee: null, claimedAt: null });
  }

  /**
   * Whether the process names the task's assignee (camunda:assignee, e.g. the applicant's own
   * 修改或撤回 step): such a task has nobody to go back to, so it cannot be unclaimed.
   */
  async assignedByProcess(task: Pick<TaskRow, 'definitionId' | 'elementId'>): Promise<boolean> {
    const def = await this.definitions.byId(task.definitionId);
    return Boolean(def.element(task.elementId)?.assignee);
  }

  /**
   * Hands a claimed task to another of its candidates (转办): only its assignee may, and the new
   * assignee must be allowed to do it (a candidate, not kept off it by separation of duties).
   * Usage: `await engine.assign(taskId, { by: itc, to: itcHead, comment: '请马主任处理' })`.
   */
  async assign(taskId: string, opts: { by: Actor; to: Actor; comment?: string; hook?: TaskHook }): Promise<TaskWithWarning> {
    const task = await this.taskFor(taskId, opts.by);
    if (task.assignee !== opts.by.id) throw new ForbiddenError('只有认领人可以转办任务', 'NOT_ASSIGNEE');
    if (opts.to.id === opts.by.id) throw new ValidationError([{ field: 'userId', message: '不能转办给自己' }]);
    if (!isCandidate(task, opts.to)) throw new ValidationError([{ field: 'userId', message: '接收人不是该任务的候选人，不能接收转办' }]);
    try {
      await this.checkDuties(task, opts.to);
    } catch (err) {
      // The rule speaks of the receiver here, and the request is the caller's to correct.
      if (err instanceof ForbiddenError && err.code === 'SEPARATION_OF_DUTIES') throw new ValidationError([{ field: 'userId', message: `接收人不能办理此任务（${err.message}）` }]);
      throw err;
    }
    const now = this.clock.now();
    const comment = opts.comment?.trim() || null;
    await this.db.transaction(async (trx) => {
      if (!(await setAssignee(trx, taskId, opts.by.id, opts.to.id, now))) throw new ConflictError('任务状态已变化', 'TASK_STATE_CHANGED');
      await appendHistory(trx, [{ ...taskEvent(task, 'task.assigned', opts.by.id, now), data: { to: opts.to.id, comment } }]);
      await opts.hook?.(trx, { ...task, assignee: opts.to.id, claimedAt: now });
    });
    return this.withWarning({ ...task, assignee: opts.to.id, claimedAt: now });
  }

  /**
   * Completes a task with form values: the actor must be its assignee, or a candidate of an
   * unassigned task. Separation of duties, the task's form and its completion checks run inside
   * the step's transaction and again on every optimistic-lock retry: two parallel tasks that
   * exclude each other's completer cannot both pass on state read before the other committed.
   */
  async complete(taskId: string, opts: { by: Actor; variables?: Record<string, unknown>; hook?: StepHook; task?: TaskRow }): Promise<StepResult> {
    // A row the caller has just read (to resolve a substitute) saves a read: it only routes the
    // step; the step's transaction reads the task again and checks everything on that.
    const first = opts.task?.id === taskId ? this.actable(opts.task, opts.by) : await this.taskFor(taskId, opts.by);
    if (first.signParentId) return this.completeSigner(first, opts);
    return this.steps.run(
      first.instanceId,
      opts.by.id,
      async (ctx) => {
        const trx = ctx.trx!;
        const task = await this.actableTask(ctx, taskId, opts.by);
        const platform = await this.formData(task.formKey, opts.by, trx);
        const values = await this.validated(task.formKey, opts.variables ?? {}, { ...ctx.instance.variables, ...platform }, trx);
        await this.runChecks(trx, task, ctx.instance, values, opts.by);
        // 加签: parallel or after signers outstanding hold the step (their last signature completes it).
        if (await holdForSigners(ctx, task, opts.by, values, this.clock.now())) return;
        const now = this.clock.now();
        ctx.completion = { executionId: task.executionId, by: opts.by.id, variables: values, ...handlerOf(opts.by) };
        ctx.completedTask = { ...task, status: 'completed', completedAt: now, completedBy: opts.by.id, variables: values };
        ctx.history.push({ ...taskEvent(task, 'task.completed', opts.by.id, this.clock.now()), data: { variables: values } });
        ctx.live.completeTask(task.executionId, values); // writes the values (to the instance, or its multi-instance scope)
      },
      { inTransaction: true, hook: opts.hook },
    );
  }

  /** A signer (加签) signs their task: see add-signers.ts. */
  private async completeSigner(first: TaskRow, opts: { by: Actor; variables?: Record<string, unknown>; hook?: StepHook }): Promise<StepResult> {
    return this.steps.run(
      first.instanceId,
      opts.by.id,
      async (ctx) => {
        const trx = ctx.trx!;
        const task = await this.taskFor(first.id, opts.by, trx);
        await this.checkDutiesOn(trx, task, opts.by, ctx.instance);
        const values = await this.validated(task.formKey, opts.variables ?? {}, { ...ctx.instance.variables }, trx);
        const now = this.clock.now();
        await completeSignerInStep(ctx, task, opts.by, values, now);
        ctx.completedTask = { ...task, status: 'completed', completedAt: now, completedBy: opts.by.id, variables: values };
      },
      { inTransaction: true, hook: opts.hook },
    );
  }

  /**
   * 加签: the handler of an open task asks `signer` into its step (before, after or parallel; see
   * add-signers.ts). 422 ADD_SIGNER_SELF, 422 ADD_SIGNER_NOT_ALLOWED (the applicant, or someone
   * separation of duties keeps off the step), 409 ADD_SIGNER_NESTED on a signer's own task, 409
   * ADD_SIGNER_DUPLICATE; the usual 403/409 for a caller who may not act on the task.
   * Usage: `await engine.addSigner(taskId, { by, signer, mode: 'before', comment: '请会签' })`.
   */
  async addSigner(taskId: string, opts: { by: Actor; signer: Actor; mode: SignMode; comment: string; hook?: StepHook }): Promise<StepResult> {
    const first = await this.taskFor(taskId, opts.by);
    if (first.signParentId) throw new ConflictError('加签人的任务不能再加签', 'ADD_SIGNER_NESTED');
    if (opts.signer.id === opts.by.id) throw new AppError(422, 'ADD_SIGNER_SELF', '不能给自己加签');
    return this.steps.run(
      first.instanceId,
      opts.by.id,
      async (ctx) => {
        const trx = ctx.trx!;
        const task = await this.actableTask(ctx, taskId, opts.by);
        if (ctx.instance.startedBy === opts.signer.id) throw new AppError(422, 'ADD_SIGNER_NOT_ALLOWED', '申请人不能作为本事项的加签人（职责分离）');
        const problem = separationOfDutiesProblem(task, opts.signer, ctx.instance, await completersOf(trx, task.instanceId, sodRule(task).elements));
        if (problem) throw new AppError(422, 'ADD_SIGNER_NOT_ALLOWED', `加签人不能办理此环节（${problem.message}）`);
        await addSignerInStep(ctx, task, { by: opts.by, signer: opts.signer.id, mode: opts.mode, comment: opts.comment, now: this.clock.now() });
      },
      { inTransaction: true, hook: opts.hook },
    );
  }

  /**
   * Inside a step: the task as `by` may act on it now — still open, not claimed by another, and
   * separation of duties satisfied (re-read in the step's transaction, so a retry re-checks).
   */
  private async actableTask(ctx: StepContext, taskId: string, by: Actor): Promise<TaskRow> {
    const trx = ctx.trx!;
    const task = await this.taskFor(taskId, by, trx);
    if (task.assignee && !isAssignee(task, by)) throw new ConflictError('任务已被他人认领', 'TASK_CLAIMED');
    if (!ctx.live.hasTask(task.executionId)) throw new ConflictError('任务已办结或已取消', 'TASK_NOT_OPEN');
    await this.checkDutiesOn(trx, task, by, ctx.instance);
    return task;
  }

  /** Where an open task may be sent back (退回): earlier completed steps and the applicant's step. */
  async returnTargets(task: TaskRow): Promise<ReturnTarget[]> {
    if (task.status !== 'open') return [];
    const def = await this.definitions.byId(task.definitionId);
    return returnTargetsOf(def, task, await completedElementsOf(this.db, task.instanceId));
  }

  /**
   * 退回: the handler sends the case back to an earlier step (or the applicant's) by
   * process-instance modification — the task is cancelled, the target step starts anew — in one
   * step. 422 RETURN_TARGET_INVALID for a step not among the task's return targets; the usual
   * 403/409 for someone who may not act on the task.
   * Usage: `await engine.returnTask(taskId, { by, targetElementId: 'Task_Legal', comment: '请补充依据' })`.
   */
  async returnTask(taskId: string, opts: { by: Actor; targetElementId: string; comment: string; hook?: StepHook }): Promise<StepResult> {
    const first = await this.taskFor(taskId, opts.by);
    return this.steps.run(
      first.instanceId,
      opts.by.id,
      async (ctx) => {
        const trx = ctx.trx!;
        const task = await this.actableTask(ctx, taskId, opts.by);
        const def = await this.definitions.byId(task.definitionId);
        const targets = returnTargetsOf(def, task, await completedElementsOf(trx, task.instanceId));
        const target = targets.find((t) => t.elementId === opts.targetElementId);
        if (!target) {
          const allowed = targets.map((t) => t.name).join('、') || '无';
          throw new AppError(422, 'RETURN_TARGET_INVALID', `不能退回到该环节（可退回：${allowed}）`, { allowed: targets.map((t) => t.elementId) });
        }
        const now = this.clock.now();
        ctx.history.push({ ...taskEvent(task, 'task.returned', opts.by.id, now), data: { to: target.elementId, toName: target.name, applicant: target.applicant, comment: opts.comment } });
        ctx.live.moveTask(task.executionId, target.elementId);
        ctx.live.effects.cancelReasons.set(task.executionId, 'returned');
      },
      { inTransaction: true, hook: opts.hook },
    );
  }

  /**
   * 收回: the handler who completed a step takes the case back while the next step is untouched —
   * one open task, created by their completion, nobody has claimed it (unless the process assigned
   * it) or completed anything since. The next task is cancelled and the handler's step starts anew,
   * assigned to them. 403 NOT_COMPLETER; 409 RECALL_TOO_LATE; 409 INSTANCE_ENDED.
   * Usage: `await engine.recall(completedTaskId, { by })`.
   */
  async recall(taskId: string, opts: { by: Actor; hook?: StepHook }): Promise<StepResult> {
    const mine = await getTask(this.db, taskId);
    if (!mine) throw new NotFoundError(`任务 ${taskId} 不存在`, 'TASK_NOT_FOUND');
    if (mine.status !== 'completed' || mine.completedBy !== opts.by.id || mine.signParentId) throw new ForbiddenError('只有办理该环节的人可以收回', 'NOT_COMPLETER');
    const tooLate = (why: string) => new ConflictError(`不能收回：${why}`, 'RECALL_TOO_LATE');
    let next: TaskRow | undefined;
    const res = await this.steps.run(
      mine.instanceId,
      opts.by.id,
      async (ctx) => {
        const trx = ctx.trx!;
        const def = await this.definitions.byId(mine.definitionId);
        if (def.element(mine.elementId)?.loop) throw tooLate('会签环节不能收回');
        const all = await tasksOfInstance(trx, mine.instanceId);
        if (all.some((t) => t.status === 'completed' && t.id !== mine.id && (t.completedAt ?? 0) >= (mine.completedAt ?? 0))) throw tooLate('下一环节已有人办理');
        const open = all.filter((t) => t.status === 'open');
        if (open.length !== 1 || open[0].createdAt < (mine.completedAt ?? 0)) throw tooLate('案件已不在您办理后的下一环节');
        next = open[0];
        if (next.assignee && !(await this.assignedByProcess(next))) throw tooLate('下一环节已被认领');
        const now = this.clock.now();
        ctx.history.push({ ...taskEvent(next, 'task.recalled', opts.by.id, now), data: { to: mine.elementId, toName: mine.name, fromTaskId: mine.id } });
        ctx.live.moveTask(next.executionId, mine.elementId);
        ctx.live.effects.cancelReasons.set(next.executionId, 'recalled');
      },
      {
        inTransaction: true,
        hook: async (trx, r) => {
          const again = r.tasks.find((t) => t.elementId === mine.elementId);
          if (again && !again.assignee) {
            await setAssignee(trx, again.id, null, opts.by.id, this.clock.now());
            again.assignee = opts.by.id;
          }
          await opts.hook?.(trx, r);
        },
      },
    );
    return res;
  }

  /** The task if the actor may work on it: 404 unknown, 403 not a candidate, 409 not open. */
  private async taskFor(taskId: string, actor: Actor, db: Knex = this.db): Promise<TaskRow> {
    const task = await getTask(db, taskId);
    if (!task) throw new NotFoundError(`任务 ${taskId} 不存在`, 'TASK_NOT_FOUND');
    return this.actable(task, actor);
  }

  /** `task` if the actor may work on it: 403 not a candidate, 409 not open. */
  private actable(task: TaskRow, actor: Actor): TaskRow {
    if (!actor.system && !isAssignee(task, actor) && !isCandidate(task, actor)) {
      throw new ForbiddenError('您不是该任务的办理人或候选人', 'NOT_CANDIDATE');
    }
    if (task.status !== 'open') throw new ConflictError(task.status === 'completed' ? '任务已办结' : '任务已取消', 'TASK_NOT_OPEN');
    return task;
  }

  private async checkDuties(task: TaskRow, actor: Actor): Promise<InstanceRow> {
    const rule = sodRule(task);
    // A rule on variables is checked against the stored instance, never a possibly stale cache.
    const cached = rule.variables.length || rule.groups.length ? undefined : this.steps.cachedRow(task.instanceId);
    const instance = cached ?? (await getInstance(this.db, task.instanceId));
    if (!instance) throw new NotFoundError('流程实例不存在', 'INSTANCE_NOT_FOUND');
    if (instance.status !== 'running') throw new ConflictError('流程实例已结束', 'INSTANCE_ENDED');
    await this.checkDutiesOn(this.db, task, actor, instance);
    return instance;
  }

  /** Separation of duties for `task` against `instance` as read through `db` (a step's transaction). */
  private async checkDutiesOn(db: Knex, task: TaskRow, actor: Actor, instance: InstanceRow): Promise<void> {
    const rule = sodRule(task);
    if (rule.starter || rule.elements.length || rule.variables.length || rule.groups.length) {
      checkSeparationOfDuties(task, actor, instance, await completersOf(db, task.instanceId, rule.elements));
    }
  }

  /**
   * Why separation of duties keeps `actor` off `task` now (a sentence for them), or null: the
   * engine's own rule, read without side effects, so lists and task pages can say it before anyone
   * fills a form. The step still checks it in its transaction.
   */
  async dutyProblem(task: TaskRow, actor: Actor, instance?: Pick<InstanceRow, 'startedBy' | 'variables'>): Promise<DutyProblem | null> {
    const rule = sodRule(task);
    if (!(rule.starter || rule.elements.length || rule.variables.length || rule.groups.length)) return null;
    const needsVariables = rule.variables.length > 0 || rule.groups.length > 0;
    const row = instance && !needsVariables ? instance : await getInstance(this.db, task.instanceId);
    if (!row) return null;
    return separationOfDutiesProblem(task, actor, row, await completersOf(this.db, task.instanceId, rule.elements));
  }

  /** The task's completion checks, all of them; their refusals together are one 422. */
  private async runChecks(db: Knex, task: TaskRow, instance: InstanceRow, variables: Record<string, unknown>, actor: Actor): Promise<void> {
    const names = (task.properties.completionCheck ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const errors = [];
    for (const name of names) {
      const check = this.checks.get(name);
      if (!check) throw new ConflictError(`完成校验 ${name} 未注册`, 'CHECK_NOT_REGISTERED');
      errors.push(...(await check({ db, task, instance, variables, actor })));
    }
    if (errors.length) throw new ValidationError(errors);
  }

  private async validated(formKey: string | null, data: Record<string, unknown>, context: Record<string, unknown>, db: Knex = this.db): Promise<Record<string, unknown>> {
    if (!formKey) return sanitizeVariables(data);
    const form = await this.definitions.latestForm(formKey, db);
    // A form key no form was deployed for (noted at deploy): the generic form, as Camunda 7's Tasklist.
    if (!form) return sanitizeVariables(data);
    const { values, errors } = validateSubmission(form.schema as FormSchema, data, context);
    if (errors.length) throw new ValidationError(errors);
    return values;
  }

  // ---- incidents ------------------------------------------------------------------------------

  /** Retries the failed job behind an open incident once more. */
  async retryIncident(incidentId: string, opts: { by: Actor; hook?: (trx: Knex.Transaction, incident: IncidentRow) => Promise<void> }): Promise<IncidentRow> {
    const incident = await getIncident(this.db, incidentId);
    if (!incident) throw new NotFoundError(`故障 ${incidentId} 不存在`, 'INCIDENT_NOT_FOUND');
    if (incident.status !== 'open') throw new ConflictError('该故障已处理', 'INCIDENT_RESOLVED');
    const now = this.clock.now();
    await this.db.transaction(async (trx) => {
      if (!(await resolveIncident(trx, incidentId, opts.by.id, now))) throw new ConflictError('该故障已处理', 'INCIDENT_RESOLVED');
      if (incident.jobId) await resumeJob(trx, incident.jobId, now, 1);
      if (incident.instanceId) {
        await appendHistory(trx, [{ instanceId: incident.instanceId, type: 'incident.retried', elementId: incident.elementId, actor: opts.by.id, at: now, data: { incidentId } }]);
      }
      await opts.hook?.(trx, { ...incident, status: 'resolved', resolvedAt: now, resolvedBy: opts.by.id });
    });
    this.jobs.notify(now);
    return { ...incident, status: 'resolved', resolvedAt: now, resolvedBy: opts.by.id };
  }

  // ---- queries --------------------------------------------------------------------------------

  withWarning(task: TaskRow): TaskWithWarning {
    const now = this.clock.now();
    const workdaysLeft = task.status === 'open' && task.dueAt !== null ? this.cal.workdaysLeft(now, task.dueAt) : null;
    return { ...task, warning: warningLevel(task, now), workdaysLeft };
  }

  async getTask(taskId: string): Promise<TaskWithWarning | undefined> {
    const t = await getTask(this.db, taskId);
    return t && this.withWarning(t);
  }

  /** Whether the actor may see this task (assignee or candidate). */
  canSeeTask(task: TaskRow, actor: Actor): boolean {
    return canSee(task, actor);
  }

  async listTasks(filter: TaskFilter): Promise<{ rows: TaskWithWarning[]; total: number }> {
    const { rows, total } = await listInboxTasks(this.db, filter);
    return { rows: rows.map((t) => this.withWarning(t)), total };
  }

  async getInstance(id: string): Promise<InstanceRow | undefined> {
    return getInstance(this.db, id);
  }

  async listInstances(filter: InstanceFilter): Promise<{ rows: InstanceRow[]; total: number }> {
    return listInstances(this.db, filter);
  }

  async tasksOfInstance(id: string): Promise<TaskWithWarning[]> {
    return (await tasksOfInstance(this.db, id)).map((t) => this.withWarning(t));
  }

  /**
   * Progress of the instance's multi-instance activities (会签 "2/3"), by element id, from its task rows.
   * Usage: `await engine.multiInstanceProgress(instance, tasks)` → `{ sign: { completed: 2, total: 3 } }`.
   */
  async multiInstanceProgress(instance: InstanceRow, tasks: TaskRow[]): Promise<Record<string, { completed: number; total: number }>> {
    const def = await this.definitions.byId(instance.definitionId);
    const out: Record<string, { completed: number; total: number }> = {};
    for (const [elementId, info] of def.model.elements) {
      if (!info.loop) continue;
      const mine = tasks.filter((t) => t.elementId === elementId);
      if (mine.length) out[elementId] = loopProgress(info.loop, mine, instance.variables);
    }
    return out;
  }

  async history(instanceId: string, opts: { afterId?: number; limit?: number } = {}): Promise<HistoryRow[]> {
    return historyOf(this.db, instanceId, opts);
  }

  async incidents(filter: { status?: string; instanceId?: string; limit?: number; offset?: number } = {}): Promise<IncidentRow[]> {
    return listIncidents(this.db, filter);
  }

  async jobsOf(instanceId: string): Promise<JobRow[]> {
    return jobsOfInstance(this.db, instanceId);
  }

  async job(id: string): Promise<JobRow | undefined> {
    return getJob(this.db, id);
  }
}

function taskEvent(task: TaskRow, type: string, actor: string, at: number): HistoryRow {
  return { instanceId: task.instanceId, type, elementId: task.elementId, elementName: task.name, executionId: task.executionId, taskId: task.id, actor, at };
}

/** Variables without a form: plain JSON values only, bounded in size. */
function sanitizeVariables(data: Record<string, unknown>): Record<string, unknown> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new ValidationError([{ field: '', message: '变量应为对象（键值对）' }]);
  const json = JSON.stringify(data);
  if (json.length > 256 * 1024) throw new ValidationError([{ field: '', message: '变量内容过大' }]);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(JSON.parse(json))) {
    if (!/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(k)) throw new ValidationError([{ field: k, message: `变量名“${k}”无效` }]);
    out[k] = v;
  }
  return out;
}

/** Both hooks in order (either may be missing); none when neither is given. */
function chainHooks(a?: StepHook, b?: StepHook): StepHook | undefined {
  if (!a || !b) return a ?? b;
  return async (trx, result) => {
    await a(trx, result);
    await b(trx, result);
  };
}
