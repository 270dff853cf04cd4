import type { Knex } from 'knex';
import type { EngineService } from '../../engine/service.ts';
import { isPowerFlow } from '../../lib/risk-points.ts';
import { accountabilityDeductionsIn, catalogProcessKeys, completedTasksIn, currentScheme, returnsIn, upheldComplaintsIn, warningsIn, type ScoredTask } from '../../store/appraisal.ts';
import { listUnits, listUsers } from '../../store/org.ts';
import { loginCompliance } from './logins.ts';
import { appraisalPeriod, type AppraisalPeriod } from './appraisal-period.ts';
import { DEFAULT_SCHEME, INDICATOR_KEYS, INDICATORS, schemeOf, type IndicatorKey, type Scheme } from './scheme.ts';
import { isoWeekOf } from './periods.ts';

/**
 * Monthly and yearly score sheets per person and per unit (issue 18, item 7): each indicator of
 * the scheme scored 0–100 with the evidence behind every point lost, the weighted total, less the
 * accountability deductions of the period. Power cases (权力清单 items and processes marked
 * powerFlow) and internal procedures are counted apart. Read-only.
 */

export interface Evidence {
  kind: string;
  at: number;
  text: string;
  instanceId?: string | null;
  caseNumber?: string | null;
  /** Points this fact takes off the indicator (0 for facts shown as context). */
  deduction: number;
}

export interface IndicatorScore {
  key: IndicatorKey;
  label: string;
  weight: number;
  score: number;
  points: number;
  basis: string;
  evidence: Evidence[];
}

export interface ScoreSheet {
  subjectKind: 'person' | 'unit';
  id: string;
  name: string;
  unitId: string | null;
  unitName: string | null;
  total: number;
  indicators: IndicatorScore[];
  accountability: { deduction: number; evidence: Evidence[] };
}

