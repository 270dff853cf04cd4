import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { getInstance } from '../store/instances.ts';
import { deleteLeasedJobStmt, type JobRow } from '../store/jobs.ts';
import { childBusinessKey, mapVariables } from './call-activity.ts';
import type { DefinitionCache } from './definitions.ts';
import type { StepRunner } from './steps.ts';

/**
 * Running the call protocol's jobs (see call-activity.ts): `call` starts the child, `call-return`
 * resumes the parent. Each deletes its job in the same transaction as its step, so it happens
 * exactly once whichever node runs it; a failure is retried and then becomes an incident on the
 * parent, like a service task's.
 */
export interface CallJobDeps {
  db: Knex;
  clock: Clock;
  node: string;
  steps: StepRunner;
  definitions: DefinitionCache;
}

export async function runCallJob(deps: CallJobDeps, job: JobRow): Promise<void> {
  const parent = await getInstance(deps.db, job.instanceId!);
  if (!parent) throw new NotFoundError(`流程实例 ${job.instanceId} 不存在`, 'INSTANCE_NOT_FOUND');
  if (parent.status !== 'running') throw new ConflictError('流程实例已结束', 'INSTANCE_ENDED');
  const parentDef = await deps.definitions.byId(parent.definitionId);
  const call = parentDef.element(job.elementId)?.call;
  if (!call) throw new Error(`调用活动 ${job.elementId} 不存在`);
  const def =
    call.binding === 'version' ? await deps.definitions.byId(`${call.calledElement}:${call.version}`) : (await deps.definitions.latest(call.calledElement)).def;
  const start = def.model.startEvents.find((s) => s.kind === 'none');
  if (!start) throw new Error(`被调用的流程 ${call.calledElement} 没有无触发的开始事件`);
  const { childId, locals } = job.payload as { childId: string; locals?: Record<string, unknown> };
  await deps.steps.start(def, start.id, {
    id: childId,
    businessKey: childBusinessKey(call, parent),
    variables: mapVariables(call.ins, locals ? { ...parent.variables, ...locals } : parent.variables),
    by: parent.startedBy,
    parent: { instanceId: parent.id, executionId: job.executionId!, rootInstanceId: parent.rootInstanceId ?? parent.id },
    history: [{ instanceId: childId, type: 'call.started', elementId: job.elementId, actor: 'system', at: deps.clock.now(), data: { parentInstanceId: parent.id } }],
    also: [deleteLeasedJobStmt(job.id, deps.node)],
  });
}

export async function runCallReturnJob(deps: CallJobDeps, job: JobRow): Promise<void> {
  const p = job.payload as { childId: string; status: 'completed' | 'cancelled'; variables: Record<string, unknown> };
  if (p.status === 'cancelled') throw new Error(`子流程 ${p.childId} 已被撤销，调用活动无法继续`);
  await deps.steps.run(job.instanceId!, 'system', (ctx) => {
    ctx.also.push(deleteLeasedJobStmt(job.id, deps.node));
    const elementId = ctx.live.callElement(job.executionId!);
    if (!elementId) return; // the call activity was interrupted meanwhile
    const call = ctx.live.def.element(elementId)?.call;
    const output = call ? mapVariables(call.outs, p.variables ?? {}) : {};
    ctx.history.push({
      instanceId: ctx.instance.id,
      type: 'call.completed',
      elementId,
      executionId: job.executionId,
      actor: 'system',
      at: deps.clock.now(),
      data: { childId: p.childId },
    });
    ctx.live.completeCall(job.executionId!, output); // writes the output (instance, scope, or the loop's output)
  });
}
