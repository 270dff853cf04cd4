import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { queueMessage } from '../../engine/jobs.ts';
import type { WorkCalendar } from '../../lib/workdays.ts';
import { insertRuleWarning, instanceFacts, listRules, unitsOfUsers, type RuleRow } from '../../store/monitoring-rules.ts';
import { insertNotifications, type NotificationRow } from '../../store/notifications.ts';
import { activeMembers, unitPeople } from '../../store/warnings.ts';
import { caseRef } from '../cases.ts';
import { EVALUATORS, inactiveReason, type Hit } from './rule-eval.ts';

/** The message that opens a 督办 case for a warning (warning-rectification.bpmn's message start). */
export const RECTIFICATION_MESSAGE = 'rule-warning-raised';

/**
 * Runs every enabled monitoring rule and raises each new hit once as a 预警 (issue 18, item 2):
 * the warning row (unique per rule and fact), the notifications to supervision and the responsible
 * unit's head and contact, and the message that opens its 督办 case commit together; a hit another
 * node or an earlier tick raised inserts nothing, so every node may run this on its tick.
 * Usage: `await scanMonitoringRules(db, engine.calendar, clock.now())`.
 */
export async function scanMonitoringRules(db: Knex, calendar: WorkCalendar, now: number): Promise<{ rules: number; raised: number; skipped: string[] }> {
  const out = { rules: 0, raised: 0, skipped: [] as string[] };
  for (const rule of await listRules(db, { enabled: true })) {
    const evaluate = EVALUATORS[rule.kind];
    if (!evaluate || (await inactiveReason(db, rule))) {
      out.skipped.push(rule.id);
      continue;
    }
    out.rules++;
    for (const hit of await evaluate({ db, calendar, now, rule })) {
      if (await raise(db, rule, hit, now)) out.raised++;
    }
  }
  return out;
}

async function raise(db: Knex, rule: RuleRow, hit: Hit, now: number): Promise<boolean> {
  const unitId = await responsibleUnit(db, hit);
  const facts = hit.instanceId ? await instanceFacts(db, hit.instanceId) : undefined;
  const level = hit.level ?? rule.level;
  const id = randomUUID();
  return db.transaction(async (trx) => {
    const inserted = await insertRuleWarning(trx, {
      id,
      ruleId: rule.id,
      ruleKind: rule.kind,
      dedupeKey: `${rule.id}:${hit.key}`.slice(0, 300),
      level,
      processKey: rule.processKey,
      instanceId: hit.instanceId,
      elementId: hit.elementId,
      taskId: hit.taskId,
      unitId,
      people: hit.people,
      evidence: { ...hit.evidence, rule: { id: rule.id, version: rule.version, params: rule.params } },
      summary: hit.summary,
      stage: 'raised',
      outcome: null,
      caseInstanceId: null,
      createdAt: now,
      answeredAt: null,
      yellowCardAt: null,
      redCardAt: null,
      closedAt: null,
      closedBy: null,
    });
    if (!inserted) return false;
    const ref = facts ? caseRef(facts) : '';
    const unit = await unitPeople(trx, unitId);
    const to = new Set<string>([...(await activeMembers(trx, ['supervision'])), unit.head, unit.contact].filter((x): x is string => Boolean(x)));
    const notes: NotificationRow[] = [...to].map((userId) => ({
      id: randomUUID(),
      userId,
      kind: 'rule.warning',
      level,
      title: `${level === 'red' ? '红色' : '黄色'}监察预警：${rule.name}${ref}`,
      body: `${hit.summary}。已转为督办件，责任单位须在规定工作日内说明情况或整改。`,
      taskId: hit.taskId,
      instanceId: hit.instanceId,
      dedupeKey: `rule:${id}:${userId}`,
      createdAt: now,
      readAt: null,
    }));
    await insertNotifications(trx, notes);
    await queueMessage(
      trx,
      RECTIFICATION_MESSAGE,
      {
        businessKey: `YJ-${id.slice(0, 8)}`,
        variables: {
          warningId: id,
          ruleId: rule.id,
          ruleName: rule.name,
          level,
          summary: `${rule.name}：${hit.summary}${ref}`.slice(0, 1000),
          responsibleUnitId: unitId ?? '',
          watchedInstanceId: hit.instanceId ?? '',
        },
      },
      now,
    );
    return true;
  });
}

/** The unit that must answer: the hit's own, the case's item unit, the unit of the person involved, else the starter's. */
async function responsibleUnit(db: Knex, hit: Hit): Promise<string | null> {
  if (hit.unitId) return hit.unitId;
  const facts = hit.instanceId ? await instanceFacts(db, hit.instanceId) : undefined;
  if (typeof facts?.variables.itemUnitId === 'string' && facts.variables.itemUnitId) return facts.variables.itemUnitId;
  const units = await unitsOfUsers(db, hit.people);
  for (const p of hit.people) if (units.get(p)) return units.get(p)!;
  return facts?.starterUnit ?? null;
}
