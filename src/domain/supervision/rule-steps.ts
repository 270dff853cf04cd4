import type { Knex } from 'knex';
import type { EngineService } from '../../engine/service.ts';
import { listRuleChanges, listRules } from '../../store/monitoring-rules.ts';
import { RULE_KINDS } from './rule-kinds.ts';

/**
 * Monitoring rules in the words of the process they watch (issue 18): the names of the steps a
 * rule names (its `elementId` and an `elements` parameter) from the process version in force, and
 * the rules a process owner may pick as the ones watching a 廉政风险点.
 */

/**
 * Step id → step name for each process key named, from its latest version; a process not
 * deployed gives an empty map. Usage: `(await stepNamesOf(engine, ['penalty-case'])).get('penalty-case')?.get('Task_Decide')`.
 */
export async function stepNamesOf(engine: EngineService, processKeys: Iterable<string | null>): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  for (const key of new Set([...processKeys].filter((k): k is string => Boolean(k)))) {
    const latest = await engine.definitions.latest(key).catch(() => null);
    const names = new Map<string, string>();
    for (const [id, el] of latest?.def.model.elements ?? []) if (el.name) names.set(id, el.name);
    out.set(key, names);
  }
  return out;
}

/** One rule a risk point may name. */
export interface RuleChoice {
  id: string;
  name: string;
  kind: string;
  kindName: string;
  processKey: string | null;
  elementId: string | null;
  elementName: string | null;
  enabled: boolean;
}

/**
 * The library's rules (optionally of one process), named in Chinese with the step they watch, for
 * the modeler's pick-list. Usage: `await ruleChoices(db, engine, 'penalty-case')`.
 */
export async function ruleChoices(db: Knex, engine: EngineService, processKey?: string): Promise<RuleChoice[]> {
  const rules = (await listRules(db)).filter((r) => !processKey || r.processKey === processKey);
  const steps = await stepNamesOf(engine, rules.map((r) => r.processKey));
  return rules.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    kindName: RULE_KINDS[r.kind]?.name ?? r.kind,
    processKey: r.processKey,
    elementId: r.elementId,
    elementName: r.elementId ? (steps.get(r.processKey ?? '')?.get(r.elementId) ?? null) : null,
    enabled: r.enabled,
  }));
}

/**
 * Step names of every process a rule or a rule change names, as plain objects for JSON:
 * `{ 'penalty-case': { Task_Decide: '作出处罚决定' } }`. Usage: `await ruleStepNames(db, engine)`.
 */
export async function ruleStepNames(db: Knex, engine: EngineService): Promise<Record<string, Record<string, string>>> {
  const keys = [...(await listRules(db)).map((r) => r.processKey), ...(await listRuleChanges(db)).map((c) => (typeof c.proposal.processKey === 'string' ? c.proposal.processKey : null))];
  const steps = await stepNamesOf(engine, keys);
  return Object.fromEntries([...steps].map(([key, names]) => [key, Object.fromEntries(names)]));
}
