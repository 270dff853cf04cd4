import { randomUUID } from 'node:crypto';
import { caseRef } from '../cases.ts';
import type { Knex } from 'knex';
import { yellowAt } from '../../lib/time-limits.ts';
import { queueMessage } from '../../engine/jobs.ts';
import { beijingDate, type WorkCalendar } from '../../lib/workdays.ts';
import { markAccountabilityQueued, overdueStep, raiseCaseLevel, runningCases, type RunningCase } from '../../store/cases.ts';
import { insertNotifications, type NotificationRow } from '../../store/notifications.ts';
import { activeMembers, unitPeople } from '../../store/warnings.ts';

/** The message that opens an accountability review (accountability-review.bpmn's message start). */
export const ACCOUNTABILITY_MESSAGE = 'accountability-open';

/**
 * Power-item cases against their promised time limit (承诺时限, working days, from the catalog):
 * yellow at 80 % used, red when past. Yellow tells the responsible unit's contact person and head;
 * red tells supervision too and — once per case, whichever node notices first — opens an
 * accountability review for Art. 13 (2) (not run within the time limit) with the overdue step,
 * the person holding it and the facts.
 * Usage: `await scanCaseWarnings(db, engine.calendar, clock.now())` on the scheduler's tick.
 */
export async function scanCaseWarnings(db: Knex, calendar: WorkCalendar, now: number): Promise<{ yellow: number; red: number; opened: number }> {
  const result = { yellow: 0, red: 0, opened: 0 };
  for (const c of await runningCases(db)) {
    const dueAt = calendar.addWorkdays(c.startedAt, c.promisedDays);
    const yellow = yellowAt(c.startedAt, dueAt, { kind: 'workdays', days: c.promisedDays }, calendar);
    const level = now > dueAt ? 'red' : now >= yellow ? 'yellow' : null;
    if (!level || c.level === level || (c.level === 'red' && level === 'yellow')) continue;
    await db.transaction(async (trx) => {
      if (!(await raiseCaseLevel(trx, { instanceId: c.instanceId, itemCode: c.itemCode, dueAt }, level, now))) return;
      result[level]++;
      const step = await overdueStep(trx, c.instanceId, now);
      await insertNotifications(trx, await caseNotes(trx, c, level, dueAt, step?.assignee ?? null, now));
      if (level === 'red' && (await markAccountabilityQueued(trx, c.instanceId, now))) {
        const person = step?.assignee ?? c.startedBy;
        await queueMessage(
          trx,
          ACCOUNTABILITY_MESSAGE,
          {
            businessKey: `ZR-${c.businessKey ?? c.instanceId.slice(0, 8)}`,
            variables: {
              category: '2',
              subjectKind: 'person',
              subjectUserId: person,
              subjectUnitId: c.unitId,
              facts: `权力事项“${c.itemName}”（${c.itemCode}）办件${c.businessKey ? ` ${c.businessKey}` : ''}超过承诺时限（${c.promisedDays} 个工作日，${beijingDate(dueAt - 1)} 到期）仍未办结；超期环节：${step?.name ?? '—'}，办理人：${person}。`,
              evidence: `流程实例 ${c.instanceId}`,
              source: 'overdue-case',
              sourceRef: c.instanceId,
            },
          },
          now,
        );
        result.opened++;
      }
    });
  }
  return result;
}

async function caseNotes(trx: Knex, c: RunningCase, level: 'yellow' | 'red', dueAt: number, assignee: string | null, now: number): Promise<NotificationRow[]> {
  const unit = await unitPeople(trx, c.unitId);
  const to = new Set<string>([unit.contact, unit.head, assignee].filter((x): x is string => Boolean(x)));
  if (level === 'red') for (const s of await activeMembers(trx, ['supervision'])) to.add(s);
  const what = `${c.itemName}${caseRef(c)}`;
  return [...to].map((userId) => ({
    id: randomUUID(),
    userId,
    kind: `case.${level}`,
    level,
    title: level === 'yellow' ? `办件黄色预警：${what}` : `办件红色预警：${what}已超承诺时限`,
    body: `承诺时限 ${c.promisedDays} 个工作日，${beijingDate(dueAt - 1)} 到期。`,
    taskId: null,
    instanceId: c.instanceId,
    dedupeKey: `case:${c.instanceId}:${level}:${userId}`,
    createdAt: now,
    readAt: null,
  }));
}
