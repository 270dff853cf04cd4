import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Knex } from 'knex';
import { DeploymentError, type DeployProblem } from '../errors.ts';
import { checkFormSchema } from '../forms/validate.ts';
import {
  formKeys,
  insertDefinition,
  insertDeployment,
  insertForm,
  latestHashes,
  type DefinitionRow,
} from '../store/definitions.ts';
import { deleteTimerStartJobs, insertJobs } from '../store/jobs.ts';
import { replaceMessageStarts } from '../store/subscriptions.ts';
import { cycleRepeats, nextFiring } from '../lib/cycles.ts';
import type { DefinitionCache } from './definitions.ts';
import { parseBpmn, type ProcessModel } from './model.ts';
import { CompiledDefinition } from './runtime.ts';
import type { DeployedItem, DeployFile, DeploymentResult } from './types.ts';
import { checkXml } from './xml-guard.ts';
import { directoryProblems, type Directory } from './dialects/directory.ts';
import { jsonProblem, MAX_JSON_DEPTH } from '../json-guard.ts';
import { DMN_EXT, prepareDecisions, storeDecisions, type PreparedDecision } from './dmn/deploy.ts';
import { decisionKeys } from '../store/decisions.ts';

/** Largest BPMN or form file accepted (Art. 12: uploads are checked for type and size). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

const BPMN_EXT = /\.(bpmn|bpmn20\.xml|bpmn2)$/i;
const FORM_EXT = /\.(form|json)$/i;

interface PreparedProcess {
  file: string;
  content: string;
  hash: string;
  model: ProcessModel;
  moddleContext: any;
}

interface PreparedForm {
  file: string;
  key: string;
  schema: unknown;
  hash: string;
}

/** What the checks need to know about the platform around the files. */
export interface CheckOptions {
  handlerExists(name: string): boolean;
  checkExists(name: string): boolean;
  /**
   * The process key a message start name is reserved to (a regulation procedure's start, e.g.
   * `accountability-open` → accountability-review), so no other process can make its correlation
   * ambiguous.
   */
  reservedMessage?(name: string): string | undefined;
  /**
   * The organisation's groups and users: when given, every literal candidate group, candidate
   * user, assignee and starter a file names must exist in it (issue 12, item 3).
   */
  directory?(db: Knex): Promise<Directory>;
}

export interface DeployOptions extends CheckOptions {
  by: string;
  source: string;
  name?: string;
  now: number;
  definitions: DefinitionCache;
  /** Extra writes (the API's audit row) in the deployment's transaction. */
  hook?: (trx: Knex.Transaction, result: DeploymentResult) => Promise<void>;
}

/** Files that passed every deploy check, parsed, ready to be planned and stored (now or later). */
export interface CheckedDeployment {
  processes: PreparedProcess[];
  forms: PreparedForm[];
  /** DMN decision tables (one per decision of each .dmn file). */
  decisions?: PreparedDecision[];
  notes: DeploymentResult['notes'];
}

/** Where the store step may put what it stored in memory; filled by the caller after commit. */
export interface StoredDeployment {
  result: DeploymentResult;
  compiled: CompiledDefinition[];
}

/**
 * Checks every file, then stores new versions of the changed ones in one transaction. A file whose
 * content is unchanged keeps its current version. Any problem in any file refuses the whole
 * deployment, listing every problem found. The parsed definitions enter the engine's cache only
 * once the transaction has committed.
 * Usage: `await deploy(db, [{name: 'fault-report.bpmn', content}], opts)`.
 */
