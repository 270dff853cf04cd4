import { serveAsAttachment } from './headers.ts';
import Router from '@koa/router';
import { withNotices } from './notices.ts';
import type { Person } from '../domain/org.ts';
import { NotFoundError } from '../errors.ts';
import { definitionById, definitionVersions, latestDefinitions, latestForm, type DefinitionRow } from '../store/definitions.ts';
import type { StepResult } from '../engine/steps.ts';
import { withAttachments } from './attachments.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import * as api from './contracts/process-definitions.ts';
import { routeMounter } from './route.ts';
import { iso, startedJson } from './present.ts';
import { exportFor } from '../engine/export.ts';

/**
 * Process definitions: the latest version of each (with whether the caller may start it), the
 * versions of one, its XML and start form, and starting an instance.
 */
export function processDefinitionRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  const { engine, db } = deps;

  const startFormKey = async (row: Pick<DefinitionRow, 'id'>): Promise<string | null> => {
    const def = await engine.definitions.byId(row.id);
    const start = def.model.startEvents.find((s) => s.kind === 'none');
    return start?.formKey ?? null;
  };
  /** false for a stored-only version (every process isExecutable="false"): shown, never started. */
  const executable = async (row: Pick<DefinitionRow, 'id'>): Promise<boolean> => (await engine.definitions.byId(row.id)).model.executable !== false;

  const summary = async (row: Omit<DefinitionRow, 'bpmnXml'>, person: Person) => ({
    id: row.id,
    key: row.key,
    name: row.name,
    version: row.version,
    resourceName: row.resourceName,
    deploymentId: row.deploymentId,
    deployedAt: iso(row.deployedAt),
    deployedBy: row.deployedBy,
    starterGroups: row.starterGroups,
    starterUsers: row.starterUsers,
    startFormKey: await startFormKey(row),
    executable: await executable(row),
    canStart: (await executable(row)) && engine.canStart(row, person),
  });

  const latestOf = async (key: string) => {
    const versions = await definitionVersions(db, key);
    if (!versions.length) throw new NotFoundError(`流程定义 ${key} 不存在`, 'PROCESS_NOT_FOUND');
    return versions;
  };

  route(api.definitionList, async (ctx) => {
    const person = me(ctx);
    const rows = await latestDefinitions(db);
    const items = [];
    for (const row of rows) items.push(await summary(row, person));
    return { items, total: items.length };
  });

  route(api.definitionGet, async (ctx, { params }) => {
    const person = me(ctx);
    const versions = await latestOf(params.key);
    const items = [];
    for (const v of versions) items.push(await summary(v, person));
    // 廉政风险点 of the latest version: versioned with the process, so changing them is a deployment (four eyes).
    const riskPoints = (await engine.definitions.byId(versions[0].id)).model.riskPoints;
    return { key: params.key, name: versions[0].name, latest: items[0], versions: items, riskPoints };
  });

  route(api.definitionXml, async (ctx, { params, query }) => {
    const version = query.version;
    const versions = await latestOf(params.key);
    const chosen = version ? versions.find((v) => v.version === version) : versions[0];
    if (!chosen) throw new NotFoundError(`流程定义 ${params.key} 没有第 ${version} 版`, 'PROCESS_VERSION_NOT_FOUND');
    const row = await definitionById(db, chosen.id);
    ctx.type = 'application/xml; charset=utf-8';
    serveAsAttachment(ctx, chosen.resourceName);
    ctx.body = row!.bpmnXml;
  });

  // A deployed version written for another engine (issue 12, item 4): see src/engine/export.ts.
  route(api.definitionExport, async (ctx, { params, query }) => {
    const { target } = query;
    const { version } = params;
    const versions = await latestOf(params.key);
    const chosen = versions.find((v) => v.version === version);
    if (!chosen) throw new NotFoundError(`流程定义 ${params.key} 没有第 ${version} 版`, 'PROCESS_VERSION_NOT_FOUND');
    const row = await definitionById(db, chosen.id);
    const def = await engine.definitions.byId(chosen.id);
    ctx.type = 'application/xml; charset=utf-8';
    serveAsAttachment(ctx, `${chosen.key}-v${chosen.version}.${target}.bpmn`);
    ctx.body = await exportFor(target, row!.bpmnXml, def.model);
  });

  route(api.startForm, async (ctx, { params }) => {
    const person = me(ctx);
    const [latest] = await latestOf(params.key);
    const formKey = await startFormKey(latest);
    const form = formKey ? await latestForm(db, formKey) : undefined;
    return {
      processKey: latest.key,
      definitionId: latest.id,
      formKey,
      form: form ? { key: form.key, version: form.version, schema: form.schema } : null,
      // Platform data the form shows (e.g. the caller's own records as options); submissions are checked against it.
      formData: form ? await engine.formData(form.key, person) : {},
      executable: await executable(latest),
      canStart: (await executable(latest)) && engine.canStart(latest, person),
    };
  });

  route(api.definitionStart, async (ctx, { params, body }) => {
    const person = me(ctx);
    const { businessKey, variables } = body;
    const key = params.key;
    const res = await engine.start(key, {
      by: person,
      businessKey: businessKey ?? null,
      variables: variables ?? {},
      // Attachments the start form references become the new case's in the same transaction.
      // Whoever may do the first task is told (新待办).
      hook: withAttachments(deps, person, variables ?? {}, (s: StepResult) => ({ instanceId: s.instance.id, taskId: null }), auditHook(ctx, deps, (s: StepResult) => ({
        action: 'process.start',
        objectType: 'process-instance',
        objectId: s.instance.id,
        instanceId: s.instance.id,
        after: { processKey: key, definitionId: s.instance.definitionId, businessKey: s.instance.businessKey, variables: variables ?? {} },
      }))),
      // The notices name the case number, so they are written once it is numbered.
      numbered: withNotices(deps, async () => {}, () => ({ kind: 'case.started', actor: person.id })),
    });
    return startedJson(res, person, engine);
  });

  return r;
}
