import type { Knex } from 'knex';
import { noticeStep, type CaseEvent } from '../domain/case-notices.ts';
import type { StepResult } from '../engine/steps.ts';
import type { ApiDeps } from './context.ts';

/**
 * Wraps a step hook so that the step's notifications (to the applicant, to whoever gets a new
 * task) are written in the same transaction, after `inner`.
 * Usage: `hook: withNotices(deps, auditHook(...), async (trx, res) => ({ kind: 'case.decision', actor: me.id, headline }))`.
 */
export function withNotices(
  deps: Pick<ApiDeps, 'engine'>,
  inner: (trx: Knex.Transaction, result: StepResult) => Promise<void>,
  event: (trx: Knex.Transaction, result: StepResult) => CaseEvent | Promise<CaseEvent>,
): (trx: Knex.Transaction, result: StepResult) => Promise<void> {
  return async (trx, result) => {
    await inner(trx, result);
    await noticeStep(trx, result, await event(trx, result), deps.engine.clock.now(), deps.engine);
  };
}
