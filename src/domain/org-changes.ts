import type { Knex } from 'knex';
import { adminClashMessage, adminRoleClash } from './admin-roles.ts';
import { getGroup, getUnit, getUser, getUserCertificate, groupsOf, clearLeaderOf, grant, insertUser, recordOrgChange, revoke, setCertificate, updateUnitPeople, updateUser } from '../store/org.ts';

/**
 * Changes to the platform's own users, units and roles approved by user-role-change.bpmn (Art. 9).
 * Applied in the step's transaction, they change at once who can see and do which tasks: the
 * engine reads a person's groups through actorOf() on every request.
 */

export type OrgOp = 'create' | 'disable' | 'enable' | 'move' | 'grant' | 'revoke' | 'head' | 'contact' | 'leader' | 'certify' | 'uncertify';

export const ORG_OPS: Record<OrgOp, string> = {
  create: '新增用户',
  disable: '停用用户',
  enable: '恢复启用',
  move: '调整所在单位',
  grant: '授予角色',
  revoke: '撤销角色',
  head: '任命单位负责人',
  contact: '确定单位联络员',
  leader: '确定分管局领导',
  certify: '登记执法证',
  uncertify: '注销执法证',
};

/** The organisation register's posts (Art. 5, 9): who heads a unit, who is its contact, who leads it. */
const POST_OPS = new Set<OrgOp>(['head', 'contact', 'leader']);

export interface OrgChange {
  op: OrgOp;
  userId: string;
  displayName?: string | null;
  unitId?: string | null;
  title?: string | null;
  groups?: string[] | null;
  /** 执法证 of a `certify` row: number, scope and expiry (YYYY-MM-DD). */
  certNumber?: string | null;
  certScope?: string | null;
  certExpires?: string | null;
}

/** Reads the people list out of a user-role-change instance's variables. */
export function changesFromVariables(v: Record<string, unknown>): OrgChange[] {
  const rows = Array.isArray(v.changes) ? v.changes : [];
  return rows.map((r: any) => ({
    op: r?.op,
    userId: String(r?.userId ?? ''),
    displayName: r?.displayName ?? null,
    unitId: r?.unitId ?? null,
    title: r?.title ?? null,
    groups: Array.isArray(r?.groups) ? r.groups : [],
    certNumber: typeof r?.certNumber === 'string' ? r.certNumber.trim() : null,
    certScope: typeof r?.certScope === 'string' ? r.certScope.trim() : null,
    certExpires: typeof r?.certExpires === 'string' ? r.certExpires.slice(0, 10) : null,
  }));
}

interface Simulated {
  status: 'active' | 'disabled';
  unitId: string | null;
  groups: Set<string>;
}

/**
 * Why a people list cannot be applied as it stands (empty when it can). The list is checked in
 * order, so "create a user, then grant them a role" in one request works.
 */
export async function orgChangeProblems(db: Knex | Knex.Transaction, changes: OrgChange[]): Promise<string[]> {
  if (!changes.length) return ['人员变更名单为空'];
  const problems: string[] = [];
  const known = new Map<string, Simulated | null>();
  const state = async (id: string): Promise<Simulated | null> => {
    if (!known.has(id)) {
      const u = await getUser(db as Knex, id);
      known.set(id, u ? { status: u.status, unitId: u.unitId, groups: new Set(await groupsOf(db as Knex, id)) } : null);
    }
    return known.get(id)!;
  };
  const groupOk = async (g: string) => Boolean(await getGroup(db as Knex, g));
  for (const [i, c] of changes.entries()) {
    const where = `第 ${i + 1} 行（${ORG_OPS[c.op] ?? c.op} ${c.userId}）`;
    if (!(c.op in ORG_OPS)) {
      problems.push(`${where}：变更内容无效`);
      continue;
    }
    if (c.userId === 'system') {
      problems.push(`${where}：不能变更平台系统账号`);
      continue;
    }
    const u = await state(c.userId);
    const groups = c.groups ?? [];
    for (const g of groups) if (!(await groupOk(g))) problems.push(`${where}：角色“${g}”不存在`);
    if (c.op === 'create') {
      if (u) problems.push(`${where}：用户名已存在`);
      if (!c.displayName?.trim()) problems.push(`${where}：新增用户须填写姓名`);
      if (!c.unitId) problems.push(`${where}：新增用户须选择所在单位`);
      else if (!(await getUnit(db as Knex, c.unitId))) problems.push(`${where}：单位“${c.unitId}”不存在`);
      if (!u) known.set(c.userId, { status: 'active', unitId: c.unitId ?? null, groups: new Set(groups) });
      const clash = adminRoleClash(groups);
      if (clash.length) problems.push(`${where}：${adminClashMessage(c.userId, clash)}`);
      continue;
    }
    if (!u) {
      problems.push(`${where}：用户不存在`);
      continue;
    }
    if (POST_OPS.has(c.op) || c.op === 'certify' || c.op === 'uncertify') {
      problems.push(...(await registerProblems(db, c, u, where)));
      continue;
    }
    if (c.op === 'disable') {
      if (u.status === 'disabled') problems.push(`${where}：用户已停用`);
      u.status = 'disabled';
    } else if (c.op === 'enable') {
      if (u.status === 'active') problems.push(`${where}：用户未停用`);
      u.status = 'active';
    } else if (c.op === 'move') {
      if (!c.unitId) problems.push(`${where}：须选择调整后的单位`);
      else if (!(await getUnit(db as Knex, c.unitId))) problems.push(`${where}：单位“${c.unitId}”不存在`);
      else if (c.unitId === u.unitId) problems.push(`${where}：用户已在该单位`);
      u.unitId = c.unitId ?? u.unitId;
    } else {
      if (!groups.length) problems.push(`${where}：须选择角色`);
      for (const g of groups) {
        if (c.op === 'grant' && u.groups.has(g)) problems.push(`${where}：用户已具有角色“${g}”`);
        if (c.op === 'revoke' && !u.groups.has(g)) problems.push(`${where}：用户没有角色“${g}”`);
        if (c.op === 'grant') u.groups.add(g);
        else u.groups.delete(g);
      }
      const clash = c.op === 'grant' ? adminRoleClash(u.groups) : [];
      if (clash.length) problems.push(`${where}：${adminClashMessage(c.userId, clash)}`);
    }
  }
  return problems;
}

