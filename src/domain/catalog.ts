import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { EngineService } from '../engine/service.ts';
import type { StepHook, StepResult } from '../engine/steps.ts';
import type { Actor } from '../engine/types.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import { appendAudit } from './audit.ts';
import {
  getItem,
  saveItemVersion,
  type Approval,
  type DiscretionStandard,
  type DiscretionTier,
  type ItemCategory,
  type PowerItem,
} from '../store/catalog.ts';
import { latestDefinition } from '../store/definitions.ts';
import { getUnit, getUser } from '../store/org.ts';

/**
 * The power-item catalog (权力事项目录, Art. 3 and 8): what may be started, and how an approved
 * item change (item-change.bpmn) becomes a new catalog version. Items are never deleted: removal
 * retires the item and every version stays readable.
 */

export const CATEGORIES: ItemCategory[] = ['行政许可', '行政处罚', '行政强制', '行政征收', '行政检查', '其他'];

/** Item codes carry their category: XK-0001 is a licence, CF-0001 a penalty … */
export const CATEGORY_PREFIX: Record<ItemCategory, string> = {
  行政许可: 'XK',
  行政处罚: 'CF',
  行政强制: 'QZ',
  行政征收: 'ZS',
  行政检查: 'JC',
  其他: 'QT',
};

/**
 * The procedures power items can be bound to, and which categories each serves: penalty items
 * need the penalty procedure, which checks fines against the discretion standard.
 */
export const ITEM_PROCESSES: Record<string, { name: string; categories: ItemCategory[] }> = {
  'power-case': { name: '权力事项通用办理流程', categories: ['行政许可', '行政强制', '行政征收', '行政检查', '其他'] },
  'penalty-case': { name: '行政处罚案件办理流程', categories: ['行政处罚'] },
};

export const LEGAL_GROUNDS: Record<string, string> = {
  'law-enacted': '法律、法规颁布',
  'law-amended': '法律、法规修改',
  'law-repealed': '法律、法规废止',
  'power-adjusted': '有关行政职权调整',
  'circumstances-changed': '办理的客观情况发生重大变化',
};

export type ChangeType = 'add' | 'change-info' | 'change-procedure' | 'change-discretion' | 'retire';

export const CHANGE_TYPES: Record<ChangeType, string> = {
  add: '新增权力事项',
  'change-info': '变更事项信息',
  'change-procedure': '变更办理流程',
  'change-discretion': '变更行政处罚自由裁量标准',
  retire: '删除（取消）权力事项',
};

const CODE = /^(XK|CF|QZ|ZS|JC|QT)-\d{4}$/;

export interface ItemFields {
  name: string;
  category: ItemCategory;
  unitId: string;
  legalBasis: string;
  statutoryDays: number;
  promisedDays: number;
  processKey: string;
}

/** An item change as the item-change procedure collects it (the forms' variables). */
export interface ItemChange {
  changeType: ChangeType;
  itemCode: string;
  legalGround: string;
  groundDocument: string;
  reason: string;
  sunshineRef: string;
  /** The date the change was made on the 三合一 platform (YYYY-MM-DD). */
  sunshineDate: string;
  newItem?: ItemFields;
  itemPatch?: Partial<Omit<ItemFields, 'category' | 'processKey'>>;
  newProcessKey?: string;
  procedureNote?: string;
  majorAmount?: number;
  tiers?: DiscretionTier[];
}

/** Reads the change out of an item-change instance's variables. */
export function changeFromVariables(v: Record<string, unknown>): ItemChange {
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  const obj = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);
  const patch = obj(v.itemPatch);
  return {
    changeType: str(v.changeType) as ChangeType,
    itemCode: str(v.itemCode).trim(),
    legalGround: str(v.legalGround),
    groundDocument: str(v.groundDocument),
    reason: str(v.reason),
    sunshineRef: str(v.sunshineRef),
    sunshineDate: str(v.sunshineDate).slice(0, 10),
    newItem: obj(v.newItem) as ItemFields | undefined,
    itemPatch: patch && (Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== null && x !== undefined && x !== '')) as ItemChange['itemPatch']),
    newProcessKey: str(v.newProcessKey) || undefined,
    procedureNote: str(v.procedureNote) || undefined,
    majorAmount: typeof v.majorAmount === 'number' ? v.majorAmount : undefined,
    tiers: Array.isArray(v.tiers) ? (v.tiers as DiscretionTier[]) : undefined,
  };
}

