import type { Knex } from 'knex';
import { ConflictError, NotFoundError } from '../../errors.ts';
import type { EngineService } from '../../engine/service.ts';
import { decideSuggestion, getSuggestion } from '../../store/compliance.ts';
import { appendAudit } from '../audit.ts';
import type { Person } from '../org.ts';

/** The accountability procedure a confirmed suggestion opens, at its manual start event. */
export const ACCOUNTABILITY_PROCESS = 'accountability-review';

/**
 * Supervision confirms a suggested account-sharing case (Art. 13 (3)): an accountability review
 * starts, as if supervision had opened it by hand, and the suggestion is marked confirmed — both
 * in one transaction with the audit row.
 */
export async function confirmSuggestion(
  deps: { db: Knex; engine: EngineService },
  id: string,
  by: Person,
  facts: string | undefined,
  client: { ip?: string | null; requestId?: string | null },
): Promise<{ suggestionId: string; instanceId: string }> {
  const s = await getSuggestion(deps.db, id);
  if (!s) throw new NotFoundError(`线索 ${id} 不存在`, 'SUGGESTION_NOT_FOUND');
  if (s.status !== 'open') throw new ConflictError('该线索已处理', 'SUGGESTION_DECIDED');
  const now = deps.engine.clock.now();
  const res = await deps.engine.start(ACCOUNTABILITY_PROCESS, {
    by,
    businessKey: `ZR-ZH-${s.id.slice(0, 8)}`,
    variables: {
      category: '3',
      subjectKind: 'person',
      subjectUserId: s.userId,
      facts: facts && facts.trim().length >= 10 ? facts : `${s.reason}（平台登录记录分析发现，经监察室确认）`,
      evidence: JSON.stringify(s.evidence).slice(0, 4000),
    },
    hook: async (trx, result) => {
      if (!(await decideSuggestion(trx, id, 'confirmed', by.id, now, result.instance.id))) throw new ConflictError('该线索已处理', 'SUGGESTION_DECIDED');
      await appendAudit(trx, { actor: by.id, action: 'suggestion.confirm', objectType: 'accountability-suggestion', objectId: id, instanceId: result.instance.id, ip: client.ip, requestId: client.requestId, after: { status: 'confirmed' } }, now);
    },
  });
  return { suggestionId: id, instanceId: res.instance.id };
}

/** Supervision dismisses a suggestion (not a case). */
export async function dismissSuggestion(db: Knex, id: string, by: string, now: number): Promise<{ suggestionId: string; status: 'dismissed' }> {
  const s = await getSuggestion(db, id);
  if (!s) throw new NotFoundError(`线索 ${id} 不存在`, 'SUGGESTION_NOT_FOUND');
  if (!(await decideSuggestion(db, id, 'dismissed', by, now, null))) throw new ConflictError('该线索已处理', 'SUGGESTION_DECIDED');
  return { suggestionId: id, status: 'dismissed' };
}