export interface ScoreSheets {
  period: AppraisalPeriod;
  scheme: Scheme & { version: number };
  people: ScoreSheet[];
  units: ScoreSheet[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Facts gathered once for every sheet of the period. */
interface Facts {
  tasks: Array<ScoredTask & { power: boolean }>;
  warnings: Awaited<ReturnType<typeof warningsIn>>;
  logins: Array<{ week: string; userId: string; unitId: string | null; role: string; logins: number; required: number; from: number }>;
  returns: Awaited<ReturnType<typeof returnsIn>>;
  complaints: Awaited<ReturnType<typeof upheldComplaintsIn>>;
  accountability: Awaited<ReturnType<typeof accountabilityDeductionsIn>>;
}

/**
 * Usage: `await scoreSheets(db, engine, '2026-11', now)` (a month) or `'2026'` (a year).
 */
export async function scoreSheets(db: Knex, engine: EngineService, periodKey: string, now: number): Promise<ScoreSheets> {
  const period = appraisalPeriod(periodKey);
  const stored = await currentScheme(db);
  const scheme = stored ? schemeOf(stored.scheme) : DEFAULT_SCHEME;
  const facts = await gather(db, engine, period, now);
  const [users, units] = await Promise.all([listUsers(db, { status: 'active' }), listUnits(db)]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const scored = units.filter((u) => u.kind !== 'vendor');
  const unitOfUser = new Map(users.map((u) => [u.id, u.unitId]));
  const people = users
    .filter((u) => u.unitId && scored.some((x) => x.id === u.unitId))
    .map((u) =>
      sheet(scheme, 'person', u.id, u.displayName, u.unitId, unitName.get(u.unitId!) ?? null, {
        tasks: facts.tasks.filter((t) => t.completedBy === u.id),
        warnings: facts.warnings.filter((w) => w.people.includes(u.id)),
        logins: facts.logins.filter((l) => l.userId === u.id),
        returns: facts.returns.filter((r) => r.person === u.id),
        complaints: null,
        accountability: facts.accountability.filter((a) => a.subjectKind === 'person' && a.userId === u.id),
      }),
    );
  const unitSheets = scored.map((u) => {
    const member = (id: string | null) => Boolean(id) && unitOfUser.get(id!) === u.id;
    return sheet(scheme, 'unit', u.id, u.name, u.id, u.name, {
      tasks: facts.tasks.filter((t) => member(t.completedBy)),
      warnings: facts.warnings.filter((w) => w.unitId === u.id || (!w.unitId && w.people.some(member))),
      logins: facts.logins.filter((l) => l.unitId === u.id),
      returns: facts.returns.filter((r) => member(r.person)),
      complaints: facts.complaints.filter((c) => c.unitId === u.id),
      accountability: facts.accountability.filter((a) => a.subjectKind === 'unit' && a.unitId === u.id),
    });
  });
  return { period, scheme: { ...scheme, version: stored?.version ?? 0 }, people, units: unitSheets };
}

async function gather(db: Knex, engine: EngineService, period: AppraisalPeriod, now: number): Promise<Facts> {
  const [tasks, catalog, warnings, returns, complaints, accountability] = await Promise.all([
    completedTasksIn(db, period.from, period.to),
    catalogProcessKeys(db),
    warningsIn(db, period.from, period.to),
    returnsIn(db, period.from, period.to),
    upheldComplaintsIn(db, period.from, period.to),
    accountabilityDeductionsIn(db, period.from, period.to),
  ]);
  const power = new Map<string, boolean>();
  for (const key of new Set(tasks.map((t) => t.processKey))) {
    const latest = await engine.definitions.latest(key).catch(() => null);
    power.set(key, catalog.has(key) || (latest ? isPowerFlow(latest.def.model.properties) : false));
  }
  // Login duty: every ISO week that begins in the period and has ended.
  const logins: Facts['logins'] = [];
  for (let week = isoWeekOf(period.from); week.from < period.to && week.to <= now; week = isoWeekOf(week.to)) {
    if (week.from < period.from) continue;
    const { lines } = await loginCompliance(db, week.key, now);
    for (const l of lines) if (!l.ok) logins.push({ week: l.week, userId: l.userId, unitId: l.unitId, role: l.role, logins: l.logins, required: l.required, from: week.from });
  }
  return { tasks: tasks.map((t) => ({ ...t, power: power.get(t.processKey) ?? false })), warnings: warnings.filter((w) => w.outcome !== 'false-alarm'), logins, returns, complaints, accountability };
}

type Own = Omit<Facts, 'complaints'> & { complaints: Facts['complaints'] | null };

function sheet(scheme: Scheme, kind: 'person' | 'unit', id: string, name: string, unitId: string | null, unitName: string | null, f: Own): ScoreSheet {
  const d = scheme.deductions;
  const scores: Record<IndicatorKey, { score: number; basis: string; evidence: Evidence[] }> = {
    powerOnTime: onTime(f.tasks.filter((t) => t.power)),
    internalOnTime: onTime(f.tasks.filter((t) => !t.power)),
    warnings: deduct(
      f.warnings.map((w) => ({ kind: 'warning', at: w.createdAt, text: `预警：${w.summary}`, instanceId: w.instanceId, caseNumber: w.caseNumber, deduction: d.warning })),
      (n) => `预警 ${n} 件`,
    ),
    rectification: deduct(
      f.warnings.flatMap((w) => [
        ...(w.yellowCardAt !== null ? [{ kind: 'yellow-card', at: w.yellowCardAt, text: `督办逾期未答复，黄牌：${w.summary}`, instanceId: w.instanceId, caseNumber: w.caseNumber, deduction: d.yellowCard }] : []),
        ...(w.redCardAt !== null ? [{ kind: 'red-card', at: w.redCardAt, text: `督办仍未答复，红牌：${w.summary}`, instanceId: w.instanceId, caseNumber: w.caseNumber, deduction: d.redCard }] : []),
      ]),
      (n) => (n ? `黄牌/红牌 ${n} 张` : `督办 ${f.warnings.length} 件，均按时答复`),
    ),
    logins: deduct(
      f.logins.map((l) => ({ kind: 'login-short', at: l.from, text: `${l.week} 登录 ${l.logins} 次，应至少 ${l.required} 次（${l.role === 'supervision' ? '监察室' : '单位联络员'}）`, deduction: d.loginShortWeek })),
      (n) => `未达标 ${n} 周`,
    ),
    dataQuality: deduct(
      f.returns.map((r) => ({ kind: 'returned', at: r.at, text: `办理的“${r.toName ?? '环节'}”被退回重办${r.comment ? `：${r.comment}` : ''}`, instanceId: r.instanceId, caseNumber: r.caseNumber, deduction: d.returned })),
      (n) => `被退回 ${n} 件`,
    ),
    complaints: f.complaints
      ? deduct(
          f.complaints.map((c) => ({ kind: 'complaint', at: c.concludedAt, text: `投诉举报 ${c.receipt}（${c.subject}）经核查属实`, deduction: d.complaintUpheld })),
          (n) => `查实 ${n} 件`,
        )
      : { score: 100, basis: '按单位考核，个人不计', evidence: [] },
  };
  const indicators = INDICATOR_KEYS.map((key) => {
    const s = scores[key];
    return { key, label: INDICATORS[key].label, weight: scheme.weights[key], score: s.score, points: round1((scheme.weights[key] * s.score) / 100), basis: s.basis, evidence: s.evidence };
  });
  const accEvidence = f.accountability.map((a) => ({ kind: 'accountability', at: a.enteredAt, text: `责任追究：${a.outcome}，扣 ${a.deduction} 分`, instanceId: a.instanceId, deduction: a.deduction }));
  const accDeduction = accEvidence.reduce((s, e) => s + e.deduction, 0);
  const total = Math.max(0, round1(indicators.reduce((s, i) => s + i.points, 0) - accDeduction));
  return { subjectKind: kind, id, name, unitId, unitName, total, indicators, accountability: { deduction: accDeduction, evidence: accEvidence } };
}

function onTime(tasks: ScoredTask[]): { score: number; basis: string; evidence: Evidence[] } {
  if (!tasks.length) return { score: 100, basis: '本期无办件', evidence: [] };
  const late = tasks.filter((t) => (t.dueAt !== null && t.completedAt > t.dueAt) || (t.yellowAt !== null && t.completedAt >= t.yellowAt));
  const onTimeCount = tasks.length - late.length;
  const score = round1((onTimeCount / tasks.length) * 100);
  const each = round1(100 / tasks.length);
  return {
    score,
    basis: `按时 ${onTimeCount} / 办理 ${tasks.length}`,
    evidence: late
      .sort((a, b) => a.completedAt - b.completedAt)
      .map((t) => ({ kind: t.dueAt !== null && t.completedAt > t.dueAt ? 'overdue' : 'yellow', at: t.completedAt, text: `“${t.name ?? '办理环节'}”${t.dueAt !== null && t.completedAt > t.dueAt ? '超过办理期限' : '进入黄色预警期'}后办结`, instanceId: t.instanceId, caseNumber: t.caseNumber, deduction: each })),
  };
}

function deduct(evidence: Evidence[], basis: (n: number) => string): { score: number; basis: string; evidence: Evidence[] } {
  const lost = evidence.reduce((s, e) => s + e.deduction, 0);
  return { score: Math.max(0, 100 - lost), basis: basis(evidence.length), evidence: evidence.sort((a, b) => a.at - b.at) };
}
