import type { Knex } from 'knex';
import { historyOf } from '../store/history.ts';
import { groupsOf } from '../store/org.ts';
import type { InstanceRow } from '../store/instances.ts';
import { namesUser } from './tasks.ts';
import type { GuardApproval } from './types.ts';

/**
 * Effect handlers as capabilities. A service-task handler that changes something outside its own
 * instance (roles, the catalog, archived records, appraisal entries …) declares which procedures
 * may call it and which approvals must stand in the calling instance's history. The job runner
 * checks this inside the step's transaction: a call that does not satisfy it changes nothing and
 * opens an incident at once, so deploying a diagram that names the handler gains nothing.
 */

/** One approval the calling instance must show: a completion of `element` that meets every condition. */
export interface RequiredApproval {
  element: string;
  /** The completer is now a member of one of these groups. */
  groups?: string[];
  /** Values the completion submitted, e.g. `{ decision: 'approve' }`. */
  equals?: Record<string, unknown>;
  /** The instance's starter may not be the approver (default true: nobody approves their own request). */
  notStarter?: boolean;
  /** Nor the users these variables name (e.g. the proposer of a deployment). */
  notVariables?: string[];
  /**
   * The approval counts only if it came after the latest completion of these elements: a revision
   * by the applicant voids what was approved before it.
   */
  after?: string[];
  /** Applies only to calls for which this holds (e.g. the service task's `outcome` property). */
  when?: (call: GuardCall) => boolean;
}

/** What a guard sees of a call. */
export interface GuardCall {
  variables: Record<string, unknown>;
  properties: Record<string, string>;
}

export interface EffectGuard {
  /** Process keys whose instances may call the handler; `'*'` for a handler that only reads. */
  processKeys: string[] | '*';
  /** Every entry must hold; an array entry holds when any one of its alternatives does. */
  requires?: Array<RequiredApproval | RequiredApproval[]>;
  /** The handler changes something: each call writes an `effect.<topic>` audit row. */
  effect: boolean;
  /** What the audit row records as changed, from the call and the handler's output. */
  describe?: (call: GuardCall, output: Record<string, unknown>) => unknown;
}

/** An approval that satisfied a guard: who approved which step, when. */
export type { GuardApproval };

export type GuardVerdict = { ok: true; approvals: GuardApproval[] } | { ok: false; problem: string };

/** A call a guard refused. The step rolled back; the job runner opens an incident without retries. */
export class EffectRefusedError extends Error {
  constructor(
    readonly topic: string,
    readonly problem: string,
  ) {
    super(`处理程序“${topic}”拒绝执行：${problem}`);
  }
}

/**
 * The audit row of an effect (action `effect.<topic>`) or of a refused call (`effect.refused`),
 * written in the transaction given. Registered by the services layer, which owns the audit trail.
 */
export type EffectAuditor = (
  trx: Knex.Transaction,
  entry: { action: string; instanceId: string; processKey: string; elementId: string; after: Record<string, unknown> },
  at: number,
) => Promise<void>;

interface Completion {
  element: string;
  by: string;
  at: number;
  seq: number;
  values: Record<string, unknown>;
}

/**
 * Checks `guard` for a call of `topic` by `instance`, reading the instance's history through `trx`.
 * Usage: `const v = await checkGuard(trx, GUARDS['org.applyChanges'], instance, call)`.
 */
export async function checkGuard(trx: Knex.Transaction, guard: EffectGuard, instance: InstanceRow, call: GuardCall): Promise<GuardVerdict> {
  if (guard.processKeys !== '*' && !guard.processKeys.includes(instance.processKey)) {
    return { ok: false, problem: `流程“${instance.processKey}”无权调用（仅限 ${guard.processKeys.join('、')}）` };
  }
  const clauses = (guard.requires ?? []).map((r) => (Array.isArray(r) ? r : [r]));
  if (!clauses.length) return { ok: true, approvals: [] };
  const completions = await completionsOf(trx, instance.id);
  const groups = new Map<string, string[]>();
  const groupsOfUser = async (user: string) => {
    if (!groups.has(user)) groups.set(user, await groupsOf(trx as unknown as Knex, user));
    return groups.get(user)!;
  };
  const approvals: GuardApproval[] = [];
  for (const alternatives of clauses) {
    const relevant = alternatives.filter((r) => !r.when || r.when(call));
    if (!relevant.length) continue;
    let found: GuardApproval | null = null;
    for (const r of relevant) {
      found = await satisfied(r, completions, instance, groupsOfUser);
      if (found) break;
    }
    if (!found) return { ok: false, problem: `缺少审批：${relevant.map(describeRequirement).join(' 或 ')}` };
    approvals.push(found);
  }
  return { ok: true, approvals };
}

async function satisfied(
  r: RequiredApproval,
  completions: Completion[],
  instance: InstanceRow,
  groupsOfUser: (user: string) => Promise<string[]>,
): Promise<GuardApproval | null> {
  // Only the latest completion of the step counts: an earlier approval was superseded by it.
  const mine = completions.filter((c) => c.element === r.element);
  const c = mine[mine.length - 1];
  if (!c) return null;
  const voidedAt = Math.max(-1, ...completions.filter((x) => r.after?.includes(x.element)).map((x) => x.seq));
  if (c.seq < voidedAt) return null;
  for (const [field, value] of Object.entries(r.equals ?? {})) if (c.values[field] !== value) return null;
  if ((r.notStarter ?? true) && c.by === instance.startedBy) return null;
  // A variable names one user or lists several (e.g. everyone a case concerns).
  if (r.notVariables?.some((v) => namesUser(instance.variables[v], c.by))) return null;
  if (r.groups && !(await groupsOfUser(c.by)).some((g) => r.groups!.includes(g))) return null;
  return { element: c.element, by: c.by, at: c.at };
}

function describeRequirement(r: RequiredApproval): string {
  const values = Object.entries(r.equals ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return `“${r.element}”${r.groups ? `由 ${r.groups.join('/')} 成员` : ''}办理${values.length ? `（${values.join('，')}）` : ''}`;
}

/** Task completions of an instance in the order they happened, with what was submitted. */
async function completionsOf(trx: Knex.Transaction, instanceId: string): Promise<Completion[]> {
  const out: Completion[] = [];
  for (let afterId = 0; ; ) {
    const page = await historyOf(trx as unknown as Knex, instanceId, { afterId, limit: 1000 });
    for (const h of page) {
      if (h.type !== 'task.completed' || !h.actor || !h.elementId) continue;
      const values = ((h.data?.variables as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
      out.push({ element: h.elementId, by: h.actor, at: h.at, seq: h.id!, values });
    }
    if (page.length < 1000) return out;
    afterId = page[page.length - 1].id!;
  }
}
