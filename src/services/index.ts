import { noticeStep } from '../domain/case-notices.ts';
import type { Knex } from 'knex';
import type { Clock } from '../clock.ts';
import type { EngineService } from '../engine/service.ts';
import { SYSTEM, type FormDataProvider, type Handler, type TaskCheck } from '../engine/types.ts';
import type { EffectAuditor } from '../engine/guards.ts';
import type { Directory } from '../engine/dialects/directory.ts';
import { listGroups, listUsers } from '../store/org.ts';
import { appendAudit } from '../domain/audit.ts';
import { orgFunctionsProvider } from '../domain/org-expressions.ts';
import { GUARDS } from './guards.ts';
import { accountabilityHandlers } from './accountability.ts';
import { cancellationHandlers } from './cancellation.ts';
import { complaintHandlers } from './complaints.ts';
import { catalogHandlers } from './catalog.ts';
import { deploymentChecks, deploymentHandlers } from './deployments.ts';
import { faultHandlers } from './faults.ts';
import { orgHandlers } from './org.ts';
import { passwordResetHandlers } from './password-resets.ts';
import { penaltyChecks, penaltyForms, penaltyHandlers, usePenaltyClock } from './penalty.ts';
import { projectChecks, projectForms, projectHandlers, useProjectClock } from './projects.ts';
import { recordForms, recordHandlers } from './records.ts';
import { rectificationHandlers, ruleChangeHandlers, useRectificationCalendar } from './monitoring.ts';
import { appraisalSchemeHandlers } from './appraisal.ts';

export interface ServiceDeps {
  db: Knex;
  engine: EngineService;
  clock: Clock;
}

/** Every service-task handler of the procedures in processes/, by camunda:topic. */
export const HANDLERS: Record<string, Handler> = {
  ...catalogHandlers,
  ...orgHandlers,
  ...recordHandlers,
  ...faultHandlers,
  ...complaintHandlers,
  ...accountabilityHandlers,
  ...penaltyHandlers,
  ...rectificationHandlers,
  ...projectHandlers,
};

/** Every completion check user tasks of processes/ declare (camunda:property completionCheck). */
export const CHECKS: Record<string, TaskCheck> = {
  ...penaltyChecks,
  ...projectChecks,
};

/** Platform data the forms in forms/ show (select options from `valuesKey`), by form key. */
export const FORM_DATA: Record<string, FormDataProvider> = {
  ...recordForms,
  ...penaltyForms,
  ...projectForms,
};

/** Effects and refused calls go into the audit trail in the step's transaction. */
const effectAuditor: EffectAuditor = (trx, e, at) =>
  appendAudit(trx, { actor: 'system', action: e.action, objectType: 'process-instance', objectId: e.instanceId, instanceId: e.instanceId, after: { processKey: e.processKey, element: e.elementId, ...e.after } }, at).then(() => undefined);

/**
 * Registers every service-task handler (camunda:topic) with its guard (src/services/guards.ts),
 * the completion checks the BPMN files in processes/ name, the forms' platform data, and the
 * auditor of effects. Throws if a handler has no guard: an unguarded effect would let any deployed
 * diagram call it. Must run before deploying, since deploy refuses a file naming an unregistered
 * handler or check.
 * Usage: `registerHandlers({ db, engine, clock })`.
 */
export function registerHandlers(deps: ServiceDeps, handlers: Record<string, Handler> = HANDLERS): void {
  const unguarded = Object.keys(handlers).filter((name) => !GUARDS[name]);
  if (unguarded.length) throw new Error(`处理程序没有声明调用权限（src/services/guards.ts）：${unguarded.join('、')}`);
  for (const [name, fn] of Object.entries(handlers)) deps.engine.registerHandler(name, fn, GUARDS[name]);
  for (const [name, fn] of Object.entries(CHECKS)) deps.engine.registerTaskCheck(name, fn);
  usePenaltyClock(deps.clock);
  useRectificationCalendar(() => deps.engine.calendar);
  useProjectClock(deps.clock);
  for (const [key, fn] of Object.entries(FORM_DATA)) deps.engine.registerFormData(key, fn);
  deps.engine.setEffectAuditor(effectAuditor);
  registerPlatformHandlers(deps.engine);
}

/**
 * The handlers and checks of the platform's own four-eyes procedures (platform-deployment,
 * platform-cancellation, platform-password-reset): every server needs them, since deploys,
 * cancellations of cases and password resets are requests these procedures decide.
 */
export function registerPlatformHandlers(engine: EngineService): void {
  const platform = { ...deploymentHandlers(engine), ...cancellationHandlers, ...passwordResetHandlers, ...ruleChangeHandlers, ...appraisalSchemeHandlers };
  for (const [name, fn] of Object.entries(platform)) {
    if (!GUARDS[name]) throw new Error(`处理程序没有声明调用权限（src/services/guards.ts）：${name}`);
    engine.registerHandler(name, fn, GUARDS[name]);
  }
  engine.setEffectAuditor(effectAuditor);
  // Steps the job runner makes (a timer's, a service task's, a message's) tell whoever gets a new
  // task and the applicant of a completed case, like steps people make.
  engine.setJobStepNotice((trx, result) => noticeStep(trx, result, { kind: 'case.step', actor: SYSTEM.id }, engine.clock.now(), engine).then(() => undefined));
  engine.setDirectory((db) => organisationDirectory(db));
  engine.setExpressionFunctions(orgFunctionsProvider(engine.clock));
  for (const [name, fn] of Object.entries(deploymentChecks)) engine.registerTaskCheck(name, fn);
}

/** The organisation as deploy checks see it: groups, and users who are not disabled. */
async function organisationDirectory(db: Knex): Promise<Directory> {
  const [groups, users] = await Promise.all([listGroups(db), listUsers(db)]);
  // The platform's own procedures are started by the platform itself: its principals exist too.
  return {
    groups: new Map([...groups.map((g): [string, string] => [g.id, g.name]), ['platform', '平台自身']]),
    users: new Map([...users.filter((u) => u.status !== 'disabled').map((u): [string, string] => [u.id, u.displayName]), [SYSTEM.id, '平台（系统）']]),
  };
}
