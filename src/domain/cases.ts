import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import type { Actor } from '../engine/types.ts';
import { caseInfoOf, currentStepsOf } from '../store/case-numbers.ts';
import type { TaskRow } from '../store/tasks.ts';
import { isAssignee, isCandidate } from '../engine/tasks.ts';
import { batchDecisionsOf, type BatchDecision } from './batch.ts';

/**
 * What a task row shows of its case (issue 13, items 3–6): the case number, subject and applicant,
 * whether the process assigned the task (then it cannot be put back for claiming), and, for the
 * viewer, why separation of duties keeps them off it. For 已办 also the case's state now.
 */
export interface TaskCaseFields {
  caseNumber: string | null;
  subject: string | null;
  startedBy: string | null;
  startedByName: string | null;
  assignedByProcess: boolean;
  /** Why the viewer may not claim or complete this open task (separation of duties), or null. */
  blockedReason: string | null;
  /**
   * 批量审批: the open task's form asks only for a decision and a comment (see domain/batch.ts),
   * and the viewer is not kept off it; `batchDecisions` are the decisions its form offers.
   */
  batchable?: boolean;
  batchDecisions?: BatchDecision[];
  /** The case as it stands now: its status and the steps it waits on. */
  case?: { status: string; currentSteps: string[] };
}

/**
 * How a notification names a case: `（常民防变〔2026〕0007号）`, the business key for a case without
 * a number, nothing for neither.
 */
export function caseRef(c: { caseNumber?: string | null; businessKey?: string | null }): string {
  const ref = c.caseNumber || c.businessKey;
  return ref ? `（${ref}）` : '';
}

/**
 * Case fields for a page of tasks: one query for the cases, one per task whose rule needs more.
 * Usage: `const fields = await caseFieldsOf(db, engine, rows, person, { state: true })`.
 */
export async function caseFieldsOf(
  db: Knex,
  engine: EngineService,
  tasks: TaskRow[],
  viewer: Actor,
  opts: { state?: boolean } = {},
): Promise<Map<string, TaskCaseFields>> {
  const ids = tasks.map((t) => t.instanceId);
  const [cases, steps, forms] = await Promise.all([
    caseInfoOf(db, ids),
    opts.state ? currentStepsOf(db, ids) : Promise.resolve(undefined),
    batchDecisionsOf(db, tasks.filter((t) => t.status === 'open').map((t) => t.formKey)),
  ]);
  const out = new Map<string, TaskCaseFields>();
  for (const t of tasks) {
    const c = cases.get(t.instanceId);
    const open = t.status === 'open' && c?.status === 'running';
    const problem = open && c ? await engine.dutyProblem(t, viewer, { startedBy: c.startedBy, variables: {} }) : null;
    out.set(t.id, {
      caseNumber: c?.caseNumber ?? null,
      subject: c?.subject ?? null,
      startedBy: c?.startedBy ?? null,
      startedByName: c?.startedByName ?? null,
      assignedByProcess: await engine.assignedByProcess(t),
      blockedReason: problem?.reason ?? null,
      ...(open ? batchFields(problem || !mayWork(t, viewer) ? [] : (t.formKey && forms.get(t.formKey)) || []) : {}),
      ...(steps && c ? { case: { status: c.status, currentSteps: steps.get(t.instanceId) ?? [] } } : {}),
    });
  }
  return out;
}

/** The viewer holds the task or may take it (a read-only viewer such as supervision may not). */
function mayWork(t: TaskRow, viewer: Actor): boolean {
  return t.assignee ? isAssignee(t, viewer) : isCandidate(t, viewer);
}

function batchFields(decisions: BatchDecision[]): { batchable: boolean; batchDecisions: BatchDecision[] } {
  return { batchable: decisions.length > 0, batchDecisions: decisions };
}