/**
 * Applies a checked people list in the caller's transaction, each change recorded in org_changes
 * with the reason and the instance. Returns the problems instead if the list no longer applies.
 * Usage (in a handler): `await applyOrgChanges(ctx.trx, changes, { instanceId, reason, by, now })`.
 */
export async function applyOrgChanges(
  trx: Knex.Transaction,
  changes: OrgChange[],
  meta: { instanceId: string; reason: string; by: string; now: number; requestedBy?: string; approvedBy?: unknown },
): Promise<{ ok: true; applied: number } | { ok: false; problems: string[] }> {
  const problems = await orgChangeProblems(trx, changes);
  if (problems.length) return { ok: false, problems };
  const log = (userId: string, action: string, detail: unknown) =>
    recordOrgChange(trx, {
      userId,
      action,
      detail,
      instanceId: meta.instanceId,
      reason: meta.reason,
      by: meta.by,
      at: meta.now,
      requestedBy: meta.requestedBy ?? null,
      approvedBy: meta.approvedBy ?? null,
    });
  for (const c of changes) {
    const groups = c.groups ?? [];
    switch (c.op) {
      case 'create':
        await insertUser(trx, {
          id: c.userId,
          displayName: c.displayName!.trim(),
          unitId: c.unitId!,
          title: c.title ?? null,
          phone: null,
          status: 'active',
          createdAt: meta.now,
          updatedAt: meta.now,
        });
        for (const g of groups) await grant(trx, c.userId, g, meta.by, meta.now);
        await log(c.userId, 'create', { displayName: c.displayName, unitId: c.unitId, title: c.title ?? null, groups });
        break;
      case 'disable':
        await updateUser(trx, c.userId, { status: 'disabled' }, meta.now);
        await leaveUnitRoles(trx, c.userId);
        await log(c.userId, 'disable', {});
        break;
      case 'enable':
        await updateUser(trx, c.userId, { status: 'active' }, meta.now);
        await log(c.userId, 'enable', {});
        break;
      case 'move': {
        const from = (await getUser(trx as unknown as Knex, c.userId))!.unitId;
        await leaveUnitRoles(trx, c.userId);
        await updateUser(trx, c.userId, { unitId: c.unitId!, ...(c.title ? { title: c.title } : {}) }, meta.now);
        await log(c.userId, 'move', { from, to: c.unitId, title: c.title ?? null });
        break;
      }
      case 'grant':
        for (const g of groups) await grant(trx, c.userId, g, meta.by, meta.now);
        await log(c.userId, 'grant', { groups });
        break;
      case 'revoke':
        for (const g of groups) await revoke(trx, c.userId, g);
        await log(c.userId, 'revoke', { groups });
        break;
      default:
        await applyRegisterChange(trx, c, meta.now, log);
    }
  }
  return { ok: true, applied: changes.length };
}

/**
 * A person who leaves their unit (moved or disabled) stops being its head or contact person, so
 * that approvals routed to "the head of the applicant's unit" never go to them.
 */
async function leaveUnitRoles(trx: Knex.Transaction, userId: string): Promise<void> {
  const user = await getUser(trx as unknown as Knex, userId);
  if (!user?.unitId) return;
  const unit = await getUnit(trx as unknown as Knex, user.unitId);
  if (!unit) return;
  if (unit.headUserId === userId) await updateUnitPeople(trx as unknown as Knex, unit.id, { headUserId: null });
  if (unit.contactUserId === userId) await updateUnitPeople(trx as unknown as Knex, unit.id, { contactUserId: null });
  await clearLeaderOf(trx as unknown as Knex, userId);
}

