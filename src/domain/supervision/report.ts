import type { Knex } from 'knex';
import { beijingDate, type WorkCalendar } from '../../lib/workdays.ts';
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
import { listUnits, organisationSince } from '../../store/org.ts';
import { loginCompliance } from './logins.ts';
import { registerFindings } from './register.ts';
import { deploymentFindings, oversightFindings, passwordFindings, type OversightOptions } from './report-audit.ts';
import { isoWeekOf, monthOf, type Period } from './periods.ts';
import { appraisalStats } from './stats.ts';

/**
 * The compliance report: the regulation article by article (3, 4, 5, 6, 7, 8, 9, 10, 11, 13) and,
 * for a period, whether the platform's own records show it was kept. Every finding is computed
 * from the data; `status` is `ok`, `attention` (a shortfall to look at) or `info`.
 */
export type Status = 'ok' | 'attention' | 'info';

export interface Finding {
  status: Status;
  text: string;
}

export interface ArticleReport {
  article: number;
  title: string;
  status: Status;
  findings: Finding[];
}

export interface ComplianceReport {
  period: { from: string; to: string };
  generatedAt: string;
  articles: ArticleReport[];
}

const yuan = (fen: number) => `${(fen / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元`;

function article(n: number, title: string, findings: Finding[]): ArticleReport {
  const status: Status = findings.some((f) => f.status === 'attention') ? 'attention' : findings.some((f) => f.status === 'ok') ? 'ok' : 'info';
  return { article: n, title, status, findings };
}

/** Default for how many days an item change may reach the platform after the 三合一 platform (SUNSHINE_LAG_DAYS). */
export const DEFAULT_SUNSHINE_LAG_DAYS = 30;

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

/** Options: the 三合一 lag allowed (SUNSHINE_LAG_DAYS), and which processes' cases need a second person to cancel. */
export interface ReportOptions extends OversightOptions {
  sunshineLagDays?: number;
}

