import type { Knex } from 'knex';
import { listRuleChanges, listRules, listRuleWarnings, ruleWarningCounts, type RuleChangeRow, type RuleRow, type RuleWarningRow } from '../../store/monitoring-rules.ts';
import { listUnits } from '../../store/org.ts';
import { inactiveReason } from './rule-eval.ts';
import { RULE_KINDS } from './rule-kinds.ts';

/** What the rule library page and the monitor read (issue 18, items 2-3). */

export interface RuleView extends RuleRow {
  kindName: string;
  inactiveReason: string | null;
  pendingChangeId: string | null;
}

export async function ruleLibrary(db: Knex): Promise<{ items: RuleView[]; kinds: Array<{ kind: string } & (typeof RULE_KINDS)[string]> }> {
  const pending = new Map((await listRuleChanges(db, 'pending')).map((c) => [c.ruleId, c.id]));
  const items: RuleView[] = [];
  for (const r of await listRules(db)) items.push({ ...r, kindName: RULE_KINDS[r.kind]?.name ?? r.kind, inactiveReason: await inactiveReason(db, r), pendingChangeId: pending.get(r.id) ?? null });
  return { items, kinds: Object.entries(RULE_KINDS).map(([kind, k]) => ({ kind, ...k })) };
}

export async function ruleChanges(db: Knex, status?: string): Promise<RuleChangeRow[]> {
  return listRuleChanges(db, status);
}

export async function ruleWarnings(db: Knex, f: Parameters<typeof listRuleWarnings>[1]): Promise<Array<RuleWarningRow & { ruleName: string; unitName: string | null }>> {
  const [rules, units] = await Promise.all([listRules(db), listUnits(db)]);
  const ruleName = new Map(rules.map((r) => [r.id, r.name]));
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return (await listRuleWarnings(db, f)).map((w) => ({ ...w, ruleName: ruleName.get(w.ruleId) ?? w.ruleKind, unitName: w.unitId ? (unitName.get(w.unitId) ?? w.unitId) : null }));
}

export interface WarningCount {
  key: string | null;
  name: string;
  total: number;
  open: number;
  yellowCard: number;
  redCard: number;
  answered: number;
  closed: number;
  rectified: number;
  falseAlarm: number;
  filed: number;
}

/** Warnings per responsible unit and per rule: how many, where they stand, how they closed. */
export async function ruleWarningSummary(db: Knex): Promise<{ byUnit: WarningCount[]; byRule: WarningCount[] }> {
  const [counts, rules, units] = await Promise.all([ruleWarningCounts(db), listRules(db), listUnits(db)]);
  const ruleName = new Map(rules.map((r) => [r.id, r.name]));
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const fold = (rows: Array<{ key: string | null; stage: string; outcome: string | null; n: number }>, name: (k: string | null) => string) => {
    const m = new Map<string | null, WarningCount>();
    for (const r of rows) {
      const c = m.get(r.key) ?? { key: r.key, name: name(r.key), total: 0, open: 0, yellowCard: 0, redCard: 0, answered: 0, closed: 0, rectified: 0, falseAlarm: 0, filed: 0 };
      c.total += r.n;
      if (r.stage === 'closed') c.closed += r.n;
      else c.open += r.n;
      if (r.stage === 'yellow-card') c.yellowCard += r.n;
      if (r.stage === 'red-card') c.redCard += r.n;
      if (r.stage === 'answered') c.answered += r.n;
      if (r.outcome === 'rectified') c.rectified += r.n;
      if (r.outcome === 'false-alarm') c.falseAlarm += r.n;
      if (r.outcome === 'filed') c.filed += r.n;
      m.set(r.key, c);
    }
    return [...m.values()].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  };
  return {
    byUnit: fold(counts.byUnit, (k) => (k ? (unitName.get(k) ?? k) : '（未确定责任单位）')),
    byRule: fold(counts.byRule, (k) => (k ? (ruleName.get(k) ?? k) : '—')),
  };
}