export async function deploy(db: Knex, files: DeployFile[], opts: DeployOptions): Promise<DeploymentResult> {
  const checked = await checkDeployment(db, files, opts);
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = await db.transaction(async (trx) => {
        const s = await storeDeployment(trx, checked, opts);
        if (s.result.id) await opts.hook?.(trx, s.result);
        return s;
      });
      opts.definitions.deployed();
      for (const def of stored.compiled) opts.definitions.put(def);
      return stored.result;
    } catch (err) {
      // Two nodes deploying the same key at once: one wins the version number, the other retries.
      if (attempt < 2 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/**
 * The check step: names, sizes, types, form schemas, BPMN (every engine rule) and reserved
 * message names. Throws DeploymentError (400) listing every problem; stores nothing.
 */
export async function checkDeployment(db: Knex, files: DeployFile[], opts: CheckOptions): Promise<CheckedDeployment> {
  const problems: DeployProblem[] = [];
  if (!files.length) throw new DeploymentError([{ file: '', message: '没有要部署的文件' }]);
  const forms: PreparedForm[] = [];
  const bpmn: DeployFile[] = [];
  const dmn: DeployFile[] = [];
  const seenNames = new Set<string>();
  for (const f of files) {
    const file = String(f.name ?? '');
    if (!file || file.includes('..') || /[\\/]/.test(file.replace(/^.*[\\/]/, ''))) {
      problems.push({ file, message: '文件名无效' });
      continue;
    }
    if (seenNames.has(file)) problems.push({ file, message: '同一次部署中文件名重复' });
    seenNames.add(file);
    if (typeof f.content !== 'string') {
      problems.push({ file, message: '文件内容应为文本' });
      continue;
    }
    if (Buffer.byteLength(f.content) > MAX_FILE_BYTES) {
      problems.push({ file, message: `文件过大（上限 ${MAX_FILE_BYTES / 1024 / 1024} MB）` });
      continue;
    }
    if (BPMN_EXT.test(file)) bpmn.push({ name: file, content: f.content });
    else if (DMN_EXT.test(file)) dmn.push({ name: file, content: f.content });
    else if (FORM_EXT.test(file)) {
      const form = prepareForm(file, f.content, problems);
      if (form) forms.push(form);
    } else problems.push({ file, message: '不支持的文件类型：只接受 .bpmn 流程文件、.dmn 决策表文件和 .form 表单文件' });
  }
  const formKeysHere = new Set(forms.map((f) => f.key));
  if (formKeysHere.size !== forms.length) problems.push({ file: '', message: '同一次部署中有重名的表单' });
  const storedForms = await formKeys(db);
  const decisions = await prepareDecisions(dmn, problems);
  const decisionsHere = new Set(decisions.map((d) => d.key));
  const storedDecisions = bpmn.length ? await decisionKeys(db) : new Set<string>();
  const ctx = {
    formExists: (name: string) => formKeysHere.has(name) || storedForms.has(name),
    handlerExists: opts.handlerExists,
    checkExists: opts.checkExists,
    decisionExists: (id: string) => decisionsHere.has(id) || storedDecisions.has(id),
  };
  const processes: PreparedProcess[] = [];
  const directory = bpmn.length ? await opts.directory?.(db) : undefined;
  for (const f of bpmn) {
    // Foreign namespaces, DOCTYPE and deep nesting are refused before the parser sees the file.
    const xmlNotes: string[] = [];
    const unsafe = checkXml(f.content, 'bpmn', xmlNotes);
    if (unsafe.length) {
      for (const p of unsafe) problems.push({ file: f.name, ...p });
      continue;
    }
    const parsed = await parseBpmn(f.content, ctx);
    parsed.model?.notes.unshift(...xmlNotes);
    for (const p of parsed.problems) problems.push({ file: f.name, ...p });
    if (parsed.model?.executable === false) {
      // Stored only (isExecutable="false"): nothing runs, so only the XML checks above apply.
      processes.push({ file: f.name, content: f.content, hash: sha256(f.content), model: parsed.model, moddleContext: parsed.moddleContext });
      continue;
    }
    if (parsed.model && !parsed.problems.length) {
      const unreadable = engineProblem(parsed.model, parsed.moddleContext);
      if (unreadable) {
        problems.push({ file: f.name, message: unreadable });
        continue;
      }
      for (const message of reservedMessageProblems(parsed.model, opts)) problems.push({ file: f.name, message });
      if (directory) for (const p of directoryProblems(parsed.model, directory)) problems.push({ file: f.name, ...p });
      processes.push({ file: f.name, content: f.content, hash: sha256(f.content), model: parsed.model, moddleContext: parsed.moddleContext });
    }
  }
  // Camunda 8 forms embedded in a process file are deployed as forms of their own (see embeddedFormsOf).
  for (const p of processes) {
    for (const [key, json] of Object.entries(p.model.embeddedForms ?? {})) {
      if (formKeysHere.has(key)) continue;
      const form = prepareForm(`${key}.form`, json, problems);
      if (form) forms.push(form);
      formKeysHere.add(key);
    }
  }
  const keys = processes.map((p) => p.model.processId);
  if (new Set(keys).size !== keys.length) problems.push({ file: '', message: '同一次部署中有多个文件定义了同一个流程' });
  if (problems.length) throw new DeploymentError(problems);
  return { processes, forms, decisions, notes: processes.flatMap((p) => p.model.notes.map((message) => ({ file: p.file, message }))) };
}

/**
 * Whether the engine can build a runnable context from the file: a shape the model checks did not
 * foresee must be a deploy refusal naming the file, never a server error at deploy or start.
 */
function engineProblem(model: ProcessModel, moddleContext: any): string | null {
  try {
    const def = new CompiledDefinition({ id: `${model.processId}:check`, key: model.processId, version: 0 }, model, moddleContext);
    for (const s of model.startEvents) def.contextFor(s.id);
    return null;
  } catch (err) {
    return `引擎无法读取此文件的结构：${(err as Error).message.slice(0, 300)}`;
  }
}

function reservedMessageProblems(model: ProcessModel, opts: CheckOptions): string[] {
  const out: string[] = [];
  for (const s of model.startEvents) {
    if (s.kind !== 'message' || !s.messageName) continue;
    const owner = opts.reservedMessage?.(s.messageName);
    if (owner && owner !== model.processId) {
      out.push(`消息名称“${s.messageName}”保留给规章流程 ${owner} 的开始事件，流程 ${model.processId} 不能以它开始（否则该消息无法唯一对应流程）`);
    }
  }
  return out;
}

function prepareForm(file: string, content: string, problems: DeployProblem[]): PreparedForm | null {
  let schema: unknown;
  try {
    schema = JSON.parse(content);
  } catch (err) {
    problems.push({ file, message: `表单不是有效的 JSON：${(err as Error).message}` });
    return null;
  }
  const unsafe = jsonProblem(schema);
  if (unsafe) {
    problems.push({ file, message: unsafe.code === 'JSON_TOO_DEEP' ? `表单嵌套超过 ${MAX_JSON_DEPTH} 层，不接受` : `表单含有无效字符（孤立的 UTF-16 代理项或空字符）：${unsafe.path.slice(0, 100)}` });
    return null;
  }
  for (const message of checkFormSchema(schema)) problems.push({ file, message });
  return { file, key: path.basename(file).replace(FORM_EXT, ''), schema, hash: sha256(content) };
}

/**
 * The plan step: which files make a new version (and which number) and which are unchanged,
 * against what is stored now. Read-only; a proposal shows this plan to its approver.
 */
export async function planDeployment(db: Knex, checked: CheckedDeployment): Promise<DeployedItem[]> {
  const formLatest = await latestHashes(db, 'forms', checked.forms.map((f) => f.key));
  const procLatest = await latestHashes(db, 'process_definitions', checked.processes.map((p) => p.model.processId));
  const decisions = checked.decisions ?? [];
  const decLatest = await latestHashes(db, 'decision_definitions', decisions.map((d) => d.key));
  const item = (file: string, kind: DeployedItem['kind'], key: string, latest: { version: number; hash: string } | undefined, hash: string): DeployedItem => {
    const unchanged = latest?.hash === hash;
    const version = unchanged ? latest!.version : (latest?.version ?? 0) + 1;
    return { file, kind, key, version, id: `${key}:${version}`, unchanged };
  };
  return [
    ...checked.forms.map((f) => item(f.file, 'form', f.key, formLatest.get(f.key), f.hash)),
    ...decisions.map((d) => item(d.file, 'decision', d.key, decLatest.get(d.key), d.hash)),
    ...checked.processes.map((p) => item(p.file, 'process', p.model.processId, procLatest.get(p.model.processId), p.hash)),
  ];
}

/**
 * The store step, inside the caller's transaction: new versions of the changed files, their start
 * events and timer jobs, and the deployment row. Returns the compiled definitions for the caller to
 * put into the engine's cache after commit (never before: a rolled-back version must not start).
 */
export async function storeDeployment(
  trx: Knex.Transaction,
  checked: CheckedDeployment,
  opts: Pick<DeployOptions, 'by' | 'source' | 'name' | 'now'>,
): Promise<StoredDeployment> {
  const items = await planDeployment(trx, checked);
  const deploymentId = randomUUID();
  const compiled: CompiledDefinition[] = [];
  const byKey = new Map(items.map((i) => [`${i.kind}:${i.key}`, i]));
  if (items.every((i) => i.unchanged)) return { result: { id: null, items, notes: checked.notes }, compiled };
  await insertDeployment(trx, {
    id: deploymentId,
    name: opts.name ?? items.map((i) => i.file).join(', '),
    source: opts.source,
    deployedAt: opts.now,
    deployedBy: opts.by,
    files: items,
  });
  for (const f of checked.forms) {
    const it = byKey.get(`form:${f.key}`)!;
    if (it.unchanged) continue;
    await insertForm(trx, { id: it.id, key: f.key, version: it.version, schema: f.schema, hash: f.hash, deploymentId, deployedAt: opts.now, deployedBy: opts.by });
  }
  await storeDecisions(trx, checked.decisions ?? [], byKey, { deploymentId, now: opts.now, by: opts.by });
  for (const p of checked.processes) {
    const key = p.model.processId;
    const it = byKey.get(`process:${key}`)!;
    if (it.unchanged) continue;
    const row: DefinitionRow = {
      id: it.id,
      key,
      version: it.version,
      name: p.model.name ?? null,
      bpmnXml: p.content,
      hash: p.hash,
      deploymentId,
      resourceName: p.file,
      deployedAt: opts.now,
      deployedBy: opts.by,
      starterGroups: p.model.starterGroups ?? null,
      starterUsers: p.model.starterUsers ?? null,
      properties: p.model.properties,
    };
    const previous = Array.from({ length: it.version - 1 }, (_, i) => `${key}:${i + 1}`);
    compiled.push(new CompiledDefinition(row, p.model, p.moddleContext));
    await insertDefinition(trx, row);
    await registerStartEvents(trx, row, p.model, previous, opts.now);
  }
  return { result: { id: deploymentId, items, notes: checked.notes }, compiled };
}

/** Message and timer start events belong to the newest version: older versions' ones are removed. */
async function registerStartEvents(trx: Knex.Transaction, row: DefinitionRow, model: ProcessModel, previous: string[], now: number): Promise<void> {
  const eventStarts = model.startEvents.filter((s) => s.kind === 'message' || s.kind === 'signal');
  await replaceMessageStarts(
    trx,
    previous,
    eventStarts.map((s) => ({
      id: randomUUID(),
      type: s.kind === 'signal' ? ('signal-start' as const) : ('message-start' as const),
      name: (s.messageName ?? s.signalName)!,
      instanceId: null,
      definitionId: row.id,
      executionId: null,
      elementId: s.id,
      businessKey: null,
      createdAt: now,
    })),
  );
  await deleteTimerStartJobs(trx, previous);
  const jobs = model.startEvents
    .filter((s) => s.kind === 'timer')
    .map((s) => {
      const dueAt = nextFiring(s, now, null);
      return {
        id: randomUUID(),
        type: 'timer-start' as const,
        instanceId: null,
        definitionId: row.id,
        executionId: null,
        elementId: s.id,
        dueAt,
        lockedBy: null,
        lockedUntil: null,
        attempts: 0,
        retries: 3,
        retryCycle: null,
        lastError: null,
        payload: { fired: 0, repeats: cycleRepeats(s.timeCycle), previous: null },
        createdAt: now,
      };
    })
    .filter((j) => j.dueAt !== null);
  await insertJobs(trx, jobs);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/.test(e?.message ?? '');
}
