import { beijingDate } from '../../lib/workdays.ts';
import {
  accountabilityCasesIn,
  casesStartedIn,
  catalogCounts,
  deletionsIn,
  districtImportsIn,
  faultReportsIn,
  itemVersionsIn,
  orgChangesIn,
  projectsRequiringOnline,
  signInCounts,
  suggestionsIn,
} from '../../store/compliance-report.ts';
import { uploadsDoneIn } from '../../store/exchange.ts';
import { listProjectWarnings } from '../../store/projects.ts';
import { PROJECT_PROCESS } from '../projects/procedure.ts';
import { loginCompliance } from './logins.ts';
import { registerFindings } from './register.ts';
import { deploymentFindings, oversightFindings, passwordFindings } from './report-audit.ts';
import { article, yuan, type ArticleReport, type Finding, type ReportContext, type Status } from './report-model.ts';
import { ruleChangeFindings, schemeChangeFindings } from './report-monitors.ts';
import { isoWeekOf, monthOf } from './periods.ts';
import { appraisalStats } from './stats.ts';

/**
 * One function per article of the regulation (3, 4, 5, 6, 7, 8, 9, 10, 11, 13): each reads what
 * the period's records show and returns the article with its findings. Composed by
 * `complianceReport` (report.ts).
 */

/**
 * Item changes whose platform update lags the 三合一 platform's date by more than `lagDays` calendar
 * days (Art. 13(4): power information not changed in time), with the lag. Pure.
 * Usage: `lateItemChanges(versions, 30)`.
 */
export function lateItemChanges<T extends { sunshineDate: string | null; changedAt: number }>(versions: T[], lagDays: number): Array<T & { lagDays: number }> {
  return versions.flatMap((v) => {
    if (!v.sunshineDate || !/^\d{4}-\d{2}-\d{2}$/.test(v.sunshineDate)) return [];
    const lag = Math.round((Date.parse(beijingDate(v.changedAt)) - Date.parse(v.sunshineDate)) / 86_400_000);
    return lag > lagDays ? [{ ...v, lagDays: lag }] : [];
  });
}

/** The period's catalog changes by people (the catalog entered at set-up by `system` is not a change). */
async function itemChanges(ctx: ReportContext) {
  const versions = (await itemVersionsIn(ctx.db, ctx.from, ctx.to)).filter((v) => v.changedBy !== 'system');
  const late = lateItemChanges(versions, ctx.lagDays);
  const lateText = late.map((v) => `${v.code}（三合一 ${v.sunshineDate}，本平台 ${beijingDate(v.changedAt)}，滞后 ${v.lagDays} 天）`).join('、');
  return { versions, late, lateText };
}

/**
 * Art. 3: powers and large self-built projects run online, on catalog items only. Counted from the
 * self-built-project procedure's instances, not from a flag on the register.
 * Usage: `await article3(ctx)`.
 */
export async function article3(ctx: ReportContext): Promise<ArticleReport> {
  const projects = await projectsRequiringOnline(ctx.db, PROJECT_PROCESS);
  const offline = projects.filter((p) => !p.instanceId);
  const online = projects.length - offline.length;
  const finished = projects.filter((p) => p.runStatus === 'completed').length;
  const warnings = await listProjectWarnings(ctx.db, { from: ctx.from, to: ctx.to });
  const catalog = await catalogCounts(ctx.db);
  const cases = await casesStartedIn(ctx.db, ctx.from, ctx.to);
  return article(3, '权力事项和 30 万元以上自建工程网上运行', [
    {
      status: offline.length ? 'attention' : 'ok',
      text: projects.length
        ? `一次性投资 30 万元以上的自建工程 ${projects.length} 个，${offline.length ? `其中 ${offline.length} 个未在网上运行：${offline.map((p) => `${p.name}（${yuan(p.investmentFen)}）`).join('、')}` : '全部在网上运行'}`
        : '没有一次性投资 30 万元以上的自建工程',
    },
    ...(online ? [{ status: 'info' as const, text: `在“自建工程项目”流程中运行 ${online} 个（办理中 ${online - finished} 个，已归档 ${finished} 个）` }] : []),
    ...(warnings.length ? [{ status: 'attention' as const, text: `本期自建工程风险预警 ${warnings.length} 条：${warnings.map((w) => w.text).join('；')}` }] : []),
    { status: 'info', text: `权力事项目录：在用 ${catalog.active} 项，已停用 ${catalog.retired} 项；本期网上办理权力事项 ${cases.length} 件` },
  ]);
}

/**
 * Art. 4: online operation in the appraisal — the period's handling figures and every change of the
 * scoring scheme (who proposed, who approved, when, what), a change without a second person 不符合.
 * Usage: `await article4(ctx)`.
 */
export async function article4(ctx: ReportContext): Promise<ArticleReport> {
  const stats = await appraisalStats(ctx.db, ctx.calendar, { from: ctx.from, to: ctx.end, now: ctx.now });
  const handled = stats.people.reduce((n, p) => n + p.handled, 0);
  const late = stats.people.reduce((n, p) => n + p.red, 0);
  return article(4, '网上运行情况纳入绩效考核', [
    { status: 'info', text: `本期办结任务 ${handled} 件，超期办结 ${late} 件，涉及 ${stats.people.filter((p) => p.handled).length} 人、${stats.units.length} 个单位（详见考核统计）` },
    ...(await schemeChangeFindings(ctx.db, ctx.from, ctx.to)),
  ]);
}

