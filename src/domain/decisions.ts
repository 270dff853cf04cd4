import type { Knex } from 'knex';
import { decisionXml, listDecisions, type DecisionRow } from '../store/decisions.ts';

/**
 * DMN decision definitions as the API shows them (deployed through src/engine/deployer.ts with
 * processes and forms; evaluated by business rule tasks, src/engine/dmn/).
 */

/** The newest version of every decision, or every version of `key` (newest first). */
export function decisionDefinitions(db: Knex, key?: string): Promise<DecisionRow[]> {
  return listDecisions(db, key ? { key } : {});
}

/** The DMN file of the newest (or a given) version of `key`, as deployed. */
export function decisionFile(db: Knex, key: string, version?: number): Promise<{ xml: string; resourceName: string; version: number } | undefined> {
  return decisionXml(db, key, version);
}
