import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import { BadRequestError, ForbiddenError } from '../errors.ts';
import { definitionById } from '../store/definitions.ts';
import { getInstance } from '../store/instances.ts';
import { messageStarts, messageWaits } from '../store/subscriptions.ts';
import { mayViewInstance } from './access.ts';
import type { Person } from './org.ts';

/**
 * Who may send a message from outside: to wake a waiting instance, its starter, someone who had a
 * task in it, or supervision; to start a process by its message start event, whoever may start
 * that process. Unknown names and ambiguous matches are left to the engine (404 / 409).
 * Usage: `await authoriseMessage(db, engine, 'documents-received', { businessKey }, person)`.
 */
export async function authoriseMessage(
  db: Knex,
  engine: EngineService,
  name: string,
  target: { businessKey?: string; instanceId?: string },
  person: Person,
): Promise<void> {
  if (!name.trim()) throw new BadRequestError('消息名称不能为空');
  const waits = target.businessKey || target.instanceId ? await messageWaits(db, name, target) : [];
  if (waits.length === 1) {
    const instance = await getInstance(db, waits[0].instanceId!);
    if (instance && !(await mayViewInstance(db, instance, person))) throw new ForbiddenError('您无权向该流程实例发送消息', 'MESSAGE_FORBIDDEN');
    return;
  }
  if (waits.length > 1) return;
  const starts = await messageStarts(db, name);
  if (starts.length !== 1) return;
  const def = await definitionById(db, starts[0].definitionId!);
  if (def && !engine.canStart(def, person)) throw new ForbiddenError('您没有发起该流程的权限', 'NOT_STARTER');
}
