import { randomUUID } from 'node:crypto';
import { caseInfoOf } from '../store/case-numbers.ts';
import { caseRef } from './cases.ts';
import type { Knex } from 'knex';
import type { EngineService, TaskWithWarning } from '../engine/service.ts';
import { isAssignee, isCandidate } from '../engine/tasks.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { latestForm, type FormRow } from '../store/definitions.ts';
import type { InstanceRow } from '../store/instances.ts';
import { insertNotifications, type NotificationRow } from '../store/notifications.ts';
import { queueDeliveries } from './notification-delivery.ts';
import { listUsers } from '../store/org.ts';
import type { TaskRow } from '../store/tasks.ts';
import { workersOf } from '../store/warnings.ts';
import { mayViewTask } from './access.ts';
import { signersOf } from '../store/add-signers.ts';
import { actorOf, type Person } from './org.ts';
import { caseContentOf, formStartValues, inputKeys, type CaseContent } from './opinions.ts';

export interface TaskDetail {
  task: TaskWithWarning;
  form: FormRow | null;
  /** The instance's current variables that the form names (fields, lists, conditions, texts). */
  variables: Record<string, unknown>;
  instance: InstanceRow;
  /** The case's content (the start form, read-only) shown beside every task's own form. */
  content: CaseContent | null;
  /**
   * What the caller may do now. Separation of duties is read here too (claim and complete false,
   * `reason` says why) and checked again, in the step's transaction, when they try.
   */
  actions: { claim: boolean; unclaim: boolean; complete: boolean; assign: boolean; return: boolean; cc: boolean; addSigner: boolean; reason: string | null };
  /** 加签: the people asked into this step, how, and whether they have signed. */
  signers: Array<{ userId: string; userName: string | null; mode: string; status: string; comment: string | null; signerTaskId: string | null }>;
  /** Where the caller may send the case back (退回) from this task. */
  returnTargets: Array<{ elementId: string; name: string; applicant: boolean }>;
  /** For the assignee: the other candidates the task can be handed to (转办). */
  assignable: Array<{ id: string; displayName: string; unitId: string | null }>;
}

/**
 * One task as its inbox shows it: the task, its form, the values the form displays.
 * 404 TASK_NOT_FOUND for an unknown id; 403 NOT_CANDIDATE for a task the caller may not see.
 * Usage: `const detail = await taskDetail(db, engine, id, person)`.
 */
export async function taskDetail(db: Knex, engine: EngineService, taskId: string, person: Person): Promise<TaskDetail> {
  const task = await engine.getTask(taskId);
  if (!task) throw new NotFoundError(`任务 ${taskId} 不存在`, 'TASK_NOT_FOUND');
  if (!mayViewTask(task, person)) throw new ForbiddenError('您不是该任务的办理人或候选人', 'NOT_CANDIDATE');
  const instance = await engine.getInstance(task.instanceId);
  if (!instance) throw new NotFoundError('流程实例不存在', 'INSTANCE_NOT_FOUND');
  const form = task.formKey ? ((await latestForm(db, task.formKey)) ?? null) : null;
  const open = task.status === 'open' && instance.status === 'running';
  const candidate = isCandidate(task, person);
  const mine = open && isAssignee(task, person);
  const mayAct = open && (mine || (!task.assignee && candidate));
  const problem = mayAct ? await engine.dutyProblem(task, person, instance) : null;
  const content = await caseContentOf(db, engine, instance);
  const signer = Boolean(task.signParentId);
  const returnTargets = mayAct && !problem && !signer ? await engine.returnTargets(task) : [];
  const signers = await signersOf(db, task.id);
  const names = new Map((signers.length ? await listUsers(db, { ids: signers.map((x) => x.userId) }) : []).map((u) => [u.id, u.displayName]));
  const waitingBefore = signers.some((x) => x.mode === 'before' && x.status === 'active');
  return {
    task,
    form,
    variables: form ? taskFormValues(task, form.schema, instance.variables, content) : {},
    instance,
    content,
    actions: {
      claim: open && !task.assignee && candidate && !problem,
      unclaim: mine && !(await engine.assignedByProcess(task)),
      complete: mayAct && !problem && !waitingBefore,
      assign: mine && !signer,
      return: returnTargets.length > 0,
      cc: mayAct && !problem,
      addSigner: mayAct && !problem && !signer,
      reason: problem?.reason ?? (mayAct && waitingBefore ? '已加签，等待加签人签署后方可办理' : null),
    },
    signers: signers.map((x) => ({ userId: x.userId, userName: names.get(x.userId) ?? null, mode: x.mode, status: x.status, comment: x.comment, signerTaskId: x.signerTaskId })),
    returnTargets,
    assignable: mine ? (await candidatesOf(db, task)).filter((u) => u.id !== person.id) : [],
  };
}

