import type { Knex } from 'knex';
import type { Approval } from '../store/catalog.ts';
import { tasksOfInstance } from '../store/tasks.ts';

/**
 * Who approved what in a process instance, read from its completed user tasks: the trail that
 * catalog versions, archived records and appraisal entries keep (who reviewed, filed, decided).
 * Usage (in a handler): `const approvals = await approvalsOf(ctx.trx, ctx.instance.id)`.
 */
export async function approvalsOf(db: Knex | Knex.Transaction, instanceId: string, elementIds?: string[]): Promise<Approval[]> {
  const tasks = await tasksOfInstance(db as Knex, instanceId);
  return tasks
    .filter((t) => t.status === 'completed' && t.completedBy && (!elementIds || elementIds.includes(t.elementId)))
    .map((t) => {
      const v = t.variables ?? {};
      const decision = firstString(v, ['decision', 'legalDecision', 'partyDecision', 'disciplineDecision', 'collectiveDecision', 'grant', 'draftAction', 'action']);
      const comment = firstString(v, ['comment', 'legalOpinion', 'partyComment', 'disciplineComment', 'collectiveComment', 'decisionComment', 'vendorNote', 'deleteNote', 'opinion', 'measureNote']);
      return {
        step: t.elementId,
        name: t.name,
        by: t.completedBy!,
        at: t.completedAt ?? 0,
        ...(decision !== undefined && { decision }),
        ...(comment !== undefined && { comment }),
      };
    });
}

/** The last completer of a step in an instance, or null. */
export async function completerOf(db: Knex | Knex.Transaction, instanceId: string, elementId: string): Promise<string | null> {
  const list = await approvalsOf(db, instanceId, [elementId]);
  return list.length ? list[list.length - 1].by : null;
}

function firstString(v: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of keys) if (typeof v[k] === 'string' && v[k]) return v[k] as string;
  return undefined;
}
