import { randomUUID } from 'node:crypto';
import { compile, evaluateCompiled, problemOf } from '../lib/feel.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { JobRow } from '../store/jobs.ts';

/**
 * Message throw events (intermediate throw and end events with a message definition): the message
 * is published through the outbox after the step commits — a `message` job in the step's
 * transaction, correlated by whichever node runs it (to a waiting catch event or receive task, or a
 * message start event), retried while nothing waits and an incident if nothing ever does.
 *
 * Correlation is by the instance's business key, or by the FEEL/JUEL expression in the element's
 * camunda:property `correlationKey`; the camunda:property `variables` (a comma list) names the
 * variables the message carries.
 */

export interface ThrownMessage {
  elementId: string;
  name: string;
}

/** Deploy checks for a throwing message event's properties. */
export function messageThrowProblems(properties: Record<string, string>, label: string): string[] {
  const out: string[] = [];
  const key = properties.correlationKey;
  const p = key ? problemOf(key) : null;
  if (p) out.push(`消息抛出事件 ${label} 的 correlationKey 表达式有误：${p.message}`);
  for (const v of (properties.variables ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!/^[A-Za-z_]\w*$/.test(v)) out.push(`消息抛出事件 ${label} 的 variables 中 "${v}" 不是有效的变量名`);
  }
  return out;
}

/** The outbox jobs for messages thrown in a step. */
export function thrownMessageJobs(
  thrown: ThrownMessage[],
  instance: InstanceRow,
  properties: (elementId: string) => Record<string, string>,
  variables: Record<string, unknown>,
  now: number,
): JobRow[] {
  return thrown.map((m) => {
    const props = properties(m.elementId);
    const key = props.correlationKey ? evaluateCompiled(compile(props.correlationKey), variables) : instance.businessKey;
    const carried: Record<string, unknown> = {};
    for (const v of (props.variables ?? '').split(',').map((s) => s.trim()).filter(Boolean)) carried[v] = variables[v] ?? null;
    return messageJob(m.name, { name: m.name, ...(key !== null && key !== undefined && key !== '' && { businessKey: String(key) }), variables: carried, from: instance.id }, now);
  });
}

/**
 * The outbox job that correlates message `name` after the step commits: due at once, retried five
 * times 30 s apart while nothing waits for it, then an incident. Shared by message throw events and
 * handlers' `sendMessage` (jobs.ts queueMessage).
 * Usage: `await insertJobs(trx, [messageJob('accountability-open', { name, variables }, now)])`.
 */
export function messageJob(name: string, payload: Record<string, unknown>, now: number): JobRow {
  return outboxJob('message', payload, now, { elementId: name });
}

/**
 * A job of the outbox (message or signal delivery) due now, with the platform's retry policy.
 * Usage: `outboxJob('signal', { name, variables }, now, { elementId: name })`.
 */
export function outboxJob(type: JobRow['type'], payload: Record<string, unknown>, now: number, over: Partial<JobRow>): JobRow {
  return {
    id: randomUUID(),
    type,
    instanceId: null,
    definitionId: null,
    executionId: null,
    elementId: '',
    dueAt: now,
    lockedBy: null,
    lockedUntil: null,
    attempts: 0,
    retries: 5,
    retryCycle: 'R5/PT30S',
    lastError: null,
    payload,
    createdAt: now,
    ...over,
  };
}
