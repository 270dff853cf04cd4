import type { Knex } from 'knex';
import { getUnit, getUser } from '../store/org.ts';

/** Accountability under Art. 13: what can be held against a person or unit, and how it counts. */

export const VIOLATIONS: Record<number, string> = {
  1: '权力事项应在网上运行，而未在网上运行',
  2: '未按有关规定和流程时限要求及时在网上运行有关行政权力事项',
  3: '擅自向其他单位和个人提供账号、密码，影响工作，或造成系统被非法入侵、信息被非法接收或丢失',
  4: '违反本办法规定，不及时变更行政权力信息',
  5: '违反法律、法规及相关规定的其他行为',
};

export const OUTCOMES: Record<string, string> = {
  rectify: '责令整改',
  criticize: '通报批评',
  admonish: '诫勉谈话',
  'no-excellent': '年度考核不得评为优秀',
};

/** The subject of a case as the procedure's variables name it. */
export interface Subject {
  kind: 'person' | 'unit';
  userId: string | null;
  unitId: string | null;
  /** For display: 张明（监察大队）. */
  name: string;
}

/**
 * Resolves and checks the subject of a case: a person must be a known user (their unit is
 * recorded too), a unit a known unit. Returns the problem instead when it is not.
 */
export async function resolveSubject(
  db: Knex | Knex.Transaction,
  v: { subjectKind?: unknown; subjectUserId?: unknown; subjectUnitId?: unknown },
): Promise<{ ok: true; subject: Subject } | { ok: false; problem: string }> {
  if (v.subjectKind === 'person') {
    const user = typeof v.subjectUserId === 'string' ? await getUser(db as Knex, v.subjectUserId) : undefined;
    if (!user) return { ok: false, problem: `当事人“${String(v.subjectUserId ?? '')}”不是平台用户` };
    const unit = user.unitId ? await getUnit(db as Knex, user.unitId) : undefined;
    return { ok: true, subject: { kind: 'person', userId: user.id, unitId: user.unitId, name: `${user.displayName}（${unit?.name ?? '无单位'}）` } };
  }
  if (v.subjectKind === 'unit') {
    const unit = typeof v.subjectUnitId === 'string' ? await getUnit(db as Knex, v.subjectUnitId) : undefined;
    if (!unit) return { ok: false, problem: `责任单位“${String(v.subjectUnitId ?? '')}”不存在` };
    return { ok: true, subject: { kind: 'unit', userId: null, unitId: unit.id, name: unit.name } };
  }
  return { ok: false, problem: '追责对象应为个人或单位' };
}

/** The violation category as a number 1–5, or null (messages may carry it as text). */
export function categoryOf(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
}

/** The appraisal year a decision counts in: the Beijing calendar year it was made. */
export function appraisalYear(ms: number): number {
  return new Date(ms + 8 * 3600_000).getUTCFullYear();
}