/** Art. 5, weekly part: supervision ≥ 3 sign-ins, every contact person at least one. */
async function weeklyLogins(ctx: ReportContext): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let w = isoWeekOf(ctx.from); w.from < ctx.end; w = isoWeekOf(w.to)) {
    if (w.to <= ctx.since) continue;
    const week = w.key.slice(6);
    if (w.to > ctx.now) {
      out.push({ status: 'info', text: `${w.key} 尚未结束` });
      continue;
    }
    const lines = (await loginCompliance(ctx.db, w.key, ctx.now)).lines.filter((l) => !l.exempt);
    if (!lines.length) {
      out.push({ status: 'info', text: `第 ${week} 周：监察室人员和联络员的账号均在本周开始后才建立，不计` });
      continue;
    }
    for (const l of lines.filter((x) => x.role === 'supervision')) out.push({ status: l.ok ? 'ok' : 'attention', text: `监察室 ${l.displayName} 第 ${week} 周登录 ${l.logins}/${l.required} 次` });
    const contacts = lines.filter((x) => x.role === 'contact');
    const short = contacts.filter((x) => !x.ok);
    out.push({
      status: short.length ? 'attention' : 'ok',
      text: short.length ? `第 ${week} 周有 ${short.length} 名联络员未登录：${short.map((x) => `${x.unitName ?? ''}${x.displayName}`).join('、')}` : `第 ${week} 周 ${contacts.length} 名单位联络员均已登录`,
    });
  }
  return out;
}

/**
 * Art. 5: supervision logs in ≥ 3 times a week; contact persons regularly; monthly provincial
 * upload. Weeks and months that ended before the platform went live are not held against anyone.
 * Usage: `await article5(ctx)`.
 */
export async function article5(ctx: ReportContext): Promise<ArticleReport> {
  const findings: Finding[] = [];
  if (ctx.since > ctx.from) findings.push({ status: 'info', text: `平台自 ${beijingDate(ctx.since)} 起运行，此前的周、月不计` });
  findings.push(...(await weeklyLogins(ctx)));
  for (let m = monthOf(ctx.from); m.from < ctx.end; m = monthOf(m.to)) {
    if (m.to <= ctx.since) continue;
    const uploads = await uploadsDoneIn(ctx.db, m.from, m.to);
    if (uploads.length) findings.push({ status: 'ok', text: `省平台数据上传已于 ${uploads.map((u) => beijingDate(u.uploadedAt!)).join('、')} 完成（${m.key}）` });
    else findings.push({ status: m.to > ctx.now ? 'info' : 'attention', text: m.to > ctx.now ? `${m.key} 尚无省平台上传记录（本月尚未结束）` : `${m.key} 没有向省平台上传数据` });
  }
  findings.push(...(await registerFindings(ctx.db, ctx.end)));
  return article(5, '监察室每周登录不少于 3 次；联络员定期登录；每月向省平台上传', findings);
}

/** Art. 6: districts report periodically. Usage: `await article6(ctx)`. */
export async function article6(ctx: ReportContext): Promise<ArticleReport> {
  const imports = await districtImportsIn(ctx.db, ctx.from, ctx.to);
  const districts = ctx.units.filter((u) => u.kind === 'district');
  const reported = new Set(imports.map((i) => i.districtId));
  const missing = districts.filter((d) => !reported.has(d.id)).map((d) => d.name).join('、');
  const findings: Finding[] = districts
    .filter((d) => reported.has(d.id))
    .map((d) => {
      const mine = imports.filter((i) => i.districtId === d.id);
      return { status: 'ok', text: `${d.name} 已报送 ${mine.reduce((n, i) => n + i.operations, 0)} 条（${mine.map((i) => beijingDate(i.importedAt)).join('、')}）` };
    });
  if (missing) {
    if (ctx.to <= ctx.since) findings.push({ status: 'info', text: `本期在平台运行（${beijingDate(ctx.since)} 起）之前，不计` });
    else if (ctx.to > ctx.now) findings.push({ status: 'info', text: `本期尚未结束，尚未报送：${missing}` });
    else findings.push({ status: 'attention', text: `本期未报送：${missing}` });
  }
  return article(6, '辖市（区）定期报送权力运行情况', findings);
}

/** Art. 7: deletions only through the procedure, performed by supervision. Usage: `await article7(ctx)`. */
export async function article7(ctx: ReportContext): Promise<ArticleReport> {
  const deletions = await deletionsIn(ctx.db, ctx.from, ctx.to);
  return article(7, '数据删除经处室负责人同意、报监察室备案并由监察室删除', [
    {
      status: deletions.every((d) => d.instanceId) ? 'ok' : 'attention',
      text: deletions.length ? `本期删除数据 ${deletions.length} 条，均经删除审批流程，由监察室执行并存档（可恢复）；已恢复 ${deletions.filter((d) => d.status === 'restored').length} 条` : '本期没有删除数据',
    },
  ]);
}

