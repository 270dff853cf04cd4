import { instantProblem, timeLimitProblem } from '../lib/timer-limits.ts';
import { randomUUID } from 'node:crypto';
import { ForbiddenError } from '../errors.ts';
import type { TaskRow } from '../store/tasks.ts';
import { limitEnd, parseTimeLimit, yellowAt } from '../lib/time-limits.ts';
import { compile, evaluateCompiled } from '../lib/feel.ts';
import type { CompiledDefinition } from './runtime.ts';
import { EngineStepError } from './runtime.ts';
import type { Actor, ExpressionFunctions } from './types.ts';
import type { WorkCalendar } from '../lib/workdays.ts';

/** camunda:properties entry that declares separation of duties on a user task. */
export const SOD_PROPERTY = 'separationOfDuties';

interface InstanceInfo {
  id: string;
  definitionId: string;
  processKey: string;
  businessKey: string | null;
}

/**
 * Task rows for user tasks the engine just reached: candidates, assignee and time limit are
 * evaluated against the instance's variables at this moment.
 */
export function buildTaskRows(
  def: CompiledDefinition,
  instance: InstanceInfo,
  created: Map<string, string>,
  variables: Record<string, unknown>,
  now: number,
  calendar: WorkCalendar,
  locals?: Map<string, Record<string, unknown>>,
  functions?: ExpressionFunctions,
): TaskRow[] {
  const rows: TaskRow[] = [];
  const instanceVariables = variables;
  for (const [executionId, elementId] of created) {
    const info = def.element(elementId);
    if (!info) continue;
    // A multi-instance task evaluates its assignee etc. with its own item (e.g. ${reviewer}).
    const own = locals?.get(executionId);
    const merged = own ? { ...instanceVariables, ...own } : instanceVariables;
    // The organisation functions win over a variable of the same name.
    const variables = functions ? { ...merged, ...functions } : merged;
    const evalList = (items: string[]) =>
      items.flatMap((g) => String(evalText(g, variables, elementId) ?? '').split(',')).map((s) => s.trim()).filter(Boolean);
    const assignee = info.assignee ? String(evalText(info.assignee, variables, elementId) ?? '') || null : null;
    const due = info.dueDate ? timeLimit(info.dueDate, now, variables, calendar, elementId) : null;
    const followUp = info.followUpDate ? timeLimit(info.followUpDate, now, variables, calendar, elementId) : null;
    const priority = info.priority ? Number(evalText(info.priority, variables, elementId)) : 50;
    rows.push({
      id: randomUUID(),
      instanceId: instance.id,
      executionId,
      elementId,
      name: info.name ?? elementId,
      processKey: instance.processKey,
      definitionId: instance.definitionId,
      businessKey: instance.businessKey,
      formKey: info.formKey ?? null,
      candidateGroups: evalList(info.candidateGroups),
      candidateUsers: evalList(info.candidateUsers),
      assignee,
      status: 'open',
      priority: Number.isFinite(priority) ? priority : 50,
      createdAt: now,
      claimedAt: assignee ? now : null,
      completedAt: null,
      completedBy: null,
      dueAt: due?.end ?? null,
      yellowAt: due?.yellow ?? null,
      followUpAt: followUp?.end ?? null,
      variables: null,
      properties: info.properties,
      limitDays: due?.days ?? null,
    });
  }
  return rows;
}

function evalText(text: string, variables: Record<string, unknown>, elementId: string): unknown {
  try {
    return evaluateCompiled(compile(text), variables);
  } catch (err) {
    throw new EngineStepError(`节点 ${elementId} 的表达式无法求值：${(err as Error).message}`, elementId);
  }
}

function timeLimit(text: string, now: number, variables: Record<string, unknown>, calendar: WorkCalendar, elementId: string) {
  const value = evalText(text, variables, elementId);
  const limit = value === null || value === undefined || value === '' ? null : parseTimeLimit(String(value));
  if (!limit) throw new EngineStepError(`节点 ${elementId} 的期限 "${String(value)}" 无效`, elementId);
  // An expression-valued limit is bounded here as a literal is at deploy: out of bounds, the step
  // fails into an incident rather than make a task with a limit nobody can meet or compute cheaply.
  const bounded = timeLimitProblem(limit, String(value)) ?? (limit.kind === 'instant' ? instantProblem(limit.at, now, String(value)) : null);
  if (bounded) throw new EngineStepError(`节点 ${elementId} 的${bounded}`, elementId);
  const end = limitEnd(limit, now, calendar);
  return { end, yellow: yellowAt(now, end, limit, calendar), days: limit.kind === 'workdays' ? limit.days : null };
}

/** Whether the actor is among the task's candidates (users or groups), themselves or for the person they substitute. */
export function isCandidate(task: TaskRow, actor: Actor): boolean {
  const own = task.candidateUsers.includes(actor.id) || task.candidateGroups.some((g) => actor.groups.includes(g));
  const af = actor.actingFor;
  return own || Boolean(af && (task.candidateUsers.includes(af.id) || task.candidateGroups.some((g) => af.groups.includes(g))));
}