/** Problems with a discretion standard (empty when it is usable). */
export function discretionProblems(d: { majorAmount?: number; tiers?: DiscretionTier[] }): string[] {
  const problems: string[] = [];
  const tiers = d.tiers ?? [];
  if (!tiers.length) problems.push('行政处罚事项须至少设定一个自由裁量档次');
  if (!(typeof d.majorAmount === 'number' && d.majorAmount > 0)) problems.push('须设定重大行政处罚金额标准');
  const codes = new Set<string>();
  tiers.forEach((t, i) => {
    const where = `第 ${i + 1} 个裁量档次`;
    if (!t || typeof t !== 'object') return problems.push(`${where}无效`);
    if (!t.code || codes.has(t.code)) problems.push(`${where}的代码“${t.code ?? ''}”为空或重复`);
    codes.add(t.code);
    if (!t.name || !t.condition) problems.push(`${where}缺少名称或适用情形`);
    if (t.partyType !== 'person' && t.partyType !== 'organisation') problems.push(`${where}的适用当事人无效`);
    if (!(Number.isFinite(t.min) && Number.isFinite(t.max) && t.min >= 0 && t.min <= t.max)) {
      problems.push(`${where}的罚款幅度无效（下限 ${t.min}，上限 ${t.max}）`);
    }
  });
  return problems;
}

function processProblem(category: ItemCategory, processKey: string): string | null {
  const p = ITEM_PROCESSES[processKey];
  if (!p) return `办理流程“${processKey}”不是可绑定权力事项的流程`;
  if (!p.categories.includes(category)) return `${category}事项不能使用“${p.name}”`;
  return null;
}

/**
 * Everything that makes an item change inapplicable to the catalog as it is now; empty when it can
 * be applied. Messages are shown to the applicant when the change is returned.
 * Usage: `const problems = await checkItemChange(db, changeFromVariables(vars))`.
 */
export async function checkItemChange(db: Knex | Knex.Transaction, c: ItemChange): Promise<string[]> {
  const problems: string[] = [];
  if (!(c.changeType in CHANGE_TYPES)) return [`变更类型“${c.changeType}”无效`];
  if (!CODE.test(c.itemCode)) return [`事项编码“${c.itemCode}”格式不正确`];
  if (!(c.legalGround in LEGAL_GROUNDS)) problems.push('变更依据情形无效');
  const item = await getItem(db as Knex, c.itemCode);
  const deployed = async (key: string) => Boolean(await latestDefinition(db as Knex, key));
  if (c.changeType === 'add') {
    if (item) return [`事项编码 ${c.itemCode} 已被“${item.name}”使用（已取消事项的编码也不再使用）`];
    const n = c.newItem;
    if (!n) return ['缺少新增事项内容'];
    if (!CATEGORIES.includes(n.category)) problems.push(`权力类别“${n.category}”无效`);
    else if (!c.itemCode.startsWith(CATEGORY_PREFIX[n.category] + '-')) {
      problems.push(`${n.category}事项的编码应以 ${CATEGORY_PREFIX[n.category]}- 开头`);
    }
    if (!(await getUnit(db as Knex, n.unitId))) problems.push(`实施主体“${n.unitId}”不存在`);
    if (n.promisedDays > n.statutoryDays) problems.push('承诺办理时限不能长于法定办理时限');
    const pp = CATEGORIES.includes(n.category) ? processProblem(n.category, n.processKey) : null;
    if (pp) problems.push(pp);
    else if (!(await deployed(n.processKey))) problems.push(`办理流程“${n.processKey}”尚未部署`);
    if (n.category === '行政处罚') problems.push(...discretionProblems(c));
    return problems;
  }
  if (!item) return [`权力事项 ${c.itemCode} 不存在`];
  if (item.status !== 'active') return [`权力事项“${item.name}”（${c.itemCode}）已取消，不能再变更`];
  if (c.changeType === 'change-info') {
    const p = c.itemPatch ?? {};
    const changed = Object.entries(p).filter(([k, v]) => (item as unknown as Record<string, unknown>)[k] !== v);
    if (!changed.length) problems.push('变更后的事项信息与现行版本相同，没有需要变更的内容');
    if (p.unitId && !(await getUnit(db as Knex, p.unitId))) problems.push(`实施主体“${p.unitId}”不存在`);
    if ((p.promisedDays ?? item.promisedDays) > (p.statutoryDays ?? item.statutoryDays)) problems.push('承诺办理时限不能长于法定办理时限');
  } else if (c.changeType === 'change-procedure') {
    const key = c.newProcessKey ?? '';
    const pp = processProblem(item.category, key);
    if (pp) problems.push(pp);
    else if (!(await deployed(key))) problems.push(`办理流程“${key}”尚未部署`);
    if (!c.procedureNote) problems.push('须说明流程变更内容');
  } else if (c.changeType === 'change-discretion') {
    if (item.category !== '行政处罚') problems.push(`“${item.name}”不是行政处罚事项，没有自由裁量标准`);
    else problems.push(...discretionProblems(c));
  }
  return problems;
}