/** Art. 8: catalog changes through the item-change procedure, after the 三合一 platform; deployments approved. Usage: `await article8(ctx)`. */
export async function article8(ctx: ReportContext): Promise<ArticleReport> {
  const { versions, late, lateText } = await itemChanges(ctx);
  const outside = versions.filter((v) => !v.instanceId);
  const noRef = versions.filter((v) => !v.sunshineRef);
  return article(8, '权力事项变更先经“三合一”平台，再经审批、备案后由软件公司调整', [
    {
      status: outside.length || noRef.length ? 'attention' : versions.length ? 'ok' : 'info',
      text: versions.length
        ? `本期权力事项变更 ${versions.length} 次${outside.length ? `，其中 ${outside.length} 次未经变更流程` : '，均经变更流程审批、备案'}${noRef.length ? `；${noRef.length} 次缺少“三合一”平台变更编号` : ''}`
        : '本期没有权力事项变更',
    },
    ...(late.length ? [{ status: 'attention' as Status, text: `${late.length} 次变更在“三合一”平台变更后超过 ${ctx.lagDays} 天才在本平台调整：${lateText}` }] : []),
    ...(await deploymentFindings(ctx.db, ctx.from, ctx.to)),
  ]);
}

/** Art. 9: user and permission changes through the procedure. Usage: `await article9(ctx)`. */
export async function article9(ctx: ReportContext): Promise<ArticleReport> {
  const changes = (await orgChangesIn(ctx.db, ctx.from, ctx.to)).filter((c) => c.by !== 'system');
  const direct = changes.filter((c) => !c.instanceId);
  return article(9, '用户及权限调整经批准、备案后由软件公司调整', [
    {
      status: direct.length ? 'attention' : changes.length ? 'ok' : 'info',
      text: changes.length ? `本期用户及权限调整 ${changes.length} 项${direct.length ? `，其中 ${direct.length} 项未经调整流程` : '，均经调整流程'}` : '本期没有用户及权限调整',
    },
  ]);
}

/** Art. 10: faults reported the same day. Usage: `await article10(ctx)`. */
export async function article10(ctx: ReportContext): Promise<ArticleReport> {
  const faults = await faultReportsIn(ctx.db, ctx.from, ctx.to);
  const late = faults.filter((f) => !f.sameDay);
  return article(10, '设备故障当天报修', [
    {
      status: late.length ? 'attention' : faults.length ? 'ok' : 'info',
      text: faults.length ? `本期故障报修 ${faults.length} 次，当天报修 ${faults.length - late.length} 次${late.length ? `，未当天报修 ${late.length} 次（由当事人负责）` : ''}` : '本期没有故障报修',
    },
  ]);
}

/** Art. 11: accounts and passwords. Usage: `await article11(ctx)`. */
export async function article11(ctx: ReportContext): Promise<ArticleReport> {
  const signIns = await signInCounts(ctx.db, ctx.from, ctx.to);
  const suggestions = await suggestionsIn(ctx.db, ctx.from, ctx.to);
  return article(11, '严格按权限操作，妥善保管账号密码', [
    { status: 'info', text: `本期登录成功 ${signIns.ok} 次，失败 ${signIns.failed} 次，账号锁定后的尝试 ${signIns.locked} 次` },
    {
      status: suggestions.some((s) => s.status !== 'dismissed') ? 'attention' : 'ok',
      text: suggestions.length ? `疑似账号共用或出借 ${suggestions.length} 起（待确认 ${suggestions.filter((s) => s.status === 'open').length} 起）` : '未发现疑似账号共用或出借',
    },
    ...(await passwordFindings(ctx.db, ctx.from, ctx.to)),
  ]);
}

/**
 * Art. 13: accountability — the cases, late item changes as item (4) leads, and the overseers'
 * own acts: cancels, dismissals and every change of the monitoring rules.
 * Usage: `await article13(ctx)`.
 */
export async function article13(ctx: ReportContext): Promise<ArticleReport> {
  const acc = await accountabilityCasesIn(ctx.db, ctx.from, ctx.to);
  const byCategory = [1, 2, 3, 4, 5].map((c) => acc.filter((a) => a.category === c).length);
  const { late, lateText } = await itemChanges(ctx);
  return article(13, '责任追究', [
    {
      status: 'info',
      text: acc.length
        ? `本期立案 ${acc.length} 起（第（一）至（五）项：${byCategory.join('、')} 起），其中平台自动立案 ${acc.filter((a) => a.source !== 'manual').length} 起，已作出决定 ${acc.filter((a) => a.status === 'decided').length} 起`
        : '本期没有责任追究案件',
    },
    ...(late.length ? [{ status: 'attention' as Status, text: `第（四）项线索：权力事项信息未及时变更 ${late.length} 次（超过 ${ctx.lagDays} 天）：${lateText}` }] : []),
    ...(await oversightFindings(ctx.db, ctx.from, ctx.to, ctx.opts)),
    ...(await ruleChangeFindings(ctx.db, ctx.from, ctx.to)),
  ]);
}