/** Whether the task is assigned to the actor (or to the person they substitute for). */
export function isAssignee(task: Pick<TaskRow, 'assignee'>, actor: Actor): boolean {
  return task.assignee !== null && (task.assignee === actor.id || task.assignee === actor.actingFor?.id);
}

/** Whether the actor may see the task: its assignee or a candidate. */
export function canSee(task: TaskRow, actor: Actor): boolean {
  return actor.system === true || isAssignee(task, actor) || isCandidate(task, actor);
}

/**
 * Who may not do this task, from `separationOfDuties` = "starter,Task_Filing,var:subjectUserId":
 * the instance's starter, whoever completed the listed tasks of this instance, and the users named
 * by the listed variables (e.g. the subject of an accountability case); `groups:proposerGroups`
 * keeps off every member of the groups the variable lists (the proposer's colleagues: four eyes
 * means a second person from a different group).
 */
export function sodRule(task: Pick<TaskRow, 'properties'>): { starter: boolean; elements: string[]; variables: string[]; groups: string[] } {
  const raw = task.properties[SOD_PROPERTY];
  if (!raw) return { starter: false, elements: [], variables: [], groups: [] };
  const parts = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    starter: parts.includes('starter'),
    elements: parts.filter((p) => p !== 'starter' && !p.startsWith('var:') && !p.startsWith('groups:')),
    variables: parts.filter((p) => p.startsWith('var:')).map((p) => p.slice(4)),
    groups: parts.filter((p) => p.startsWith('groups:')).map((p) => p.slice(7)),
  };
}

/** A variable holding groups: an array of ids or a comma list. */
function groupList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  return list.map((g) => String(g).trim()).filter(Boolean);
}

/** Why separation of duties keeps an actor off a task: the refusal's message, details and a sentence for them. */
export interface DutyProblem {
  message: string;
  details?: Record<string, string>;
  /** Addressed to the actor, shown before they try (e.g. in the inbox). */
  reason: string;
}

/** What separation of duties says about the actor and this task: null when they may do it. Pure. */
export function separationOfDutiesProblem(
  task: TaskRow,
  actor: Actor,
  instance: { startedBy: string; variables: Record<string, unknown> },
  completers: Array<{ elementId: string; by: string }>,
): DutyProblem | null {
  const rule = sodRule(task);
  if (rule.starter && instance.startedBy === actor.id) {
    return { message: '职责分离：申请人不能审批自己发起的事项', reason: '您是本事项申请人，不能审批' };
  }
  const clash = completers.find((c) => c.by === actor.id && rule.elements.includes(c.elementId));
  if (clash) {
    return {
      message: `职责分离：已办理本案“${clash.elementId}”环节的人员不能办理此环节`,
      details: { element: clash.elementId },
      reason: '您已办理本案的前一审核环节，不能再办理此环节',
    };
  }
  const named = rule.variables.find((v) => namesUser(instance.variables[v], actor.id));
  if (named) return { message: '职责分离：本案涉及的当事人不能办理此环节', details: { variable: named }, reason: '您是本案涉及的当事人，不能办理此环节' };
  for (const v of rule.groups) {
    const shared = groupList(instance.variables[v]).find((g) => actor.groups.includes(g));
    if (shared) {
      return {
        message: `职责分离：与提交人同属“${shared}”组的人员不能办理此环节`,
        details: { variable: v, group: shared },
        reason: `您与提交人同属“${shared}”组，不能办理此环节`,
      };
    }
  }
  return null;
}

/** Throws 403 when separation of duties forbids the actor this task. */
export function checkSeparationOfDuties(
  task: TaskRow,
  actor: Actor,
  instance: { startedBy: string; variables: Record<string, unknown> },
  completers: Array<{ elementId: string; by: string }>,
): void {
  const problem = separationOfDutiesProblem(task, actor, instance, completers);
  if (problem) throw new ForbiddenError(problem.message, 'SEPARATION_OF_DUTIES', problem.details);
}

/** A `var:` entry names a user by id, or several by a list of ids (e.g. everyone a case concerns). */
export function namesUser(value: unknown, userId: string): boolean {
  return Array.isArray(value) ? value.includes(userId) : value === userId;
}

export type WarningLevel = 'green' | 'yellow' | 'red' | 'none';

/**
 * Warning level of a task: red past due, yellow from 80 % of its limit. An open task is judged at
 * `now`, a finished one at the moment it was finished.
 */
export function warningLevel(task: Pick<TaskRow, 'dueAt' | 'yellowAt' | 'status' | 'completedAt'>, now: number): WarningLevel {
  if (task.dueAt === null) return 'none';
  const end = task.status === 'open' ? now : (task.completedAt ?? now);
  if (end > task.dueAt) return 'red';
  if (task.yellowAt !== null && end >= task.yellowAt) return 'yellow';
  return 'green';
}
