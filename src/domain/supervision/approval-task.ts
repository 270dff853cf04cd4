import type { EngineService } from '../../engine/service.ts';
import type { StepHook } from '../../engine/steps.ts';
import { AppError } from '../../errors.ts';
import type { Person } from '../org.ts';

/**
 * The second person's decision on a change that waits in an approval procedure (a monitoring-rule
 * or appraisal-scheme change): completing the procedure's open decision task, whose candidates
 * and separation of duties refuse the proposer and anyone outside the deciding group (403,
 * nothing changes). A task already gone, or an ended procedure, is `decided()` (409). The effect
 * jobs of the procedure run at once.
 * Usage: `await decideByApprovalTask(engine, change.approvalInstanceId, 'Task_Decide', opts, () => decided(change))`.
 */
export async function decideByApprovalTask(
  engine: EngineService,
  instanceId: string,
  taskElementId: string,
  opts: { by: Person; decision: 'approve' | 'reject'; comment: string | null; hook: StepHook },
  decided: () => Error,
): Promise<void> {
  const task = (await engine.tasksOfInstance(instanceId)).find((t) => t.status === 'open' && t.elementId === taskElementId);
  if (!task) throw decided();
  try {
    await engine.complete(task.id, { by: opts.by, variables: { decision: opts.decision, comment: opts.comment ?? '' }, hook: opts.hook });
  } catch (err) {
    if (err instanceof AppError && (err.code === 'TASK_NOT_OPEN' || err.code === 'INSTANCE_ENDED')) throw decided();
    throw err;
  }
  await engine.jobs.runDueOf(instanceId);
}
