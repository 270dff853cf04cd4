import type { Knex } from 'knex';
import { runStatementsIn, valuesPlaceholders, type Statement } from '../db/batch.ts';

export interface SubscriptionRow {
  id: string;
  type: 'message' | 'message-start' | 'signal' | 'signal-start';
  name: string;
  instanceId: string | null;
  definitionId: string | null;
  executionId: string | null;
  elementId: string;
  businessKey: string | null;
  createdAt: number;
}

function toRow(r: any): SubscriptionRow {
  return {
    id: r.id,
    type: r.type,
    name: r.name,
    instanceId: r.instance_id,
    definitionId: r.definition_id,
    executionId: r.execution_id,
    elementId: r.element_id,
    businessKey: r.business_key,
    createdAt: Number(r.created_at),
  };
}

const SUB_COLUMNS = ['id', 'type', 'name', 'instance_id', 'definition_id', 'execution_id', 'element_id', 'business_key', 'created_at'];

export function insertSubscriptionsStmt(rows: SubscriptionRow[]): Statement[] {
  if (!rows.length) return [];
  return [
    {
      sql: `INSERT INTO event_subscriptions (${SUB_COLUMNS.join(', ')}) VALUES ${valuesPlaceholders(rows.length, SUB_COLUMNS.length)}`,
      bindings: rows.flatMap((s) => [s.id, s.type, s.name, s.instanceId, s.definitionId, s.executionId, s.elementId, s.businessKey, s.createdAt]),
    },
  ];
}

export async function insertSubscriptions(db: Knex, rows: SubscriptionRow[]): Promise<void> {
  await runStatementsIn(db, insertSubscriptionsStmt(rows));
}

export function deleteSubscriptionsStmt(instanceId: string, executionIds: string[]): Statement[] {
  if (!executionIds.length) return [];
  return [
    {
      sql: `DELETE FROM event_subscriptions WHERE instance_id = ? AND execution_id IN (${executionIds.map(() => '?').join(', ')})`,
      bindings: [instanceId, ...executionIds],
    },
  ];
}

export async function deleteInstanceSubscriptions(db: Knex, instanceId: string): Promise<void> {
  await db('event_subscriptions').where({ instance_id: instanceId }).delete();
}

/** Instances waiting for message `name`, narrowed by business key or instance id. */
export async function messageWaits(db: Knex, name: string, by: { businessKey?: string; instanceId?: string }): Promise<SubscriptionRow[]> {
  const q = db('event_subscriptions').where({ type: 'message', name });
  if (by.instanceId) q.where('instance_id', by.instanceId);
  if (by.businessKey) q.where('business_key', by.businessKey);
  return (await q.orderBy('created_at')).map(toRow);
}

export async function messageStarts(db: Knex, name: string): Promise<SubscriptionRow[]> {
  return (await db('event_subscriptions').where({ type: 'message-start', name })).map(toRow);
}

/**
 * The subscriptions a signal thrown at `at` reaches: every instance waiting for it then (a catch
 * event, a boundary event, an event sub-process start), and the signal start events. A wait the
 * throwing instance entered in the throwing step itself is not reached (it began after the throw).
 */
export async function signalReceivers(db: Knex, name: string, at: number, from: string | null): Promise<SubscriptionRow[]> {
  const rows = await db('event_subscriptions')
    .whereIn('type', ['signal', 'signal-start'])
    .where({ name })
    .where((q) => {
      q.where('type', 'signal-start').orWhere('created_at', '<', at);
      if (from) q.orWhere((q2) => q2.where('created_at', at).whereNot('instance_id', from));
      else q.orWhere('created_at', at);
    })
    .orderBy('created_at');
  return rows.map(toRow);
}

/** Message and signal start events belong to the latest version of a process only. */
export async function replaceMessageStarts(db: Knex, oldDefinitionIds: string[], rows: SubscriptionRow[]): Promise<void> {
  if (oldDefinitionIds.length) {
    await db('event_subscriptions').whereIn('type', ['message-start', 'signal-start']).whereIn('definition_id', oldDefinitionIds).delete();
  }
  await insertSubscriptions(db, rows);
}

export async function subscriptionsOfInstance(db: Knex, instanceId: string): Promise<SubscriptionRow[]> {
  return (await db('event_subscriptions').where({ instance_id: instanceId })).map(toRow);
}
