import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { DeployProblem } from '../../errors.ts';
import { insertDecision } from '../../store/decisions.ts';
import type { DeployedItem, DeployFile } from '../types.ts';
import { checkXml } from '../xml-guard.ts';
import { parseDmn, type DecisionTable } from './model.ts';

/** DMN files deploy next to BPMN files, each decision versioned by its id like a process. */
export const DMN_EXT = /\.dmn(11\.xml)?$/i;

export interface PreparedDecision {
  file: string;
  key: string;
  name?: string;
  content: string;
  table: DecisionTable;
  /** Hash of the decision's name and checked table: an unchanged decision keeps its version. */
  hash: string;
}

/** Reads and checks every .dmn file; problems are added to the deployment's list. */
export async function prepareDecisions(files: DeployFile[], problems: DeployProblem[]): Promise<PreparedDecision[]> {
  const out: PreparedDecision[] = [];
  for (const f of files) {
    const unsafe = checkXml(f.content, 'dmn');
    if (unsafe.length) {
      for (const p of unsafe) problems.push({ file: f.name, ...p });
      continue;
    }
    const parsed = await parseDmn(f.content);
    for (const p of parsed.problems) problems.push({ file: f.name, ...p });
    if (parsed.problems.length) continue;
    for (const d of parsed.decisions) {
      const hash = createHash('sha256').update(JSON.stringify({ name: d.name ?? null, table: d.table })).digest('hex');
      out.push({ file: f.name, key: d.id, name: d.name, content: f.content, table: d.table, hash });
    }
  }
  const keys = out.map((d) => d.key);
  const dup = keys.filter((k, i) => keys.indexOf(k) !== i);
  if (dup.length) problems.push({ file: '', message: `同一次部署中有多个文件定义了同一个决策：${[...new Set(dup)].join('、')}` });
  return out;
}

/** Stores the changed decisions as new versions, in the deployment's transaction. */
export async function storeDecisions(
  trx: Knex.Transaction,
  decisions: PreparedDecision[],
  items: Map<string, DeployedItem>,
  opts: { deploymentId: string; now: number; by: string },
): Promise<void> {
  for (const d of decisions) {
    const it = items.get(`decision:${d.key}`)!;
    if (it.unchanged) continue;
    await insertDecision(trx, {
      id: it.id,
      key: d.key,
      version: it.version,
      name: d.name ?? null,
      dmnXml: d.content,
      table: d.table,
      hash: d.hash,
      deploymentId: opts.deploymentId,
      resourceName: d.file,
      deployedAt: opts.now,
      deployedBy: opts.by,
    });
  }
}
