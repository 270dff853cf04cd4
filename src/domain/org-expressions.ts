import type { Knex } from 'knex';
import { beijingDate } from '../lib/workdays.ts';
import type { ExpressionFunctions } from '../engine/types.ts';
import { organisationSnapshot, type OrgSnapshot } from '../store/org.ts';

/**
 * The organisation functions process owners call in candidate attributes of any BPMN file, so a
 * procedure routes by the organisation register without code:
 *   camunda:candidateUsers="${unitHeadOf(initiator)}"        the head of the starter's unit
 *   camunda:candidateUsers="${unitHeadOf(itemUnitId)}"       the head of a unit given by its id
 *   camunda:candidateUsers="${leaderInChargeOf(itemUnitId)}" the bureau leader in charge (分管领导)
 *   camunda:candidateUsers="${certifiedOfficersIn(itemUnitId)}" the unit's holders of a valid 执法证
 * Each answers user ids from a snapshot read in the step's transaction. When the register has no
 * such person the function fails the step with a message naming what is missing (the case stays
 * where it was; an incident rather than a task nobody can see).
 */

/** Whether a certificate is valid on the Beijing date `day` (YYYY-MM-DD). */
export function certificateValid(cert: { number: string; expires: string } | null, day: string): boolean {
  return Boolean(cert && cert.number && cert.expires && cert.expires >= day);
}

/** The functions over one snapshot, valid on `now`. Pure. Usage: `orgFunctions(snapshot, now).unitHeadOf('staff')`. */
export function orgFunctions(org: OrgSnapshot, now: number): ExpressionFunctions {
  const today = beijingDate(now);
  const person = new Map(org.people.map((p) => [p.id, p]));
  const unit = new Map(org.units.map((u) => [u.id, u]));
  const active = (id: string | null | undefined) => (id && person.get(id)?.status === 'active' ? id : null);
  const unitName = (id: string) => unit.get(id)?.name ?? id;
  return {
    // A person's id: the head of their unit; a unit's id (e.g. the item's itemUnitId): its head.
    unitHeadOf: (who: unknown) => {
      const id = String(who ?? '');
      const unitId = unit.has(id) ? id : person.get(id)?.unitId;
      if (!unitId) throw new Error(`组织机构中没有人员或单位“${id}”`);
      const head = active(unit.get(unitId)?.headUserId);
      if (!head) throw new Error(`${unitName(unitId)}没有在职的单位负责人`);
      return head;
    },
    leaderInChargeOf: (unitId: unknown) => {
      const u = unit.get(String(unitId ?? ''));
      if (!u) throw new Error(`组织机构中没有单位“${String(unitId)}”`);
      const leader = active(u.leaderUserId);
      if (!leader) throw new Error(`${u.name}没有登记分管局领导`);
      return leader;
    },
    certifiedOfficersIn: (unitId: unknown) => {
      const id = String(unitId ?? '');
      if (!unit.has(id)) throw new Error(`组织机构中没有单位“${id}”`);
      const officers = org.people.filter((p) => p.unitId === id && p.status === 'active' && certificateValid(p.cert, today)).map((p) => p.id);
      if (!officers.length) throw new Error(`${unitName(id)}没有持有效执法证的人员`);
      return officers;
    },
  };
}

/** The provider the engine calls per step (EngineService.setExpressionFunctions). */
export function orgFunctionsProvider(clock: { now(): number }): (db: Knex) => Promise<ExpressionFunctions> {
  return async (db) => orgFunctions(await organisationSnapshot(db), clock.now());
}
