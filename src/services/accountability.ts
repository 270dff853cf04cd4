import { randomUUID } from 'node:crypto';
import type { Handler } from '../engine/types.ts';
import { appraisalYear, categoryOf, OUTCOMES, resolveSubject } from '../domain/accountability.ts';
import { approvalsOf } from '../domain/approvals.ts';
import { caseOfInstance, closeCase, insertAppraisal, upsertCase } from '../store/accountability.ts';

const MEASURES: Record<string, string> = {
  organisational: '组织处理',
  'party-discipline': '移送纪检监察机关给予党纪政务处分',
  referral: '移送有关机关依法处理',
};

/** Handlers of accountability-review.bpmn (Art. 13). */
export const accountabilityHandlers: Record<string, Handler> = {
  /**
   * Checks what the case was opened with (by hand, or by a message from another procedure, whose
   * variables no form has checked) and registers the case.
   */
  'accountability.register': async ({ trx, variables, instance, now }) => {
    const category = categoryOf(variables.category);
    const facts = typeof variables.facts === 'string' ? variables.facts.trim() : '';
    const subject = await resolveSubject(trx, variables);
    const problems = [
      ...(category === null ? ['违规情形应为第十三条（一）至（五）项之一'] : []),
      ...(facts.length < 4 ? ['缺少违规事实'] : []),
      ...(subject.ok ? [] : [subject.problem]),
    ];
    if (problems.length || !subject.ok) return { caseValid: false, caseProblem: problems.join('；') };
    const manual = instance.startEventId === 'StartEvent_Manual';
    const c = await upsertCase(trx, {
      id: randomUUID(),
      instanceId: instance.id,
      source: manual ? 'manual' : String(variables.source ?? 'platform'),
      sourceRef: typeof variables.sourceRef === 'string' ? variables.sourceRef : null,
      category: category!,
      subjectKind: subject.subject.kind,
      userId: subject.subject.userId,
      unitId: subject.subject.unitId,
      facts,
      status: 'open',
      opinion: null,
      outcome: null,
      serious: false,
      openedBy: String(variables.opener ?? instance.startedBy),
      openedAt: now,
      closedAt: null,
    });
    return { caseValid: true, caseId: c.id, category: String(category), subjectName: subject.subject.name, facts };
  },

  'accountability.dismiss': async ({ trx, variables, instance, now }) => {
    await closeCase(trx, instance.id, { status: 'dismissed', opinion: String(variables.dismissReason ?? ''), outcome: null, serious: false, closedAt: now });
    return {};
  },

  /** The agreed decision goes into the person's (or unit's) annual appraisal record. */
  'appraisal.enter': async ({ trx, variables, instance, now }) => {
    const c = await caseOfInstance(trx, instance.id);
    if (!c) throw new Error('追责案件未登记');
    const serious = variables.serious === true;
    const outcome = String(variables.outcome ?? '');
    const record = await insertAppraisal(trx, {
      id: randomUUID(),
      year: appraisalYear(now),
      subjectKind: c.subjectKind,
      userId: c.userId,
      unitId: c.unitId,
      kind: 'accountability',
      category: c.category,
      outcome,
      deduction: typeof variables.deduction === 'number' ? variables.deduction : 0,
      serious,
      facts: c.facts,
      decision: `${OUTCOMES[outcome] ?? outcome}：${String(variables.opinion ?? '')}`,
      measures: serious ? `${MEASURES[String(variables.measure)] ?? String(variables.measure ?? '')}：${String(variables.measureNote ?? '')}` : null,
      approvals: await approvalsOf(trx, instance.id),
      caseId: c.id,
      instanceId: instance.id,
      enteredAt: now,
    });
    await closeCase(trx, instance.id, { status: 'decided', opinion: String(variables.opinion ?? ''), outcome, serious, closedAt: now });
    return { appraisalId: record.id };
  },
};
