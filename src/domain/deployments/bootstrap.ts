import type { Knex } from 'knex';
import { EngineService } from '../../engine/service.ts';
import { SYSTEM, type DeployFile, type DeploymentResult } from '../../engine/types.ts';
import { latestDefinition } from '../../store/definitions.ts';
import { countDefinitions } from '../../store/proposals.ts';
import { appendAudit } from '../audit.ts';
import { PLATFORM_PROCESS, propose, type ProposeOutcome } from './proposals.ts';

/** The files of the approval procedure itself: without them no proposal could be approved. */
export const PLATFORM_FILES = ['platform-deployment.bpmn', 'platform-deployment-approve.form'];

export type BootstrapOutcome =
  | { mode: 'bootstrap'; result: DeploymentResult }
  | { mode: 'proposal'; proposal: ProposeOutcome; platform: DeploymentResult | null };

/**
 * What `npm start` does with processes/ and forms/:
 * - a fresh database (no process definitions yet) gets them deployed directly, audited as
 *   `deployment.bootstrap` by `system` — someone has to install the procedures that approve;
 * - on an existing database, files that changed become one pending proposal by `system`, approved
 *   like any other (a changed file on the server never takes effect silently). Only the approval
 *   procedure itself is deployed directly when it is missing (an upgrade from a version without it).
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
  if (!(await latestDefinition(engine.db, PLATFORM_PROCESS))) {
    platform = await deployDirectly(engine, files.filter((f) => PLATFORM_FILES.includes(f.name)));
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
