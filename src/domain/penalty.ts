import type { Knex } from 'knex';
import type { FieldError } from '../errors.ts';
import { itemVersion, type DiscretionStandard, type DiscretionTier } from '../store/catalog.ts';
import { listUsers } from '../store/org.ts';
import { penaltyOfInstance } from '../store/penalties.ts';
import { organisationSnapshot } from '../store/org.ts';
import { certificateValid } from './org-expressions.ts';
import { beijingDate } from '../lib/workdays.ts';
import { evaluateDecision } from '../engine/dmn/run.ts';
import { DecisionError } from '../engine/dmn/evaluate.ts';

/**
 * The decision table (DMN, processes/penalty-discretion.dmn) that holds the discretion standard:
 * per item code and tier, the tier's name, party type, fine range and major-penalty threshold. The
 * process owner maintains it in the modeler (决策表设计) and a second person approves each version;
 * while it is deployed it decides, otherwise the item version's catalog snapshot does.
 */
export const DISCRETION_DECISION = 'penalty-discretion';

/**
 * Checks a fine of a case against the discretion standard: the decision table when deployed, else
 * the catalog snapshot of the item version the case was registered under.
 * Usage: `await checkCaseFine(trx, { itemCode, itemVersion }, { partyType, tier, amount })`.
 */
export async function checkCaseFine(
  db: Knex,
  item: { itemCode: string; itemVersion: number },
  fine: { partyType: string; tier: unknown; amount: unknown },
): Promise<FineCheck & { decision?: string }> {
  let table;
  try {
    table = await evaluateDecision(db, DISCRETION_DECISION, { itemCode: item.itemCode, tier: typeof fine.tier === 'string' ? fine.tier : null });
  } catch (err) {
    if (err instanceof DecisionError) return { ok: false, message: `自由裁量基准决策表有误：${err.message}` };
    throw err;
  }
  if (!table) return checkFine((await itemVersion(db, item.itemCode, item.itemVersion))?.snapshot.discretion ?? null, fine);
  const row = table.result[0];
  if (!row) return { ok: false, message: `裁量档次“${String(fine.tier ?? '')}”不在该事项的自由裁量基准中`, decision: table.id };
  const tier: DiscretionTier = { code: String(fine.tier), name: String(row.name ?? fine.tier), condition: '', partyType: String(row.partyType) as DiscretionTier['partyType'], min: Number(row.min), max: Number(row.max) };
  return { ...checkFine({ majorAmount: Number(row.majorAmount), tiers: [tier] }, fine), decision: table.id };
}

/**
 * Administrative penalties against the item's discretion standard (自由裁量基准): the fine must lie
 * within the chosen tier, the tier must fit the party, and fines from the item's major amount up
 * are major penalties that the leaders decide collectively.
 */

export const PARTY_TYPES: Record<string, string> = { person: '公民', organisation: '法人或其他组织' };

const yuan = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });

/** The tiers a party of this type may be given, as select options for the decision forms. */
export function tierOptions(d: DiscretionStandard | null, partyType: string): Array<{ label: string; value: string }> {
  return (d?.tiers ?? [])
    .filter((t) => t.partyType === partyType)
    .map((t) => ({ label: `${t.name}：${t.condition}（${yuan(t.min)}–${yuan(t.max)} 元）`, value: t.code }));
}

export type FineCheck = { ok: true; major: boolean; tier: DiscretionTier } | { ok: false; message: string };

/**
 * Checks a fine against the discretion standard.
 * Usage: `checkFine(item.discretion, { partyType: 'organisation', tier: 'org-light', amount: 15000 })`.
 */
export function checkFine(d: DiscretionStandard | null, fine: { partyType: string; tier: unknown; amount: unknown }): FineCheck {
  if (!d || !d.tiers.length) return { ok: false, message: '该处罚事项没有自由裁量基准，不能作出罚款决定' };
  const tier = d.tiers.find((t) => t.code === fine.tier);
  if (!tier) return { ok: false, message: `裁量档次“${String(fine.tier ?? '')}”不在该事项的自由裁量基准中` };
  if (tier.partyType !== fine.partyType) {
    return { ok: false, message: `裁量档次“${tier.name}”适用于${PARTY_TYPES[tier.partyType]}，不适用于本案当事人（${PARTY_TYPES[fine.partyType] ?? fine.partyType}）` };
  }
  const amount = typeof fine.amount === 'number' ? fine.amount : NaN;
  if (!Number.isFinite(amount) || amount < 0) return { ok: false, message: '罚款金额无效' };
  if (Math.round(amount * 100) !== amount * 100) return { ok: false, message: '罚款金额最多保留两位小数（精确到分）' };
  if (amount < tier.min || amount > tier.max) {
    return { ok: false, message: `罚款金额 ${yuan(amount)} 元超出裁量档次“${tier.name}”的幅度（${yuan(tier.min)}–${yuan(tier.max)} 元），请重新确定` };
  }
  return { ok: true, major: amount >= d.majorAmount, tier };
}

