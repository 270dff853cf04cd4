import type { Knex } from 'knex';
import { decisionVersion } from '../../store/decisions.ts';
import type { ElementInfo } from '../model.ts';
import type { StepContext } from '../steps.ts';
import { evaluateInputs } from '../io-mapping.ts';
import { DecisionError, evaluateTable, mapResult } from './evaluate.ts';
import type { DecisionTable } from './model.ts';

/**
 * A business rule task's job: evaluates its decision table (the version bound at run time, read in
 * the step's transaction) on the instance's variables, puts the mapped result into the result
 * variable, records what was decided in the history, and lets the process go on — one step.
 * A decision that cannot give a result (UNIQUE with two matches …) throws DecisionError: an
 * incident, since retrying the same variables cannot help.
 */
export async function runDecisionStep(ctx: StepContext, info: ElementInfo, executionId: string, now: number): Promise<void> {
  const ref = info.decision!;
  const row = await decisionVersion(ctx.trx!, ref.decisionId, ref.version);
  if (!row) throw new DecisionError(`决策 "${ref.decisionId}"${ref.version ? ` 第 ${ref.version} 版` : ''} 不存在`);
  const table = row.table as DecisionTable;
  const variables = { ...ctx.variables, ...evaluateInputs(info.io, ctx.variables) };
  let value: unknown;
  let outcome;
  try {
    outcome = evaluateTable(table, variables);
    value = mapResult(table, outcome.result, ref.mapResult);
  } catch (err) {
    if (err instanceof DecisionError) throw new DecisionError(`业务规则任务 ${info.name ?? info.id} 的决策 ${row.id}：${err.message}`);
    throw err;
  }
  const output = { [ref.resultVariable]: value };
  Object.assign(ctx.variables, output);
  ctx.history.push({
    instanceId: ctx.instance.id,
    type: 'decision.evaluated',
    elementId: info.id,
    elementName: info.name,
    executionId,
    actor: 'system',
    at: now,
    data: {
      decisionId: row.key,
      decisionName: row.name,
      version: row.version,
      hitPolicy: table.aggregation ? `${table.hitPolicy} ${table.aggregation}` : table.hitPolicy,
      inputs: outcome.inputs,
      matchedRules: outcome.matched,
      resultVariable: ref.resultVariable,
      result: value,
    },
  });
  ctx.live.completeService(executionId, output);
}

/**
 * Evaluates the newest deployed version of decision `key` outside a business rule task (a
 * completion check or handler that applies a table the process owner maintains). Undefined when
 * no such decision is deployed. Throws DecisionError when the hit policy is violated.
 * Usage: `const res = await evaluateDecision(trx, 'penalty-discretion', { itemCode, tier })`.
 */
export async function evaluateDecision(
  db: Knex,
  key: string,
  variables: Record<string, unknown>,
): Promise<{ id: string; version: number; result: Array<Record<string, unknown>>; matched: string[] } | undefined> {
  const row = await decisionVersion(db, key);
  if (!row) return undefined;
  const outcome = evaluateTable(row.table as DecisionTable, variables);
  return { id: row.id, version: row.version, result: outcome.result, matched: outcome.matched };
}