/** Usage: `await complianceReport(db, engine.calendar, period, now, { sunshineLagDays: 30, cancelNeedsApproval })`. */
export async function complianceReport(db: Knex, calendar: WorkCalendar, period: Period, now: number, opts: ReportOptions = {}): Promise<ComplianceReport> {
  const lagDays = opts.sunshineLagDays ?? DEFAULT_SUNSHINE_LAG_DAYS;
  const { from, to } = period;
  const end = Math.min(to, now);
  const units = await listUnits(db);
  const articles: ArticleReport[] = [];
  // Weeks, months and periods that ended before the platform went live are not held against anyone.
  const since = (await organisationSince(db)) ?? from;

  // Art. 3: powers and large self-built projects run online, on catalog items only.
  // Counted from the self-built-project procedure's instances, not from a flag on the register.
  const projects = await projectsRequiringOnline(db, PROJECT_PROCESS);
  const offline = projects.filter((p) => !p.instanceId);
  const finished = projects.filter((p) => p.runStatus === 'completed').length;
  const projectWarnings = await listProjectWarnings(db, { from, to });
  const catalog = await catalogCounts(db);
  const cases = await casesStartedIn(db, from, to);
  articles.push(
    article(3, '权力事项和 30 万元以上自建工程网上运行', [
      {
        status: offline.length ? 'attention' : 'ok',
        text: projects.length
          ? `一次性投资 30 万元以上的自建工程 ${projects.length} 个，${offline.length ? `其中 ${offline.length} 个未在网上运行：${offline.map((p) => `${p.name}（${yuan(p.investmentFen)}）`).join('、')}` : '全部在网上运行'}`
          : '没有一次性投资 30 万元以上的自建工程',
      },
      ...(projects.length - offline.length
        ? [{ status: 'info' as const, text: `在“自建工程项目”流程中运行 ${projects.length - offline.length} 个（办理中 ${projects.length - offline.length - finished} 个，已归档 ${finished} 个）` }]
        : []),
      ...(projectWarnings.length
        ? [{ status: 'attention' as const, text: `本期自建工程风险预警 ${projectWarnings.length} 条：${projectWarnings.map((w) => w.text).join('；')}` }]
        : []),
      { status: 'info', text: `权力事项目录：在用 ${catalog.active} 项，已停用 ${catalog.retired} 项；本期网上办理权力事项 ${cases.length} 件` },
    ]),
  );

  // Art. 4: online operation in the appraisal.
  const stats = await appraisalStats(db, calendar, { from, to: end, now });
  const handled = stats.people.reduce((n, p) => n + p.handled, 0);
  const late = stats.people.reduce((n, p) => n + p.red, 0);
  articles.push(
    article(4, '网上运行情况纳入绩效考核', [
      { status: 'info', text: `本期办结任务 ${handled} 件，超期办结 ${late} 件，涉及 ${stats.people.filter((p) => p.handled).length} 人、${stats.units.length} 个单位（详见考核统计）` },
    ]),
  );

  // Art. 5: supervision logs in ≥ 3 times a week; contact persons regularly; monthly provincial upload.
  const art5: Finding[] = [];
  if (since > from) art5.push({ status: 'info', text: `平台自 ${beijingDate(since)} 起运行，此前的周、月不计` });
  for (let w = isoWeekOf(from); w.from < end; w = isoWeekOf(w.to)) {
    if (w.to <= since) continue;
    if (w.to > now) {
      art5.push({ status: 'info', text: `${w.key} 尚未结束` });
      continue;
    }
    const lines = (await loginCompliance(db, w.key, now)).lines.filter((l) => !l.exempt);
    if (!lines.length) {
      art5.push({ status: 'info', text: `第 ${w.key.slice(6)} 周：监察室人员和联络员的账号均在本周开始后才建立，不计` });
      continue;
    }
    for (const l of lines.filter((x) => x.role === 'supervision')) {
      art5.push({ status: l.ok ? 'ok' : 'attention', text: `监察室 ${l.displayName} 第 ${w.key.slice(6)} 周登录 ${l.logins}/${l.required} 次` });
    }
    const contacts = lines.filter((x) => x.role === 'contact');
    const shortContacts = contacts.filter((x) => !x.ok);
    art5.push({
      status: shortContacts.length ? 'attention' : 'ok',
      text: shortContacts.length
        ? `第 ${w.key.slice(6)} 周有 ${shortContacts.length} 名联络员未登录：${shortContacts.map((x) => `${x.unitName ?? ''}${x.displayName}`).join('、')}`
        : `第 ${w.key.slice(6)} 周 ${contacts.length} 名单位联络员均已登录`,
    });
  }
  for (let m = monthOf(from); m.from < end; m = monthOf(m.to)) {
    if (m.to <= since) continue;
    const uploads = await uploadsDoneIn(db, m.from, m.to);
    if (uploads.length) art5.push({ status: 'ok', text: `省平台数据上传已于 ${uploads.map((u) => beijingDate(u.uploadedAt!)).join('、')} 完成（${m.key}）` });
    else art5.push({ status: m.to > now ? 'info' : 'attention', text: m.to > now ? `${m.key} 尚无省平台上传记录（本月尚未结束）` : `${m.key} 没有向省平台上传数据` });
  }
  art5.push(...(await registerFindings(db, end)));
  articles.push(article(5, '监察室每周登录不少于 3 次；联络员定期登录；每月向省平台上传', art5));

  // Art. 6: districts report periodically.
  const imports = await districtImportsIn(db, from, to);
  const districts = units.filter((u) => u.kind === 'district');
  const reported = new Set(imports.map((i) => i.districtId));
  articles.push(
    article(6, '辖市（区）定期报送权力运行情况', [
      ...districts
        .filter((d) => reported.has(d.id))
        .map((d) => ({ status: 'ok' as const, text: `${d.name} 已报送 ${imports.filter((i) => i.districtId === d.id).reduce((n, i) => n + i.operations, 0)} 条（${imports.filter((i) => i.districtId === d.id).map((i) => beijingDate(i.importedAt)).join('、')}）` })),
      ...(districts.some((d) => !reported.has(d.id))
        ? [
            to <= since
              ? { status: 'info' as const, text: `本期在平台运行（${beijingDate(since)} 起）之前，不计` }
              : to > now
                ? { status: 'info' as const, text: `本期尚未结束，尚未报送：${districts.filter((d) => !reported.has(d.id)).map((d) => d.name).join('、')}` }
                : { status: 'attention' as const, text: `本期未报送：${districts.filter((d) => !reported.has(d.id)).map((d) => d.name).join('、')}` },
          ]
        : []),
    ]),
  );

  // Art. 7: deletions only through the procedure, performed by supervision.
  const deletions = await deletionsIn(db, from, to);
  articles.push(
    article(7, '数据删除经处室负责人同意、报监察室备案并由监察室删除', [
      {
        status: deletions.every((d) => d.instanceId) ? 'ok' : 'attention',
        text: deletions.length ? `本期删除数据 ${deletions.length} 条，均经删除审批流程，由监察室执行并存档（可恢复）；已恢复 ${deletions.filter((d) => d.status === 'restored').length} 条` : '本期没有删除数据',
      },
    ]),
  );

  // Art. 8: catalog changes through the item-change procedure, after the 三合一 platform.
  // The catalog as entered when the platform was set up (by `system`) is not a change.
  const versions = (await itemVersionsIn(db, from, to)).filter((v) => v.changedBy !== 'system');
  const outside = versions.filter((v) => !v.instanceId);
  const noRef = versions.filter((v) => !v.sunshineRef);
  const lateChanges = lateItemChanges(versions, lagDays);
  const lateText = lateChanges.map((v) => `${v.code}（三合一 ${v.sunshineDate}，本平台 ${beijingDate(v.changedAt)}，滞后 ${v.lagDays} 天）`).join('、');
  articles.push(
    article(8, '权力事项变更先经“三合一”平台，再经审批、备案后由软件公司调整', [
      {
        status: outside.length || noRef.length ? 'attention' : versions.length ? 'ok' : 'info',
        text: versions.length
          ? `本期权力事项变更 ${versions.length} 次${outside.length ? `，其中 ${outside.length} 次未经变更流程` : '，均经变更流程审批、备案'}${noRef.length ? `；${noRef.length} 次缺少“三合一”平台变更编号` : ''}`
          : '本期没有权力事项变更',
      },
      ...(lateChanges.length ? [{ status: 'attention' as Status, text: `${lateChanges.length} 次变更在“三合一”平台变更后超过 ${lagDays} 天才在本平台调整：${lateText}` }] : []),
      ...(await deploymentFindings(db, from, to)),
    ]),
  );

  // Art. 9: user and permission changes through the procedure.
  const changes = (await orgChangesIn(db, from, to)).filter((c) => c.by !== 'system');
  const direct = changes.filter((c) => !c.instanceId);
  articles.push(
    article(9, '用户及权限调整经批准、备案后由软件公司调整', [
      {
        status: direct.length ? 'attention' : changes.length ? 'ok' : 'info',
        text: changes.length ? `本期用户及权限调整 ${changes.length} 项${direct.length ? `，其中 ${direct.length} 项未经调整流程` : '，均经调整流程'}` : '本期没有用户及权限调整',
      },
    ]),
  );

  // Art. 10: faults reported the same day.
  const faults = await faultReportsIn(db, from, to);
  const lateFaults = faults.filter((f) => !f.sameDay);
  articles.push(
    article(10, '设备故障当天报修', [
      {
        status: lateFaults.length ? 'attention' : faults.length ? 'ok' : 'info',
        text: faults.length ? `本期故障报修 ${faults.length} 次，当天报修 ${faults.length - lateFaults.length} 次${lateFaults.length ? `，未当天报修 ${lateFaults.length} 次（由当事人负责）` : ''}` : '本期没有故障报修',
      },
    ]),
  );

  // Art. 11: accounts and passwords.
  const signIns = await signInCounts(db, from, to);
  const suggestions = await suggestionsIn(db, from, to);
  articles.push(
    article(11, '严格按权限操作，妥善保管账号密码', [
      { status: 'info', text: `本期登录成功 ${signIns.ok} 次，失败 ${signIns.failed} 次，账号锁定后的尝试 ${signIns.locked} 次` },
      {
        status: suggestions.some((s) => s.status !== 'dismissed') ? 'attention' : 'ok',
        text: suggestions.length ? `疑似账号共用或出借 ${suggestions.length} 起（待确认 ${suggestions.filter((s) => s.status === 'open').length} 起）` : '未发现疑似账号共用或出借',
      },
      ...(await passwordFindings(db, from, to)),
    ]),
  );

  // Art. 13: accountability.
  const acc = await accountabilityCasesIn(db, from, to);
  const byCategory = [1, 2, 3, 4, 5].map((c) => acc.filter((a) => a.category === c).length);
  articles.push(
    article(13, '责任追究', [
      {
        status: 'info',
        text: acc.length
          ? `本期立案 ${acc.length} 起（第（一）至（五）项：${byCategory.join('、')} 起），其中平台自动立案 ${acc.filter((a) => a.source !== 'manual').length} 起，已作出决定 ${acc.filter((a) => a.status === 'decided').length} 起`
          : '本期没有责任追究案件',
      },
      ...(lateChanges.length
        ? [{ status: 'attention' as Status, text: `第（四）项线索：权力事项信息未及时变更 ${lateChanges.length} 次（超过 ${lagDays} 天）：${lateText}` }]
        : []),
      ...(await oversightFindings(db, from, to, opts)),
    ]),
  );

  return { period: { from: beijingDate(from), to: beijingDate(to - 1) }, generatedAt: new Date(now).toISOString(), articles };
}

