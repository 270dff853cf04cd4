import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { FormDataProvider, Handler, TaskCheck } from '../engine/types.ts';
import { completerOf } from '../domain/approvals.ts';
import { itemStartProblem } from '../domain/catalog.ts';
import { actorOf } from '../domain/org.ts';
import { beijingDay } from '../domain/faults.ts';
import { checkCaseFine, coInvestigatorOptions, coInvestigatorProblems, fineProblems, tierOptions } from '../domain/penalty.ts';
import { createPowerRecord } from '../domain/records.ts';
import { getItem, itemVersion } from '../store/catalog.ts';
import { insertPenaltyCase, penaltyOfInstance, updatePenaltyCase, type PenaltyStatus } from '../store/penalties.ts';

/** Who did which step of a penalty case: filing, investigation, review and decision differ (SoD). */
async function peopleOf(trx: Knex.Transaction, instanceId: string, variables: Record<string, unknown>): Promise<Record<string, string>> {
  const people: Record<string, string> = { registrar: String(variables.registrar ?? '') };
  const steps: Array<[string, string]> = [
    ['filedBy', 'Task_Filing'],
    ['investigatedBy', 'Task_Investigate'],
    ['reviewedBy', 'Task_LegalReview'],
    ['decidedBy', 'Task_Decide'],
    ['collectiveRecordedBy', 'Task_Collective'],
  ];
  for (const [key, step] of steps) {
    const by = await completerOf(trx, instanceId, step);
    if (by) people[key] = by;
  }
  if (typeof variables.coInvestigator === 'string') people.coInvestigator = variables.coInvestigator;
  return people;
}

