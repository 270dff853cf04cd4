import type { Knex } from 'knex';
import { fromJson, toJson } from './json.ts';

export interface DefinitionRow {
  id: string;
  key: string;
  version: number;
  name: string | null;
  bpmnXml: string;
  hash: string;
  deploymentId: string;
  resourceName: string;
  deployedAt: number;
  deployedBy: string;
  starterGroups: string[] | null;
  starterUsers: string[] | null;
  properties: Record<string, string>;
}

export interface FormRow {
  id: string;
  key: string;
  version: number;
  schema: unknown;
  hash: string;
  deploymentId: string;
  deployedAt: number;
  deployedBy: string;
}

export interface DeploymentRow {
  id: string;
  name: string;
  source: string;
  deployedAt: number;
  deployedBy: string;
  files: unknown;
}

const DEF_COLUMNS = [
  'id', 'key', 'version', 'name', 'bpmn_xml', 'hash', 'deployment_id', 'resource_name', 'deployed_at', 'deployed_by',
  'starter_groups', 'starter_users', 'properties',
];

function toDefinition(r: any): DefinitionRow {
  return {
    id: r.id,
    key: r.key,
    version: r.version,
    name: r.name,
    bpmnXml: r.bpmn_xml,
    hash: r.hash,
    deploymentId: r.deployment_id,
    resourceName: r.resource_name,
    deployedAt: Number(r.deployed_at),
    deployedBy: r.deployed_by,
    starterGroups: fromJson(r.starter_groups, null),
    starterUsers: fromJson(r.starter_users, null),
    properties: fromJson(r.properties, {}),
  };
}

function toForm(r: any): FormRow {
  return {
    id: r.id,
    key: r.key,
    version: r.version,
    schema: fromJson(r.schema, {}),
    hash: r.hash,
    deploymentId: r.deployment_id,
    deployedAt: Number(r.deployed_at),
    deployedBy: r.deployed_by,
  };
}

export async function insertDeployment(db: Knex, d: DeploymentRow): Promise<void> {
  await db('deployments').insert({
    id: d.id,
    name: d.name,
    source: d.source,
    deployed_at: d.deployedAt,
    deployed_by: d.deployedBy,
    files: toJson(d.files),
  });
}

export async function insertDefinition(db: Knex, d: DefinitionRow): Promise<void> {
  await db('process_definitions').insert({
    id: d.id,
    key: d.key,
    version: d.version,
    name: d.name,
    bpmn_xml: d.bpmnXml,
    hash: d.hash,
    deployment_id: d.deploymentId,
    resource_name: d.resourceName,
    deployed_at: d.deployedAt,
    deployed_by: d.deployedBy,
    starter_groups: toJson(d.starterGroups),
    starter_users: toJson(d.starterUsers),
    properties: toJson(d.properties),
  });
}

export async function definitionById(db: Knex, id: string): Promise<DefinitionRow | undefined> {
  const r = await db('process_definitions').select(DEF_COLUMNS).where({ id }).first();
  return r && toDefinition(r);
}

/** The newest version of `key`, without its XML (`bpmnXml` is empty): what starting needs. */
export async function latestDefinition(db: Knex, key: string): Promise<DefinitionRow | undefined> {
  const r = await db('process_definitions')
    .select(DEF_COLUMNS.filter((c) => c !== 'bpmn_xml'))
    .where({ key })
    .orderBy('version', 'desc')
    .first();
  return r && toDefinition({ ...r, bpmn_xml: '' });
}

/** The latest version of every process key, in key order. */
export async function latestDefinitions(db: Knex): Promise<DefinitionRow[]> {
  const latest = db('process_definitions').select('key').max({ version: 'version' }).groupBy('key').as('l');
  const rows = await db('process_definitions as d')
    .join(latest, function () {
      this.on('d.key', '=', 'l.key').andOn('d.version', '=', 'l.version');
    })
    .select(DEF_COLUMNS.map((c) => `d.${c}`))
    .orderBy('d.key');
  return rows.map(toDefinition);
}

export async function definitionVersions(db: Knex, key: string): Promise<Omit<DefinitionRow, 'bpmnXml'>[]> {
  const rows = await db('process_definitions')
    .select(DEF_COLUMNS.filter((c) => c !== 'bpmn_xml'))
    .where({ key })
    .orderBy('version', 'desc');
  return rows.map((r: any) => {
    const { bpmnXml: _x, ...rest } = toDefinition({ ...r, bpmn_xml: '' });
    return rest;
  });
}

export async function insertForm(db: Knex, f: FormRow): Promise<void> {
  await db('forms').insert({
    id: f.id,
    key: f.key,
    version: f.version,
    schema: toJson(f.schema),
    hash: f.hash,
    deployment_id: f.deploymentId,
    deployed_at: f.deployedAt,
    deployed_by: f.deployedBy,
  });
}

export async function latestForm(db: Knex, key: string): Promise<FormRow | undefined> {
  const r = await db('forms').where({ key }).orderBy('version', 'desc').first();
  return r && toForm(r);
}

export async function formVersions(db: Knex, key: string): Promise<FormRow[]> {
  return (await db('forms').where({ key }).orderBy('version', 'desc')).map(toForm);
}

/** Latest version number and hash of each of `keys`, for deploy's "unchanged?" check. */
export async function latestHashes(db: Knex, table: 'forms' | 'process_definitions' | 'decision_definitions', keys: string[]): Promise<Map<string, { version: number; hash: string }>> {
  const out = new Map<string, { version: number; hash: string }>();
  if (!keys.length) return out;
  const rows = await db(table).select('key', 'version', 'hash').whereIn('key', keys).orderBy('version', 'asc');
  for (const r of rows) out.set(r.key, { version: r.version, hash: r.hash });
  return out;
}

export async function formKeys(db: Knex): Promise<Set<string>> {
  return new Set((await db('forms').distinct('key')).map((r: { key: string }) => r.key));
}

export async function latestForms(db: Knex): Promise<FormRow[]> {
  const latest = db('forms').select('key').max({ version: 'version' }).groupBy('key').as('l');
  const rows = await db('forms as f')
    .join(latest, function () {
      this.on('f.key', '=', 'l.key').andOn('f.version', '=', 'l.version');
    })
    .select('f.*')
    .orderBy('f.key');
  return rows.map(toForm);
}

/** A file handed to a deployment (a .bpmn or .form), as proposals store it. */
export interface DeployFile {
  name: string;
  content: string;
}

/** What a deployment did with one file: the version it stored or kept. */
export interface DeployedItem {
  file: string;
  kind: 'process' | 'form' | 'decision';
  key: string;
  version: number;
  id: string;
  /** True when the content was unchanged and the existing version was kept. */
  unchanged: boolean;
}
