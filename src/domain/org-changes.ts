import type { Knex } from 'knex';
import { adminClashMessage, adminRoleClash } from './admin-roles.ts';
import { getGroup, getUnit, getUser, groupsOf, grant, insertUser, recordOrgChange, revoke, updateUnitPeople, updateUser } from '../store/org.ts';

/**
 * Changes to the platform's own users, units and roles approved by user-role-change.bpmn (Art. 9).
 * Applied in the step's transaction, they change at once who can see and do which tasks: the
 * engine reads a person's groups through actorOf() on every request.
 */

export type OrgOp = 'create' | 'disable' | 'enable' | 'move' | 'grant' | 'revoke';

export const ORG_OPS: Record<OrgOp, string> = {
  create: '新增用户',
  disable: '停用用户',
  enable: '恢复启用',
  move: '调整所在单位',
  grant: '授予角色',
  revoke: '撤销角色',
};

export interface OrgChange {
  op: OrgOp;
  userId: string;
  displayName?: string | null;
  unitId?: string | null;
  title?: string | null;
  groups?: string[] | null;
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
    const parts = [unit && (c.op === 'move' ? `调至${unit}` : unit), c.title, groups.length ? `角色：${groups.join('、')}` : null].filter(Boolean);
    lines.push(`${i + 1}. ${ORG_OPS[c.op] ?? c.op}：${who}${parts.length ? '，' + parts.join('，') : ''}`);
  }
  return lines.join('\n');
}