/** Handlers of penalty-case.bpmn. */
export const penaltyHandlers: Record<string, Handler> = {
  /**
   * Registers (or, after the registrar's revision, updates) the case: the item must be an active
   * penalty item bound to this procedure; the tiers of its discretion standard that fit the party
   * become the options of the decision forms.
   */
  'penalty.register': async ({ trx, variables, instance, now }) => {
    const code = String(variables.itemCode ?? '');
    const item = await getItem(trx, code);
    let problem: string | null = null;
    if (!item) problem = `处罚事项 ${code} 不在权力事项目录中`;
    else if (item.status !== 'active') problem = `处罚事项“${item.name}”已取消，不能再办理`;
    else if (item.category !== '行政处罚' || item.processKey !== instance.processKey) problem = `“${item.name}”不是按本流程办理的行政处罚事项`;
    else {
      // Started directly (not through the catalog): the starter must still be of the item's unit.
      const starter = await actorOf(trx, instance.startedBy);
      const who = starter ? await itemStartProblem(trx, item, starter) : '发起人不是在岗人员';
      if (typeof who === 'string') problem = who;
    }
    if (problem || !item) return { itemValid: false, itemProblem: problem };
    const partyType = String(variables.partyType);
    const existing = await penaltyOfInstance(trx, instance.id);
    if (existing) {
      await updatePenaltyCase(trx, instance.id, { partyType: partyType as 'person' | 'organisation', partyName: String(variables.partyName), facts: String(variables.facts) });
    } else {
      await insertPenaltyCase(trx, {
        id: randomUUID(),
        instanceId: instance.id,
        itemCode: item.code,
        itemVersion: item.version,
        partyType: partyType as 'person' | 'organisation',
        partyName: String(variables.partyName),
        facts: String(variables.facts),
        status: 'registered',
        filingNo: null,
        tier: null,
        amount: null,
        major: null,
        decisionNo: null,
        people: { registrar: String(variables.registrar ?? instance.startedBy) },
        registeredAt: now,
        decidedAt: null,
        closedAt: null,
      });
    }
    const version = existing?.itemVersion ?? item.version;
    const standard = (await itemVersion(trx, item.code, version))?.snapshot.discretion ?? item.discretion;
    return {
      itemValid: true,
      itemUnitId: item.unitId,
      itemName: item.name,
      itemVersion: version,
      statutoryDays: item.statutoryDays,
      promisedDays: item.promisedDays,
      majorAmount: standard?.majorAmount ?? null,
      tierOptions: tierOptions(standard, partyType),
    };
  },

  /**
   * Checks a fine against the discretion standard of the item version the case was registered
   * under (task property `stage`: `proposal` after investigation, `decision` after the decision).
   * Out of range: `discretionOk` is false with the reason, and the process returns the step.
   */
  'penalty.checkDiscretion': async ({ trx, variables, instance, properties, now }) => {
    const decision = properties.stage === 'decision';
    if (!decision && variables.investigationResult !== 'propose') return { discretionOk: true, discretionError: null };
    const c = await penaltyOfInstance(trx, instance.id);
    if (!c) throw new Error('处罚案件未登记');
    const fine = decision
      ? { partyType: c.partyType, tier: variables.tier, amount: variables.amount }
      : { partyType: c.partyType, tier: variables.proposedTier, amount: variables.proposedAmount };
    // The decision table penalty-discretion (the process owner's) when deployed, else the catalog.
    const res = await checkCaseFine(trx, c, fine);
    if (!res.ok) return { discretionOk: false, discretionError: res.message, major: false, discretionDecision: res.decision ?? null };
    if (decision) {
      await updatePenaltyCase(trx, instance.id, {
        status: 'decided',
        filingNo: typeof variables.filingNo === 'string' ? variables.filingNo : null,
        tier: res.tier.code,
        amount: fine.amount as number,
        major: res.major,
        decisionNo: String(variables.decisionNo ?? ''),
        people: await peopleOf(trx, instance.id, variables),
        decidedAt: now,
      });
    }
    return { discretionOk: true, discretionError: null, major: res.major, discretionDecision: res.decision ?? null };
  },

  /**
   * Closes the case (task property `outcome`: closed, no-penalty, withdrawn). A case that was
   * decided leaves a power-operation record (权力运行记录) of the item's unit.
   */
  'penalty.close': async ({ trx, variables, instance, properties, now }) => {
    const outcome = (properties.outcome || 'closed') as PenaltyStatus;
    const c = await penaltyOfInstance(trx, instance.id);
    if (!c) throw new Error('处罚案件未登记');
    await updatePenaltyCase(trx, instance.id, {
      status: outcome,
      people: await peopleOf(trx, instance.id, variables),
      ...(typeof variables.filingNo === 'string' && { filingNo: variables.filingNo }),
      ...(outcome === 'no-penalty' && { decidedAt: now }),
      closedAt: now,
    });
    if (outcome === 'withdrawn') return {};
    const item = await getItem(trx, c.itemCode);
    const record = await createPowerRecord(
      trx,
      {
        itemCode: c.itemCode,
        unitId: item!.unitId,
        caseNo: c.decisionNo || c.filingNo || instance.businessKey,
        partyName: c.partyName,
        summary: c.facts,
        result: outcome === 'closed' ? `罚款 ${c.amount} 元（${c.decisionNo}），已结案归档（${String(variables.archiveNo ?? '')}）` : '不予行政处罚',
        handledOn: beijingDay(now),
        instanceId: instance.id,
      },
      { by: String(variables.registrar ?? instance.startedBy), now },
    );
    return { recordId: record.id };
  },
};

/** Completion checks penalty-case.bpmn declares (camunda:property completionCheck). */
export const penaltyChecks: Record<string, TaskCheck> = {
  'penalty.fine': ({ db, task, variables }) => fineProblems(db, task, variables),
  'penalty.coInvestigator': async ({ db, instance, variables, actor }) =>
    coInvestigatorProblems(db, actor.id, instance, variables, await completerOf(db, instance.id, 'Task_Filing'), clockNow()),
};

let clockNow = () => Date.now();

/** The clock certificates are judged by in checks and forms (the engine's; set by registerHandlers). */
export function usePenaltyClock(clock: { now(): number }): void {
  clockNow = () => clock.now();
}

/** The investigation form offers the staff who may investigate with the investigator (`valuesKey: "coInvestigators"`). */
export const penaltyForms: Record<string, FormDataProvider> = {
  'penalty-investigation': async ({ db, actor }) => ({ coInvestigators: await coInvestigatorOptions(db, actor.id, clockNow()) }),
};
