import type { Knex } from 'knex';
import { beijingDate, type WorkCalendar } from '../../lib/workdays.ts';
import { evaluateTable } from '../../engine/dmn/evaluate.ts';
import { parseDmn } from '../../engine/dmn/model.ts';
import { decisionFile } from '../decisions.ts';
import { completedTasksOf, historyForRules, instanceFacts, penaltyDecisionsForRules, tasksForRules, type RuleRow, type RuleTask } from '../../store/monitoring-rules.ts';

/**
 * What each kind of monitoring rule finds (issue 18, item 2): pure reads over tasks, history and
 * penalty decisions. A hit carries a stable key (the same fact always gives the same key, so a
 * second tick or another node raises nothing new) and the evidence a person checks.
 */
export interface Hit {
  key: string;
  level?: 'yellow' | 'red';
  instanceId: string | null;
  elementId: string | null;
  taskId: string | null;
  people: string[];
  unitId?: string | null;
  summary: string;
  evidence: Record<string, unknown>;
}

export interface EvalContext {
  db: Knex;
  calendar: WorkCalendar;
  now: number;
  rule: RuleRow;
}

const DAY = 86_400_000;
const hhmm = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
const when = (ms: number) => `${beijingDate(ms)} ${hhmm(ms)}`;
const since = (c: EvalContext) => c.now - Number(c.rule.params.lookbackDays ?? 30) * DAY;
const step = (t: RuleTask) => t.name ?? t.elementId;

/**
 * The tier a deployed DMN discretion table (decision `key`) gives for a case's facts, or null when
 * the table gives none. Undefined when no such decision is deployed: the rule then does not run.
 */
async function dmnTier(db: Knex, key: string, facts: Record<string, unknown>): Promise<string | null | undefined> {
  const decision = await tierTable(db, key);
  if (!decision) return undefined;
  const value = evaluateTable(decision.table, facts).result[0]?.tier;
  return typeof value === 'string' ? value : null;
}

/** The deployed decision `key` if it derives a tier from facts (an output named `tier`). */
async function tierTable(db: Knex, key: string) {
  const file = key ? await decisionFile(db, key) : undefined;
  if (!file) return undefined;
  const { decisions } = await parseDmn(file.xml);
  const decision = decisions.find((d) => d.id === key) ?? decisions[0];
  return decision && decision.table.outputs.some((o) => o.name === 'tier') ? decision : undefined;
}

/**
 * Why a rule does not run here, or null: a DMN rule runs only with a deployed decision table that
 * derives the tier from the facts (output `tier`); the shipped penalty-discretion table maps a
 * chosen tier to its fine range (checked when the fine is decided), so it does not qualify.
 */
export async function inactiveReason(db: Knex, rule: Pick<RuleRow, 'kind' | 'params'>): Promise<string | null> {
  if (rule.kind !== 'tier-vs-dmn') return null;
  const key = String(rule.params.decision ?? '');
  return (await tierTable(db, key)) ? null : `尚无按案件事实得出裁量档次的 DMN 决策表（决策“${key || '未指定'}”未部署或没有输出 tier），本规则暂不运行`;
}

