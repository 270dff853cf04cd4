import type { Knex } from 'knex';
import type { EngineService, TaskWithWarning } from '../../engine/service.ts';
import { ForbiddenError, NotFoundError } from '../../errors.ts';
import { getUnit, type UnitRow } from '../../store/org.ts';
import { openTasksOfUnit } from '../../store/unit-tasks.ts';
import type { Person } from '../org.ts';

/**
 * 本单位待办 (Art. 5: each unit's contact person reminds colleagues of pending work; the unit head
 * answers for the unit): the open tasks waiting on people of a unit, most urgent first, for its
 * head and contact person — and for the supervision office, for any unit.
 * Usage: `await unitPendingTasks(db, engine, person, { unitId: 'inspection-brigade' })`.
 */
export async function unitPendingTasks(
  db: Knex,
  engine: EngineService,
  person: Person,
  opts: { unitId?: string; limit?: number; offset?: number } = {},
): Promise<{ unit: UnitRow; items: TaskWithWarning[]; total: number }> {
  const unitId = opts.unitId ?? person.unitId;
  if (!unitId) throw new NotFoundError('您不属于任何单位', 'UNIT_NOT_FOUND');
  const unit = await getUnit(db, unitId);
  if (!unit) throw new NotFoundError(`单位 ${unitId} 不存在`, 'UNIT_NOT_FOUND');
  const supervision = person.groups.includes('supervision');
  if (!supervision && person.id !== unit.headUserId && person.id !== unit.contactUserId) {
    throw new ForbiddenError('只有本单位负责人、联络员或监察室可以查看本单位待办', 'NOT_UNIT_HEAD_OR_CONTACT');
  }
  const { rows, total } = await openTasksOfUnit(db, unit.id, opts);
  return { unit, items: rows.map((t) => engine.withWarning(t)), total };
}

/** Whether the person is the head or the contact person of their unit (for the UI's menu). */
export function unitRoles(unit: UnitRow | undefined, personId: string): { isHead: boolean; isContact: boolean } {
  return { isHead: Boolean(unit && unit.headUserId === personId), isContact: Boolean(unit && unit.contactUserId === personId) };
}