/** The active users who are candidates of a task: its candidate users and its groups' members. */
async function candidatesOf(db: Knex, task: TaskWithWarning): Promise<Array<{ id: string; displayName: string; unitId: string | null }>> {
  const ids = await workersOf(db, { ...task, assignee: null });
  const users = await listUsers(db, { status: 'active', ids });
  return users.map((u) => ({ id: u.id, displayName: u.displayName, unitId: u.unitId }));
}

/**
 * 转办: the assignee hands the task to another candidate, who is told in their notifications
 * (and through the delivery channels they want), naming the case number.
 * Usage: `await reassignTask(db, engine, taskId, { by: person, to: 'itc-head', comment: '请处理' })`.
 */
export async function reassignTask(
  db: Knex,
  engine: EngineService,
  taskId: string,
  opts: { by: Person; to: string; comment?: string; hook?: (trx: Knex.Transaction, task: TaskRow) => Promise<void> },
): Promise<TaskWithWarning> {
  const target = await actorOf(db, opts.to);
  if (!target) throw new ValidationError([{ field: 'userId', message: '接收人不存在或已停用' }]);
  const comment = opts.comment?.trim() || '';
  return engine.assign(taskId, {
    by: opts.by,
    to: target,
    comment,
    hook: async (trx, task) => {
      const now = engine.clock.now();
      const label = (await caseInfoOf(trx, [task.instanceId])).get(task.instanceId);
      const rows: NotificationRow[] = [
        {
          id: randomUUID(),
          userId: target.id,
          kind: 'task.assigned',
          level: 'info',
          title: `转办：${task.name ?? '任务'}${caseRef({ caseNumber: label?.caseNumber, businessKey: task.businessKey })}`,
          // The subject says which case it is, as every notice about a case does.
          body: `${label?.subject ? `“${label.subject}”：` : ''}${opts.by.displayName}将此任务转给您办理${comment ? `：${comment}` : ''}。`,
          taskId: task.id,
          instanceId: task.instanceId,
          dedupeKey: `assign:${task.id}:${now}:${target.id}`,
          createdAt: now,
          readAt: null,
        },
      ];
      await insertNotifications(trx, rows);
      // And by e-mail / group robot where the new assignee wants it.
      await queueDeliveries(trx, rows, now, engine);
      await opts.hook?.(trx, task);
    },
  });
}

/**
 * What a task's form shows: for an open task the case's values the form names, its own opinion
 * fields empty (never another step's decision or comment); for a completed task what its handler
 * submitted.
 */
function taskFormValues(task: TaskRow, schema: unknown, variables: Record<string, unknown>, content: CaseContent | null): Record<string, unknown> {
  const named = variablesNamedBy(schema, variables);
  if (task.status === 'completed') return { ...named, ...(task.variables ?? {}) };
  return formStartValues(schema, named, content ? inputKeys(content.schema) : new Set());
}

/**
 * The variables whose names occur in the form: field keys and list paths, and identifiers in its
 * expressions and texts (conditions and templates read them). Nothing else leaves the server.
 */
export function variablesNamedBy(schema: unknown, variables: Record<string, unknown>): Record<string, unknown> {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/[\p{L}_$][\p{L}\p{N}_$]*/gu)) names.add(m[0]);
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(visit);
    }
  };
  visit(schema);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(variables)) if (names.has(k)) out[k] = v;
  return out;
}
