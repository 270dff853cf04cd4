import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

/** One version of one DMN decision (a decision table); the table is stored as checked JSON. */
export interface DecisionRow {
  id: string;
  key: string;
  version: number;
  name: string | null;
  dmnXml: string;
  table: unknown;
  hash: string;
  deploymentId: string;
  resourceName: string;
  deployedAt: number;
  deployedBy: string;
}

const LIST_COLUMNS = ['id', 'key', 'version', 'name', 'hash', 'deployment_id', 'resource_name', 'deployed_at', 'deployed_by'];

function toRow(r: any): DecisionRow {
  return {
    id: r.id,
    key: r.key,
    version: Number(r.version),
    name: r.name ?? null,
    dmnXml: r.dmn_xml ?? '',
    table: fromJson(r.decision_table, null),
    hash: r.hash,
    deploymentId: r.deployment_id,
    resourceName: r.resource_name,
    deployedAt: Number(r.deployed_at),
    deployedBy: r.deployed_by,
  };
}

export async function insertDecision(db: Knex, d: DecisionRow): Promise<void> {
  await db('decision_definitions').insert({
    id: d.id,
    key: d.key,
    version: d.version,
    name: d.name,
    dmn_xml: d.dmnXml,
    decision_table: toJson(d.table),
    hash: d.hash,
    deployment_id: d.deploymentId,
    resource_name: d.resourceName,
    deployed_at: d.deployedAt,
    deployed_by: d.deployedBy,
  });
}

/** The version of `key` a business rule task evaluates: the newest, or the one asked for. */
export async function decisionVersion(db: Knex, key: string, version?: number): Promise<DecisionRow | undefined> {
  const q = db('decision_definitions').select([...LIST_COLUMNS, 'decision_table']).where({ key });
  const r = version === undefined ? await q.orderBy('version', 'desc').first() : await q.andWhere({ version }).first();
  return r && toRow(r);
}

export async function decisionById(db: Knex, id: string): Promise<DecisionRow | undefined> {
  const r = await db('decision_definitions').where({ id }).first();
  return r && toRow(r);
}

/** Every stored decision key (for the deploy check of decisionRef). */
export async function decisionKeys(db: Knex): Promise<Set<string>> {
  return new Set((await db('decision_definitions').distinct('key')).map((r: { key: string }) => r.key));
}

/** The newest version of every decision, or every version of one key; without the XML. */
export async function listDecisions(db: Knex, opts: { key?: string; latestOnly?: boolean } = {}): Promise<DecisionRow[]> {
  if (opts.key) {
    const rows = await db('decision_definitions').select([...LIST_COLUMNS, 'decision_table']).where({ key: opts.key }).orderBy('version', 'desc');
    return rows.map(toRow);
  }
  const latest = db('decision_definitions').select('key').max({ version: 'version' }).groupBy('key').as('l');
  const rows = await db('decision_definitions as d')
    .join(latest, function () {
      this.on('d.key', '=', 'l.key').andOn('d.version', '=', 'l.version');
    })
    .select([...LIST_COLUMNS.map((c) => `d.${c}`), 'd.decision_table'])
    .orderBy('d.key');
  return rows.map(toRow);
}

/** The DMN file of the newest (or a given) version of `key`, as deployed. */
export async function decisionXml(db: Knex, key: string, version?: number): Promise<{ xml: string; resourceName: string; version: number } | undefined> {
  const q = db('decision_definitions').select('dmn_xml', 'resource_name', 'version').where({ key });
  const r = version === undefined ? await q.orderBy('version', 'desc').first() : await q.andWhere({ version }).first();
  return r && { xml: r.dmn_xml, resourceName: r.resource_name, version: Number(r.version) };
}
