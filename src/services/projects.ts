import type { FormDataProvider, Handler, TaskCheck } from '../engine/types.ts';
import type { FieldError } from '../errors.ts';
import { beijingDate } from '../lib/workdays.ts';
import {
  archiveRun,
  decideChange,
  missedReport,
  recordAcceptance,
  recordChange,
  recordContract,
  recordFinalAccount,
  recordProgress,
  registerRun,
  type Step,
} from '../domain/projects/procedure.ts';
import { procurementProblems, reportMonthProblems, tenderProblems, thresholdsOf } from '../domain/projects/rules.ts';
import { getUser } from '../store/org.ts';
import { contractsOf, projectOfInstance } from '../store/projects.ts';
import { listProjects } from '../store/records.ts';

/** Handlers, completion checks and form data of self-built-project.bpmn (Art. 3, issue 17 item 1). */
const step = (c: Parameters<Handler>[0]): Step => ({ trx: c.trx, instanceId: c.instance.id, by: c.instance.startedBy, now: c.now });

export const projectHandlers: Record<string, Handler> = {
  /** 立项: enters (or puts online) the project and fixes the thresholds the run goes by. */
  'project.register': async (c) => {
    const manager = String(c.variables.projectManager ?? c.instance.startedBy);
    const user = await getUser(c.trx, manager);
    const run = await registerRun(step(c), c.variables, user?.unitId ?? '');
    return { ...run, ...thresholdsOf(c.properties) };
  },
  'project.contract': async (c) => recordContract(step(c), c.variables, thresholdsOf(c.variables)),
  'project.progress': async (c) => recordProgress(step(c), c.variables),
  'project.missedReport': async (c) => {
    await missedReport(step(c), c.variables);
    return { missedReports: Number(c.variables.missedReports ?? 0) + 1 };
  },
  'project.change': async (c) => recordChange(step(c), c.variables, thresholdsOf(c.variables)),
  'project.changeDecided': async (c) => decideChange(step(c), c.variables),
  'project.accepted': async (c) => {
    await recordAcceptance(step(c), c.variables);
  },
  'project.finalAccount': async (c) => recordFinalAccount(step(c), c.variables, thresholdsOf(c.variables)),
  'project.archive': async (c) => {
    await archiveRun(step(c));
  },
};

const n = (v: unknown) => Number(v);
let clockNow = () => Date.now();

/** The clock completion checks judge "this month" by (the engine's; set by registerHandlers). */
export function useProjectClock(clock: { now(): number }): void {
  clockNow = () => clock.now();
}

/** A check sees the instance's variables with the submitted values over them. */
const merged =
  (check: (v: Record<string, unknown>, ctx: Parameters<TaskCheck>[0]) => ReturnType<TaskCheck>): TaskCheck =>
  (ctx) =>
    check({ ...ctx.instance.variables, ...ctx.variables }, ctx);

export const projectChecks: Record<string, TaskCheck> = {
  /** 采购方式: 公开招标 at or above the tender threshold; a lot within the remaining budget. */
  'project.procurement': merged(async (variables, { db, instance }) => {
    const p = await projectOfInstance(db, instance.id);
    const spent = p ? (await contractsOf(db, p.id)).reduce((s, x) => s + x.amount, 0) : 0;
    const budget = n(variables.budget);
    return procurementProblems({ lotBudget: n(variables.lotBudget), method: String(variables.procurementMethod ?? ''), remaining: budget - spent }, thresholdsOf(variables));
  }),
  'project.tender': merged((variables) => tenderProblems(variables)),
  /** 合同: with the winner of the record, at no more than the winning price, signed by today. */
  'project.contract': merged((variables) => {
    const errors: FieldError[] = [];
    if (String(variables.vendor ?? '').trim() !== String(variables.winner ?? '').trim()) errors.push({ field: 'vendor', message: `合同相对方应为中标（成交）单位“${String(variables.winner ?? '')}”` });
    if (n(variables.contractAmount) > n(variables.bidAmount)) errors.push({ field: 'contractAmount', message: '合同金额不得高于中标（成交）金额' });
    if (String(variables.signedOn ?? '') > beijingDate(clockNow())) errors.push({ field: 'signedOn', message: '签订日期不能晚于今天' });
    return errors;
  }),
  'project.progress': merged((variables) => {
    const errors = reportMonthProblems(variables.reportMonth, variables.lastReportMonth, beijingDate(clockNow()));
    const last = n(variables.lastProgressPercent ?? 0);
    if (n(variables.progressPercent) < last) errors.push({ field: 'progressPercent', message: `累计完成比例不能低于上次报告的 ${last}%` });
    if (variables.constructionStatus === 'completed' && n(variables.progressPercent) < 100) errors.push({ field: 'progressPercent', message: '申请竣工验收时累计完成比例应为 100%' });
    return errors;
  }),
  'project.change': ({ variables }) => (n(variables.changeAmount) === 0 ? [{ field: 'changeAmount', message: '“变更金额”不能为 0' }] : []),
  'project.acceptance': ({ variables }) =>
    String(variables.acceptedOn ?? '') > beijingDate(clockNow()) ? [{ field: 'acceptedOn', message: '验收日期不能晚于今天' }] : [],
};

/** The 立项 form offers the unit's registered projects of ≥ 300,000 CNY not yet online, or a new one. */
const registeredProjects: FormDataProvider = async ({ db, actor }) => {
  const user = await getUser(db, actor.id);
  const offline = user?.unitId ? await listProjects(db, { unitId: user.unitId, onlineRequired: true, notOnline: true, limit: 200 }) : [];
  return { registeredProjects: [{ value: 'new', label: '新立项目' }, ...offline.map((p) => ({ value: p.id, label: `${p.id} · ${p.name}（登记投资 ${p.investment} 元，尚未网上运行）` }))] };
};

export const projectForms: Record<string, FormDataProvider> = {
  'self-built-project-apply': registeredProjects,
};