export const EVALUATORS: Record<string, (c: EvalContext) => Promise<Hit[]>> = {
  async 'step-time-limit'(c) {
    const hits: Hit[] = [];
    const { yellowWorkdays, redWorkdays } = c.rule.params as { yellowWorkdays: number; redWorkdays: number };
    for (const t of await tasksForRules(c.db, c.rule.processKey!, since(c), c.rule.elementId)) {
      const end = t.completedAt ?? c.now;
      const yellow = c.calendar.addWorkdays(t.createdAt, yellowWorkdays);
      const red = c.calendar.addWorkdays(t.createdAt, redWorkdays);
      const level = end > red ? 'red' : end > yellow ? 'yellow' : null;
      if (!level) continue;
      const who = t.completedBy ?? t.assignee;
      hits.push({
        key: `${t.id}:${level}`,
        level,
        instanceId: t.instanceId,
        elementId: t.elementId,
        taskId: t.id,
        people: who ? [who] : [],
        summary: `高风险环节“${step(t)}”用时超过${level === 'red' ? `红色期限 ${redWorkdays}` : `黄色期限 ${yellowWorkdays}`} 个工作日${t.completedAt ? '' : '（仍未办结）'}`,
        evidence: { arrivedAt: t.createdAt, completedAt: t.completedAt, yellowAt: yellow, redAt: red, assignee: who },
      });
    }
    return hits;
  },

  async 'tier-edge'(c) {
    const percent = Number(c.rule.params.percent ?? 5);
    const hits: Hit[] = [];
    for (const d of await penaltyDecisionsForRules(c.db, since(c))) {
      const tiers: Array<{ code: string; name: string; min: number; max: number; partyType: string }> = d.discretion?.tiers ?? [];
      const edges: Array<{ at: number; what: string }> = tiers.filter((t) => t.partyType === d.partyType).map((t) => ({ at: t.min, what: `档次“${t.name}”起点` }));
      if (typeof d.discretion?.majorAmount === 'number') edges.push({ at: d.discretion.majorAmount, what: '重大处罚（集体讨论）金额' });
      const edge = edges.filter((e) => e.at > 0 && d.amount < e.at && d.amount >= e.at * (1 - percent / 100)).sort((a, b) => a.at - b.at)[0];
      if (!edge) continue;
      const decider = d.people.decidedBy ?? d.people.investigatedBy;
      hits.push({
        key: `${d.instanceId}:${edge.at}`,
        instanceId: d.instanceId,
        elementId: 'Task_Decide',
        taskId: null,
        people: [...new Set([d.people.investigatedBy, d.people.decidedBy].filter((x): x is string => Boolean(x)))],
        unitId: d.unitId,
        summary: `罚款 ${d.amount} 元在${edge.what}（${edge.at} 元）之下 ${percent}% 以内`,
        evidence: { itemCode: d.itemCode, tier: d.tier, amount: d.amount, edge: edge.at, edgeKind: edge.what, percent, decidedBy: decider ?? null, decidedAt: d.decidedAt },
      });
    }
    return hits;
  },

  async 'tier-distribution'(c) {
    const { minCases, deviation } = c.rule.params as { minCases: number; deviation: number };
    const byUnit = new Map<string, Array<{ officer: string; tier: string; instanceId: string }>>();
    for (const d of await penaltyDecisionsForRules(c.db, since(c))) {
      const officer = d.people.investigatedBy;
      if (!officer) continue;
      const key = `${d.unitId ?? '-'}|${d.itemCode}`;
      byUnit.set(key, [...(byUnit.get(key) ?? []), { officer, tier: d.tier, instanceId: d.instanceId }]);
    }
    const hits: Hit[] = [];
    const month = beijingDate(c.now).slice(0, 7);
    for (const [key, cases] of byUnit) {
      const [unitId, itemCode] = key.split('|');
      const share = (list: typeof cases) => {
        const m = new Map<string, number>();
        for (const x of list) m.set(x.tier, (m.get(x.tier) ?? 0) + 1 / list.length);
        return m;
      };
      const unit = share(cases);
      for (const officer of new Set(cases.map((x) => x.officer))) {
        const mine = cases.filter((x) => x.officer === officer);
        if (mine.length < minCases) continue;
        const own = share(mine);
        const tiers = new Set([...unit.keys(), ...own.keys()]);
        const worst = [...tiers].map((t) => ({ tier: t, gap: Math.round(((own.get(t) ?? 0) - (unit.get(t) ?? 0)) * 1000) / 10 })).sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap))[0];
        if (!worst || Math.abs(worst.gap) < deviation) continue;
        const pct = (m: Map<string, number>) => Object.fromEntries([...m].map(([t, v]) => [t, Math.round(v * 1000) / 10]));
        hits.push({
          key: `${officer}:${itemCode}:${month}`,
          instanceId: null,
          elementId: null,
          taskId: null,
          people: [officer],
          unitId: unitId === '-' ? null : unitId,
          summary: `执法人员 ${officer} 在事项 ${itemCode} 的裁量档次“${worst.tier}”占比与本单位相差 ${worst.gap} 个百分点`,
          evidence: { itemCode, officer, officerCases: mine.length, unitCases: cases.length, officerShare: pct(own), unitShare: pct(unit), instances: mine.map((x) => x.instanceId) },
        });
      }
    }
    return hits;
  },

  async 'tier-vs-dmn'(c) {
    const key = String(c.rule.params.decision ?? '');
    const hits: Hit[] = [];
    for (const d of await penaltyDecisionsForRules(c.db, since(c))) {
      const facts = { ...((await instanceFacts(c.db, d.instanceId))?.variables ?? {}), itemCode: d.itemCode, partyType: d.partyType, amount: d.amount };
      const expected = await dmnTier(c.db, key, facts);
      if (expected === undefined) return [];
      if (!expected || expected === d.tier) continue;
      hits.push({
        key: `${d.instanceId}:${d.tier}`,
        instanceId: d.instanceId,
        elementId: 'Task_Decide',
        taskId: null,
        people: [d.people.investigatedBy, d.people.decidedBy].filter((x): x is string => Boolean(x)),
        unitId: d.unitId,
        summary: `所选裁量档次“${d.tier}”与裁量决策表（${key}）按案件事实得出的“${expected}”不一致`,
        evidence: { itemCode: d.itemCode, tier: d.tier, expected, decision: key, amount: d.amount, partyType: d.partyType, decidedBy: d.people.decidedBy ?? null },
      });
    }
    return hits;
  },

  async 'same-person'(c) {
    const elements = c.rule.params.elements as string[];
    const recent = await tasksForRules(c.db, c.rule.processKey!, since(c));
    const ids = [...new Set(recent.filter((t) => t.status === 'completed').map((t) => t.instanceId))];
    const hits: Hit[] = [];
    const byInstance = groupBy((await completedTasksOf(c.db, ids)).filter((t) => elements.includes(t.elementId)), (t) => t.instanceId);
    for (const [instanceId, tasks] of byInstance) {
      for (let i = 1; i < tasks.length; i++) {
        const [a, b] = [tasks[i - 1], tasks[i]];
        if (!a.completedBy || a.completedBy !== b.completedBy || a.elementId === b.elementId) continue;
        hits.push({
          key: `${instanceId}:${b.id}`,
          instanceId,
          elementId: b.elementId,
          taskId: b.id,
          people: [b.completedBy!],
          summary: `“${step(a)}”与“${step(b)}”由同一人 ${b.completedBy} 连续办理`,
          evidence: { first: { step: step(a), taskId: a.id, by: a.completedBy, at: a.completedAt }, second: { step: step(b), taskId: b.id, by: b.completedBy, at: b.completedAt } },
        });
      }
    }
    return hits;
  },

  async returns(c) {
    const max = Number(c.rule.params.max ?? 2);
    const events = (await historyForRules(c.db, c.rule.processKey!, ['task.returned'], since(c))).filter((e) => !c.rule.elementId || e.elementId === c.rule.elementId);
    const hits: Hit[] = [];
    for (const [instanceId, list] of groupBy(events, (e) => e.instanceId)) {
      if (list.length <= max) continue;
      hits.push({
        key: `${instanceId}:${max}`,
        instanceId,
        elementId: list[list.length - 1].elementId,
        taskId: null,
        people: [...new Set(list.map((e) => e.actor).filter((x): x is string => Boolean(x)))],
        summary: `办件被退回 ${list.length} 次，超过允许的 ${max} 次`,
        evidence: { count: list.length, max, returns: list.map((e) => ({ by: e.actor, at: e.at, from: e.elementId, to: e.data.to ?? null, comment: e.data.comment ?? null })) },
      });
    }
    return hits;
  },

  async 'decision-changed'(c) {
    const field = String(c.rule.params.field ?? 'decision');
    const recent = (await tasksForRules(c.db, c.rule.processKey!, since(c), c.rule.elementId)).filter((t) => t.status === 'completed' && t.variables[field] !== undefined);
    const all = (await completedTasksOf(c.db, [...new Set(recent.map((t) => t.instanceId))])).filter((t) => t.variables[field] !== undefined && (!c.rule.elementId || t.elementId === c.rule.elementId));
    const hits: Hit[] = [];
    for (const [, tasks] of groupBy(all, (t) => `${t.instanceId}|${t.elementId}`)) {
      for (let i = 1; i < tasks.length; i++) {
        const [a, b] = [tasks[i - 1], tasks[i]];
        if (JSON.stringify(a.variables[field]) === JSON.stringify(b.variables[field])) continue;
        hits.push({
          key: `${b.instanceId}:${b.id}`,
          instanceId: b.instanceId,
          elementId: b.elementId,
          taskId: b.id,
          people: [...new Set([a.completedBy, b.completedBy].filter((x): x is string => Boolean(x)))],
          summary: `“${step(b)}”的决定由“${String(a.variables[field])}”改为“${String(b.variables[field])}”`,
          evidence: { field, recorded: { value: a.variables[field], by: a.completedBy, at: a.completedAt, taskId: a.id }, changed: { value: b.variables[field], by: b.completedBy, at: b.completedAt, taskId: b.id } },
        });
      }
    }
    return hits;
  },

  async 'cancel-after-decision'(c) {
    const field = String(c.rule.params.field ?? 'decision');
    const ends = await historyForRules(c.db, c.rule.processKey!, ['process.cancel', 'case.withdrawn'], since(c));
    const withdrawals = (await tasksForRules(c.db, c.rule.processKey!, since(c))).filter((t) => t.status === 'completed' && t.variables.action === 'withdraw');
    const stops = [
      ...ends.map((e) => ({ instanceId: e.instanceId, at: e.at, by: e.actor, what: e.type === 'case.withdrawn' ? '撤回' : '撤销', reason: (e.data.reason as string) ?? null })),
      ...withdrawals.map((t) => ({ instanceId: t.instanceId, at: t.completedAt!, by: t.completedBy, what: '撤回', reason: null })),
    ];
    const decided = groupBy((await completedTasksOf(c.db, [...new Set(stops.map((s) => s.instanceId))])).filter((t) => t.variables[field] !== undefined), (t) => t.instanceId);
    const hits: Hit[] = [];
    for (const s of stops) {
      const decision = (decided.get(s.instanceId) ?? []).filter((t) => (t.completedAt ?? 0) <= s.at).pop();
      if (!decision) continue;
      hits.push({
        key: `${s.instanceId}`,
        instanceId: s.instanceId,
        elementId: decision.elementId,
        taskId: decision.id,
        people: [...new Set([s.by, decision.completedBy].filter((x): x is string => Boolean(x) && x !== 'system'))],
        summary: `“${step(decision)}”已作出决定（${String(decision.variables[field])}）后，办件被${s.what}`,
        evidence: { decision: { step: step(decision), value: decision.variables[field], by: decision.completedBy, at: decision.completedAt }, stop: { what: s.what, by: s.by, at: s.at, reason: s.reason } },
      });
    }
    return hits;
  },

  async 'after-hours'(c) {
    const { start, end } = c.rule.params as { start: string; end: string };
    const hits: Hit[] = [];
    for (const t of await tasksForRules(c.db, c.rule.processKey!, since(c), c.rule.elementId)) {
      if (t.status !== 'completed' || !t.completedAt || !t.completedBy) continue;
      const day = beijingDate(t.completedAt);
      const time = hhmm(t.completedAt);
      const workday = c.calendar.isWorkday(day);
      if (workday && time >= start && time < end) continue;
      hits.push({
        key: t.id,
        instanceId: t.instanceId,
        elementId: t.elementId,
        taskId: t.id,
        people: [t.completedBy],
        summary: `“${step(t)}”于${workday ? '' : '非工作日 '}${when(t.completedAt)} 办结（工作时间 ${start}–${end}）`,
        evidence: { completedAt: t.completedAt, completedBy: t.completedBy, workday, workingHours: `${start}-${end}` },
      });
    }
    return hits;
  },

  async 'too-fast'(c) {
    const minSeconds = Number(c.rule.params.minSeconds ?? 60);
    const hits: Hit[] = [];
    for (const t of await tasksForRules(c.db, c.rule.processKey!, since(c), c.rule.elementId)) {
      if (t.status !== 'completed' || !t.completedAt || !t.completedBy) continue;
      const seconds = Math.round((t.completedAt - t.createdAt) / 1000);
      if (seconds >= minSeconds) continue;
      hits.push({
        key: t.id,
        instanceId: t.instanceId,
        elementId: t.elementId,
        taskId: t.id,
        people: [t.completedBy],
        summary: `“${step(t)}”到达后 ${seconds} 秒即办结，短于最短用时 ${minSeconds} 秒`,
        evidence: { arrivedAt: t.createdAt, completedAt: t.completedAt, seconds, minSeconds, completedBy: t.completedBy },
      });
    }
    return hits;
  },
};

function groupBy<T>(list: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