/**
 * Who approves for "the head of the applicant's department" (Art. 7): the head of the applicant's
 * unit; if the applicant is that head or the unit has none, the bureau leaders in charge.
 */
export async function unitHeadFor(db: Knex | Knex.Transaction, userId: string): Promise<{ users: string[]; groups: string[]; unitId: string | null }> {
  const user = await getUser(db as Knex, userId);
  const unit = user?.unitId ? await getUnit(db as Knex, user.unitId) : undefined;
  const head = unit?.headUserId ? await getUser(db as Knex, unit.headUserId) : undefined;
  if (head && head.status === 'active' && head.id !== userId) return { users: [head.id], groups: [], unitId: unit!.id };
  return { users: [], groups: ['leaders'], unitId: unit?.id ?? null };
}

/** The people list in words, for reviewers: “1. 授予角色：李娜（staff2），政策法规处”. */
export async function describeOrgChanges(db: Knex | Knex.Transaction, changes: OrgChange[]): Promise<string> {
  const lines: string[] = [];
  for (const [i, c] of changes.entries()) {
    const user = await getUser(db as Knex, c.userId);
    const who = `${c.displayName || user?.displayName || ''}（${c.userId}）`;
    const unit = c.unitId ? (await getUnit(db as Knex, c.unitId))?.name ?? c.unitId : null;
    const groups: string[] = [];
    for (const g of c.groups ?? []) groups.push((await getGroup(db as Knex, g))?.name ?? g);
    const cert = c.op === 'certify' ? `执法证 ${c.certNumber ?? ''}（${c.certScope ?? ''}，有效期至 ${c.certExpires ?? ''}）` : null;
    const parts = [unit && (c.op === 'move' ? `调至${unit}` : unit), c.title, groups.length ? `角色：${groups.join('、')}` : null, cert].filter(Boolean);
    lines.push(`${i + 1}. ${ORG_OPS[c.op] ?? c.op}：${who}${parts.length ? '，' + parts.join('，') : ''}`);
  }
  return lines.join('\n');
}

/**
 * Problems of a register row: `head`/`contact` name a person of the unit (their own by default),
 * `leader` a bureau leader and the unit they lead, `certify` a complete 执法证 not yet expired.
 */
async function registerProblems(db: Knex | Knex.Transaction, c: OrgChange, u: { status: string; unitId: string | null }, where: string): Promise<string[]> {
  if (u.status !== 'active') return [`${where}：用户已停用`];
  if (c.op === 'certify') {
    const out: string[] = [];
    if (!c.certNumber) out.push(`${where}：须填写执法证号`);
    if (!c.certScope) out.push(`${where}：须填写执法范围`);
    if (!c.certExpires || !/^\d{4}-\d{2}-\d{2}$/.test(c.certExpires)) out.push(`${where}：须填写执法证有效期至（年-月-日）`);
    return out;
  }
  if (c.op === 'uncertify') {
    const user = await getUserCertificate(db as Knex, c.userId);
    return user ? [] : [`${where}：该用户没有登记执法证`];
  }
  const unitId = c.unitId || (c.op === 'leader' ? null : u.unitId);
  if (!unitId) return [`${where}：须选择单位`];
  const unit = await getUnit(db as Knex, unitId);
  if (!unit) return [`${where}：单位“${unitId}”不存在`];
  if (c.op === 'leader') return u.unitId === 'leadership' ? [] : [`${where}：分管局领导须为局领导`];
  return u.unitId === unitId ? [] : [`${where}：${ORG_OPS[c.op]}须为${unit.name}的人员`];
}

/** Applies a register row (a post or a certificate) and records it. */
async function applyRegisterChange(
  trx: Knex.Transaction,
  c: OrgChange,
  now: number,
  log: (userId: string, action: string, detail: unknown) => Promise<unknown>,
): Promise<void> {
  const db = trx as unknown as Knex;
  if (c.op === 'certify') {
    const cert = { number: c.certNumber!, scope: c.certScope!, expires: c.certExpires! };
    await setCertificate(db, c.userId, cert, now);
    await log(c.userId, 'certify', cert);
    return;
  }
  if (c.op === 'uncertify') {
    await setCertificate(db, c.userId, null, now);
    await log(c.userId, 'uncertify', {});
    return;
  }
  const user = (await getUser(db, c.userId))!;
  const unitId = c.unitId || user.unitId!;
  const field = c.op === 'head' ? 'headUserId' : c.op === 'contact' ? 'contactUserId' : 'leaderUserId';
  await updateUnitPeople(db, unitId, { [field]: c.userId });
  // The contact person also gets the contacts' role (本单位待办 and the reminders go by it).
  if (c.op === 'contact' && !(await groupsOf(db, c.userId)).includes('unit-contacts') && (await getGroup(db, 'unit-contacts'))) {
    await grant(trx, c.userId, 'unit-contacts', 'system', now);
  }
  await log(c.userId, c.op, { unitId });
}
