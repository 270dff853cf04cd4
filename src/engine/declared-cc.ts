import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { insertCc } from '../store/case-cc.ts';
import { appendHistory } from '../store/history.ts';
import { insertNotifications } from '../store/notifications.ts';
import type { InstanceRow } from '../store/instances.ts';
import { listUsers } from '../store/org.ts';
import type { CompiledDefinition } from './runtime.ts';

/**
 * The process-declared CC list (抄送, issue 13, item 7): `camunda:properties` on a process or a user
 * task name people to copy the case to, who then find it in 抄送我的 (GET /api/cc) and may read it.
 *
 * - `ccUsers`: user ids, comma separated (e.g. `supervisor,leader2`).
 * - `ccGroups`: group ids, comma separated (e.g. `supervision`): every active member.
 *
 * On the process: the case is copied when it starts. On a user task: when the step completes (the
 * engine leaves the task, so a step held for 加签 copies on its last signature). Written in the
 * step's transaction, with a `case.cc` history row (`data.declared: true`); `case_cc.by` is
 * `system`. The applicant, unknown and disabled users are left out; a person who already has a
 * copy of the case keeps the first. Each new recipient is told in-app (`case.cc`), naming the case
 * number and subject, as a copy sent by hand is.
 */

export const CC_USERS_PROPERTY = 'ccUsers';
export const CC_GROUPS_PROPERTY = 'ccGroups';
/** `case_cc.by` of a copy the process made. */
export const DECLARED_CC_BY = 'system';

const list = (text: string | undefined) => [...new Set((text ?? '').split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean))];

/** Whether properties declare a CC list. */
export function declaresCc(properties: Record<string, string> | undefined): boolean {
  return Boolean(properties && (list(properties[CC_USERS_PROPERTY]).length || list(properties[CC_GROUPS_PROPERTY]).length));
}

/** The active people a declaration names (users, then groups' members), without the applicant. */
async function recipients(trx: Knex, properties: Record<string, string>, applicant: string | null): Promise<string[]> {
  const users = list(properties[CC_USERS_PROPERTY]);
  const out = new Set<string>();
  if (users.length) for (const u of await listUsers(trx, { ids: users, status: 'active' })) out.add(u.id);
  for (const groupId of list(properties[CC_GROUPS_PROPERTY])) for (const u of await listUsers(trx, { groupId, status: 'active' })) out.add(u.id);
  if (applicant) out.delete(applicant);
  return [...out];
}

/** One place a case is copied from: the process (at start) or a completed user task. */
export interface CcSource {
  elementId: string | null;
  elementName: string | null;
  properties: Record<string, string>;
}

/**
 * Copies the case to everyone the sources declare, in the step's transaction.
 * Usage: `await copyDeclared(trx, instance, declaredCcSources(def, history, start), actor, now)`.
 */
export async function copyDeclared(
  trx: Knex.Transaction,
  instance: Pick<InstanceRow, 'id' | 'startedBy' | 'businessKey' | 'caseNumber' | 'subject'>,
  sources: CcSource[],
  actor: string | null,
  now: number,
): Promise<string[]> {
  const all: string[] = [];
  for (const s of sources) {
    const userIds = await recipients(trx, s.properties, instance.startedBy);
    const comment = s.elementName ? `流程规定：“${s.elementName}”办理后抄送` : '流程规定：发起时抄送';
    const fresh = await insertCc(trx, userIds.map((userId) => ({ id: randomUUID(), instanceId: instance.id, taskId: null, userId, by: DECLARED_CC_BY, comment, createdAt: now, readAt: null })));
    if (!fresh.length) continue;
    await appendHistory(trx, [{ instanceId: instance.id, type: 'case.cc', elementId: s.elementId, elementName: s.elementName, actor, at: now, data: { userIds: fresh, comment, declared: true } }]);
    await insertNotifications(trx, fresh.map((userId) => ccNotice(instance, userId, s, comment, now)));
    all.push(...fresh);
  }
  return all;
}

/**
 * The CC sources of one step: the process itself when `started`, and every user task the engine
 * left in this step (`activity.end` in its history) that declares a list.
 */
export function declaredCcSources(def: CompiledDefinition, history: ReadonlyArray<{ type: string; elementId?: string | null; elementType?: string | null }>, started: boolean): CcSource[] {
  const out: CcSource[] = [];
  if (started && declaresCc(def.model.properties)) out.push({ elementId: null, elementName: null, properties: def.model.properties });
  for (const h of history) {
    if (h.type !== 'activity.end' || !h.elementId || !/UserTask$/.test(h.elementType ?? '')) continue;
    const el = def.element(h.elementId);
    if (el && declaresCc(el.properties) && !out.some((s) => s.elementId === h.elementId)) out.push({ elementId: el.id, elementName: el.name ?? null, properties: el.properties });
  }
  return out;
}

/** The in-app notice of a declared copy: `抄送：…（常民防变〔2026〕0007号）` with the subject and why. */
function ccNotice(
  instance: Pick<InstanceRow, 'id' | 'businessKey' | 'caseNumber' | 'subject'>,
  userId: string,
  source: CcSource,
  comment: string,
  now: number,
) {
  const ref = instance.caseNumber || instance.businessKey;
  return {
    id: randomUUID(),
    userId,
    kind: 'case.cc',
    level: 'info' as const,
    title: `抄送：流程规定抄送给您${ref ? `（${ref}）` : ''}`,
    body: `${instance.subject ? `“${instance.subject}”：` : ''}${comment}`,
    taskId: null,
    instanceId: instance.id,
    dedupeKey: `case.cc:${instance.id}:${source.elementId ?? '-'}:${userId}`,
    createdAt: now,
    readAt: null,
  };
}
