import type { Knex } from 'knex';
import { EngineService } from '../../engine/service.ts';
import { SYSTEM, type DeployFile, type DeploymentResult } from '../../engine/types.ts';
import { latestDefinition } from '../../store/definitions.ts';
import { countDefinitions } from '../../store/proposals.ts';
import { appendAudit } from '../audit.ts';
import { propose, type ProposeOutcome } from './proposals.ts';

/**
 * The platform's own four-eyes procedures (deployment, cancellation and password-reset approval):
 * without them no proposal, cancellation request or reset could be decided. Each file is named
 * after its process key, its form `<key>-approve`.
 */
export const PLATFORM_KEYS = ['platform-deployment', 'platform-cancellation', 'platform-password-reset', 'monitoring-rule-change', 'appraisal-scheme-change'];
export const PLATFORM_FILES = PLATFORM_KEYS.flatMap((k) => [`${k}.bpmn`, `${k}-approve.form`]);

export type BootstrapOutcome =
  | { mode: 'bootstrap'; result: DeploymentResult }
  | { mode: 'proposal'; proposal: ProposeOutcome; platform: DeploymentResult | null };

/**
 * What `npm start` does with processes/ and forms/:
 * - a fresh database (no process definitions yet) gets them deployed directly, audited as
 *   `deployment.bootstrap` by `system` — someone has to install the procedures that approve;
 * - on an existing database, files that changed become one pending proposal by `system`, approved
 *   like any other (a changed file on the server never takes effect silently). Only the approval
 *   procedures themselves (PLATFORM_KEYS) are deployed directly when missing (an upgrade from a version without them).
 * Message start names of processes/ are reserved to their process keys either way.
 * Usage: `await bootstrapDeployments(engine, processesDir, formsDir)`.
 */
export async function bootstrapDeployments(
  engine: EngineService,
  processesDir: string,
  formsDir: string,
  opts: { only?: string[] } = {},
): Promise<BootstrapOutcome> {
  let files = await EngineService.readDirectories(processesDir, formsDir);
  if (opts.only) files = files.filter((f) => opts.only!.includes(f.name));
  await engine.reserveMessageStarts(files);
  if ((await countDefinitions(engine.db)) === 0) return { mode: 'bootstrap', result: await deployDirectly(engine, files) };
  let platform: DeploymentResult | null = null;
  const missing: string[] = [];
  for (const key of PLATFORM_KEYS) if (!(await latestDefinition(engine.db, key))) missing.push(key);
  if (missing.length) {
    platform = await deployDirectly(engine, files.filter((f) => missing.some((k) => f.name === `${k}.bpmn` || f.name === `${k}-approve.form`)));
  }
  const proposal = await propose(engine, files, {
    proposer: SYSTEM,
    source: 'startup',
    name: '启动时 processes/、forms/ 目录中的变更',
    hook: (trx, p) => audit(engine, trx, 'deployment.propose', p.id, { items: p.items.filter((i) => !i.unchanged) }),
  });
  return { mode: 'proposal', proposal, platform };
}

async function deployDirectly(engine: EngineService, files: DeployFile[]): Promise<DeploymentResult> {
  if (!files.length) return { id: null, items: [], notes: [] };
  return engine.deploy(files, {
    by: 'system',
    source: 'bootstrap',
    name: 'bootstrap',
    hook: (trx, res) =>
      audit(engine, trx, 'deployment.bootstrap', res.id, {
        items: res.items.filter((i) => !i.unchanged).map((i) => ({ file: i.file, kind: i.kind, key: i.key, version: i.version })),
      }),
  });
}

async function audit(engine: EngineService, trx: Knex.Transaction, action: string, objectId: string | null, after: unknown): Promise<void> {
  await appendAudit(trx, { actor: 'system', action, objectType: 'deployment', objectId, after }, engine.clock.now());
}