/**
 * The completion check `penalty.fine` that penalty-case.bpmn declares on its investigation and
 * decision tasks: a proposed or decided fine outside its discretion tier is refused at once, per
 * field (422), before the step runs. (penalty.checkDiscretion checks it again inside the procedure.)
 * Usage: `engine.registerTaskCheck('penalty.fine', ({ db, task, variables }) => fineProblems(db, task, variables))`.
 */
export async function fineProblems(
  db: Knex,
  task: { elementId: string; instanceId: string },
  variables: Record<string, unknown>,
): Promise<FieldError[]> {
  const fields =
    task.elementId === 'Task_Investigate' && variables.investigationResult === 'propose'
      ? { tier: 'proposedTier', amount: 'proposedAmount' }
      : task.elementId === 'Task_Decide' && variables.decision === 'penalize'
        ? { tier: 'tier', amount: 'amount' }
        : null;
  if (!fields) return [];
  const c = await penaltyOfInstance(db, task.instanceId);
  if (!c) return [];
  const res = await checkCaseFine(db, c, { partyType: c.partyType, tier: variables[fields.tier], amount: variables[fields.amount] });
  return res.ok ? [] : [{ field: fields.amount, message: res.message }];
}

/**
 * Who may be named co-investigator (协同执法人员) by `investigator`: active people of `unitId` (the
 * item's implementing unit; by default the investigator's own) holding a 执法证 valid on `now`,
 * other than the investigator, as select options. A second real certified person, not free text.
 * Usage: `const options = await coInvestigatorOptions(db, 'staff', clock.now())`.
 */
export async function coInvestigatorOptions(db: Knex, investigator: string, now: number, unitId?: string): Promise<Array<{ label: string; value: string }>> {
  const org = await organisationSnapshot(db);
  const unit = unitId ?? org.people.find((p) => p.id === investigator)?.unitId ?? null;
  const day = beijingDate(now);
  const users = new Map((await listUsers(db, { unitId: unit ?? '' })).map((u) => [u.id, u]));
  return org.people
    .filter((p) => p.unitId === unit && p.id !== investigator && p.status === 'active' && certificateValid(p.cert, day))
    .map((p) => ({ value: p.id, label: `${p.displayName}（${p.id}）${users.get(p.id)?.title ? ` · ${users.get(p.id)!.title}` : ''} · 执法证 ${p.cert!.number}` }));
}

/**
 * The co-investigator must be an active staff member other than the investigator, and not the
 * registrar or whoever approved the filing: two people investigate, and neither checks themselves.
 */
export async function coInvestigatorProblems(
  db: Knex,
  investigator: string,
  instance: { id: string; startedBy: string; variables: Record<string, unknown> },
  variables: Record<string, unknown>,
  filedBy: string | null,
  now: number,
): Promise<FieldError[]> {
  const who = variables.coInvestigator;
  const field = 'coInvestigator';
  if (typeof who !== 'string' || !who) return [{ field, message: '须选择协同执法人员' }];
  if (who === investigator) return [{ field, message: '协同执法人员不能是调查人本人' }];
  if (who === instance.startedBy || who === instance.variables.registrar || who === filedBy) {
    return [{ field, message: '协同执法人员不能是本案的登记人或立案审批人' }];
  }
  const unitId = typeof instance.variables.itemUnitId === 'string' ? instance.variables.itemUnitId : undefined;
  if (!(await coInvestigatorOptions(db, investigator, now, unitId)).some((o) => o.value === who)) {
    return [{ field, message: '协同执法人员须为本事项实施单位持有效执法证的在岗人员' }];
  }
  return [];
}