/** The item as it will be after the change (the change must have passed checkItemChange). */
function nextItem(item: PowerItem | undefined, c: ItemChange, now: number): PowerItem {
  const discretion = (): DiscretionStandard => ({
    majorAmount: c.majorAmount!,
    tiers: (c.tiers ?? []).map((t) => ({ code: t.code, name: t.name, condition: t.condition, partyType: t.partyType, min: t.min, max: t.max })),
  });
  if (c.changeType === 'add') {
    const n = c.newItem!;
    return {
      code: c.itemCode,
      name: n.name,
      category: n.category,
      unitId: n.unitId,
      legalBasis: n.legalBasis,
      statutoryDays: n.statutoryDays,
      promisedDays: n.promisedDays,
      discretion: n.category === '行政处罚' ? discretion() : null,
      processKey: n.processKey,
      status: 'active',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  }
  const base: PowerItem = { ...item!, version: item!.version + 1, updatedAt: now };
  switch (c.changeType) {
    case 'change-info':
      return { ...base, ...c.itemPatch };
    case 'change-procedure':
      return { ...base, processKey: c.newProcessKey! };
    case 'change-discretion':
      return { ...base, discretion: discretion() };
    default:
      return { ...base, status: 'retired' };
  }
}

/**
 * Applies an approved change as a new catalog version (or retirement), recording who asked, why,
 * who approved and through which instance. Returns the problems instead when the catalog no longer
 * allows it (another change came first).
 * Usage (in a handler): `await applyItemChange(ctx.trx, change, { instanceId, by, approvals, now })`.
 */
export async function applyItemChange(
  trx: Knex.Transaction,
  c: ItemChange,
  meta: { instanceId: string | null; by: string; approvals: Approval[]; now: number },
): Promise<{ ok: true; item: PowerItem } | { ok: false; problems: string[] }> {
  const problems = await checkItemChange(trx, c);
  if (problems.length) return { ok: false, problems };
  const before = c.changeType === 'add' ? undefined : await getItem(trx as unknown as Knex, c.itemCode);
  const item = nextItem(before, c, meta.now);
  const reason = [c.reason, c.groundDocument && `依据：${c.groundDocument}`, c.procedureNote && `流程变更：${c.procedureNote}`].filter(Boolean).join('\n');
  const saved = await saveItemVersion(trx, item, before ? before.version : null, {
    changeType: c.changeType,
    legalGround: c.legalGround,
    reason,
    sunshineRef: c.sunshineRef,
    sunshineDate: /^\d{4}-\d{2}-\d{2}$/.test(c.sunshineDate) ? c.sunshineDate : null,
    changedBy: meta.by,
    approvals: meta.approvals,
    instanceId: meta.instanceId,
    changedAt: meta.now,
  });
  if (!saved) return { ok: false, problems: ['该事项已被其他变更修改，请核对后重新提交'] };
  return { ok: true, item };
}

/** Checks that an item can be started now; returns it. Throws ITEM_NOT_FOUND / ITEM_RETIRED. */
export async function activeItem(db: Knex | Knex.Transaction, code: string): Promise<PowerItem> {
  const item = await getItem(db as Knex, String(code ?? ''));
  if (!item) throw new NotFoundError(`权力事项 ${code} 不在权力事项目录中`, 'ITEM_NOT_FOUND');
  if (item.status !== 'active') throw new ConflictError(`权力事项“${item.name}”（${item.code}）已取消，不能再办理`, 'ITEM_RETIRED');
  return item;
}

/**
 * Starts a case of a catalog item on the procedure the item is bound to (Art. 3: only catalog
 * items run, each on its approved procedure). Refuses unknown (404 ITEM_NOT_FOUND) and retired
 * (409 ITEM_RETIRED) items before anything starts. The procedure's first step loads the item's
 * name, version and time limits from the catalog into the instance.
 * Usage: `await startItemCase(engine, db, 'XK-0001', { by: actor, variables: formValues })`.
 */
export async function startItemCase(
  engine: EngineService,
  db: Knex,
  itemCode: string,
  opts: { by: Actor; businessKey?: string; variables?: Record<string, unknown>; hook?: StepHook },
): Promise<StepResult> {
  const item = await activeItem(db, itemCode);
  const onBehalf = (await itemStarter(db, item, opts.by)) === 'on-behalf';
  const day = new Date(engine.clock.now() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
  const businessKey = opts.businessKey ?? `${item.code}-${day}-${randomBytes(2).toString('hex').toUpperCase()}`;
  // Supervision opening a case on the item's behalf leaves its own audit row in the start's transaction.
  const hook: StepHook | undefined = onBehalf
    ? async (trx, res) => {
        await appendAudit(
          trx,
          { actor: opts.by.id, action: 'power-item.start-on-behalf', objectType: 'process-instance', objectId: res.instance.id, instanceId: res.instance.id, after: { itemCode: item.code, unitId: item.unitId } },
          engine.clock.now(),
        );
        await opts.hook?.(trx, res);
      }
    : opts.hook;
  return engine.start(item.processKey, { by: opts.by, businessKey, variables: { ...(opts.variables ?? {}), itemCode: item.code }, hook });
}

/** The group whose members may open a case of any unit's item on its behalf (audited). */
export const ON_BEHALF_GROUP = 'supervision';

/**
 * Whether `by` may start a case of `item` (Art. 3: powers bound to their implementing unit):
 * 'own' for an active person of the item's unit, 'on-behalf' for the supervision office; anyone
 * else — another unit, the vendor, a district reporter, a company — is refused 403 ITEM_NOT_OWN_UNIT.
 * Usage: `await itemStarter(db, item, actor)`.
 */
export async function itemStarter(db: Knex | Knex.Transaction, item: PowerItem, by: Actor): Promise<'own' | 'on-behalf'> {
  const problem = await itemStartProblem(db, item, by);
  if (typeof problem === 'string') throw new ForbiddenError(problem, 'ITEM_NOT_OWN_UNIT', { itemCode: item.code, unitId: item.unitId });
  return problem.kind;
}

/** The same rule without throwing: the refusal's message, or how the person may start. */
export async function itemStartProblem(db: Knex | Knex.Transaction, item: PowerItem, by: Actor): Promise<string | { kind: 'own' | 'on-behalf' }> {
  const user = await getUser(db as Knex, by.id);
  if (user && user.status === 'active' && user.unitId === item.unitId) return { kind: 'own' };
  if (user && user.status === 'active' && by.groups.includes(ON_BEHALF_GROUP)) return { kind: 'on-behalf' };
  const unit = await getUnit(db as Knex, item.unitId);
  return `“${item.name}”由${unit?.name ?? item.unitId}实施，只有该单位人员可以办理（监察室可代为立案）`;
}

/** The group that handles an item's cases in its responsible unit (power-case.bpmn). */
export function handlingGroupOf(unitId: string): string {
  const byUnit: Record<string, string> = {
    'engineering-office': 'engineering',
    'legal-office': 'legal',
    'info-centre': 'info-centre',
    'supervision-office': 'supervision',
  };
  return byUnit[unitId] ?? 'unit-heads';
}
