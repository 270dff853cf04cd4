import type { Knex } from 'knex';
import type { Approval } from '../store/catalog.ts';
import { historyOf } from '../store/history.ts';

/**
 * Who approved what in a process instance, read from its task completions in the history: the trail that
 * catalog versions, archived records and appraisal entries keep (who reviewed, filed, decided).
 * Usage (in a handler): `const approvals = await approvalsOf(ctx.trx, ctx.instance.id)`.
 */
export async function approvalsOf(db: Knex | Knex.Transaction, instanceId: string, elementIds?: string[]): Promise<Approval[]> {
  // Task completions in the order they happened (the history is append-only, ordered by id).
  const out: Approval[] = [];
  for (let afterId = 0; ; ) {
    const page = await historyOf(db as Knex, instanceId, { afterId, limit: 1000 });
    for (const h of page) {
      if (h.type !== 'task.completed' || !h.actor || !h.elementId || (elementIds && !elementIds.includes(h.elementId))) continue;
      const v = ((h.data?.variables as Record<string, unknown> | undefined) ?? {}) as Record<string, unknown>;
      const decision = firstString(v, ['decision', 'legalDecision', 'partyDecision', 'disciplineDecision', 'collectiveDecision', 'grant', 'draftAction', 'action']);
      const comment = firstString(v, ['comment', 'legalOpinion', 'partyComment', 'disciplineComment', 'collectiveComment', 'decisionComment', 'vendorNote', 'deleteNote', 'opinion', 'measureNote']);
      out.push({
        step: h.elementId,
        name: h.elementName ?? null,
        by: h.actor,
        at: h.at,
        ...(decision !== undefined && { decision }),
        ...(comment !== undefined && { comment }),
      });
    }
    if (page.length < 1000) return out;
    afterId = page[page.length - 1].id!;
  }
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
