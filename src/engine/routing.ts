import type { TaskRow } from '../store/tasks.ts';
import type { CompiledDefinition } from './runtime.ts';

/** camunda:properties entry of a user task restricting where it may be returned (comma list of element ids). */
export const RETURN_TARGETS_PROPERTY = 'returnTargets';

/** A step a task can be sent back to (退回). */
export interface ReturnTarget {
  elementId: string;
  name: string;
  /** The step the process assigns to the applicant (退回申请人). */
  applicant: boolean;
}

const USER_TASK = 'bpmn:UserTask';

/**
 * Where an open task may be sent back: the user tasks of this case completed before it, and the
 * applicant's own step (a user task assigned to the start event's initiator variable), never the
 * task's own step, never a multi-instance step; narrowed to the task's `returnTargets` property
 * when the process declares it. A multi-instance task itself cannot be returned (the other
 * signers' votes would be lost): none. Pure.
 * Usage: `returnTargetsOf(def, task, ['Task_Legal'])`.
 */
export function returnTargetsOf(def: CompiledDefinition, task: Pick<TaskRow, 'elementId' | 'properties'>, completedElements: string[]): ReturnTarget[] {
  const self = def.element(task.elementId);
  if (!self || self.loop) return [];
  const initiators = def.model.startEvents.map((s) => def.element(s.id)?.initiator).filter((v): v is string => Boolean(v));
  const applicantStep = (id: string) => {
    const a = def.element(id)?.assignee ?? '';
    return initiators.some((v) => new RegExp(`^\\s*(\\$\\{\\s*${v}\\s*\\}|=\\s*${v})\\s*$`).test(a));
  };
  const ids = new Set<string>(completedElements);
  for (const [id, el] of def.model.elements) if (el.type === USER_TASK && applicantStep(id)) ids.add(id);
  ids.delete(task.elementId);
  const declared = task.properties[RETURN_TARGETS_PROPERTY]?.split(',').map((s) => s.trim()).filter(Boolean);
  const out: ReturnTarget[] = [];
  for (const id of ids) {
    const el = def.element(id);
    if (!el || el.type !== USER_TASK || el.loop) continue;
    if (declared && !declared.includes(id) && !(declared.includes('applicant') && applicantStep(id))) continue;
    out.push({ elementId: id, name: el.name ?? id, applicant: applicantStep(id) });
  }
  return out;
}
