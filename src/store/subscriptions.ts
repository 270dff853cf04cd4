import type { Knex } from 'knex';

export interface SubscriptionRow {
  id: string;
  type: 'message' | 'message-start';
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

export async function insertSubscriptions(db: Knex, rows: SubscriptionRow[]): Promise<void> {
  if (!rows.length) return;
  await db('event_subscriptions').insert(
    rows.map((s) => ({
      id: s.id,
      type: s.type,
      name: s.name,
      instance_id: s.instanceId,
      definition_id: s.definitionId,
      execution_id: s.executionId,
      element_id: s.elementId,
      business_key: s.businessKey,
      created_at: s.createdAt,
    })),
  );
}

export async function deleteSubscriptions(db: Knex, instanceId: string, executionIds: string[]): Promise<void> {
  if (!executionIds.length) return;
  await db('event_subscriptions').where({ instance_id: instanceId }).whereIn('execution_id', executionIds).delete();
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

/** Message start events belong to the latest version of a process only. */
export async function replaceMessageStarts(db: Knex, oldDefinitionIds: string[], rows: SubscriptionRow[]): Promise<void> {
  if (oldDefinitionIds.length) {
    await db('event_subscriptions').where({ type: 'message-start' }).whereIn('definition_id', oldDefinitionIds).delete();
  }
  await insertSubscriptions(db, rows);
}

export async function subscriptionsOfInstance(db: Knex, instanceId: string): Promise<SubscriptionRow[]> {
  return (await db('event_subscriptions').where({ instance_id: instanceId })).map(toRow);
}
