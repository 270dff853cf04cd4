import type { TaskCaseFields } from '../domain/cases.ts';
import type { StepResult } from '../engine/steps.ts';
import type { Actor } from '../engine/types.ts';
import { canSee } from '../engine/tasks.ts';
import type { EngineService, TaskWithWarning } from '../engine/service.ts';
import type { HistoryRow } from '../store/history.ts';
import type { IncidentRow } from '../store/incidents.ts';
import type { InstanceRow } from '../store/instances.ts';

/** JSON shapes of the API: camelCase fields, times as ISO 8601 strings (UTC). */

export const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function taskJson(t: TaskWithWarning, c?: TaskCaseFields) {
  return {
    id: t.id,
    name: t.name,
    elementId: t.elementId,
    processKey: t.processKey,
    definitionId: t.definitionId,
    instanceId: t.instanceId,
    businessKey: t.businessKey,
    formKey: t.formKey,
    assignee: t.assignee,
    candidateGroups: t.candidateGroups,
    candidateUsers: t.candidateUsers,
    status: t.status,
    priority: t.priority,
    createdAt: iso(t.createdAt),
    claimedAt: iso(t.claimedAt),
    dueAt: iso(t.dueAt),
    followUpAt: iso(t.followUpAt),
    completedAt: iso(t.completedAt),
    completedBy: t.completedBy,
    warning: t.warning,
    workdaysLeft: t.workdaysLeft,
    ...(t.signParentId && { signParentId: t.signParentId, signMode: t.signMode }),
    ...(c ?? {}),
  };
}

/** Tasks with their case fields (case number, subject, applicant, …; see domain/cases.ts). */
export function tasksJson(rows: TaskWithWarning[], fields: Map<string, TaskCaseFields>) {
  return rows.map((t) => taskJson(t, fields.get(t.id)));
}

type InstanceSummary = Omit<InstanceRow, 'variables' | 'version' | 'startEventId'> & Partial<Pick<InstanceRow, 'variables' | 'version'>>;

export function instanceJson(i: InstanceSummary) {
  return {
    id: i.id,
    processKey: i.processKey,
    definitionId: i.definitionId,
    businessKey: i.businessKey,
    status: i.status,
    caseNumber: i.caseNumber ?? null,
    subject: i.subject ?? null,
    startedBy: i.startedBy,
    startedByName: i.startedByName ?? null,
    startedAt: iso(i.startedAt),
    endedAt: iso(i.endedAt),
    endedBy: i.endedBy,
    endReason: i.endReason,
    parentInstanceId: i.parentInstanceId ?? null,
    rootInstanceId: i.rootInstanceId ?? null,
  };
}

export function incidentJson(i: IncidentRow) {
  return {
    id: i.id,
    instanceId: i.instanceId,
    elementId: i.elementId,
    type: i.type,
    message: i.message,
    status: i.status,
    createdAt: iso(i.createdAt),
    resolvedAt: iso(i.resolvedAt),
    resolvedBy: i.resolvedBy,
  };
}

export function historyJson(h: HistoryRow) {
  return {
    id: h.id,
    type: h.type,
    elementId: h.elementId ?? null,
    elementType: h.elementType ?? null,
    elementName: h.elementName ?? null,
    taskId: h.taskId ?? null,
    actor: h.actor ?? null,
    at: iso(h.at),
    data: h.data ?? null,
  };
}

/**
 * Activities of an instance from its history: each activity.start paired with its activity.end
 * (same execution); those without an end are still active.
 */
export function activitiesOf(history: HistoryRow[]) {
  const open = new Map<string, { elementId: string; elementType: string | null; name: string | null; startedAt: number }>();
  const completed: Array<{ elementId: string; elementType: string | null; name: string | null; startedAt: string | null; endedAt: string | null }> = [];
  for (const h of history) {
    const key = `${h.executionId ?? ''}|${h.elementId ?? ''}`;
    if (h.type === 'activity.start' && h.elementId) {
      open.set(key, { elementId: h.elementId, elementType: h.elementType ?? null, name: h.elementName ?? null, startedAt: h.at });
    } else if (h.type === 'activity.end' && h.elementId) {
      const s = open.get(key);
      open.delete(key);
      completed.push({
        elementId: h.elementId,
        elementType: h.elementType ?? s?.elementType ?? null,
        name: h.elementName ?? s?.name ?? null,
        startedAt: iso(s?.startedAt ?? null),
        endedAt: iso(h.at),
      });
    }
  }
  const active = [...open.values()].map((a) => ({ ...a, startedAt: iso(a.startedAt), endedAt: null }));
  return { active, completed };
}

/** The answer to starting an instance: the instance, its variables, and the new tasks the starter may see. */
export function startedJson(res: StepResult, viewer: Actor, engine: Pick<EngineService, 'withWarning'>) {
  return {
    ...instanceJson(res.instance),
    variables: res.instance.variables,
    tasks: res.tasks.filter((t) => canSee(t, viewer)).map((t) => taskJson(engine.withWarning(t))),
  };
}
