import type { Knex } from 'knex';
import { beijingDate } from '../../lib/workdays.ts';
import { getSchemeChange, listSchemeChanges, schemeVersions, type SchemeChangeRow, type SchemeRow } from '../../store/appraisal.ts';
import { listRuleChanges, listRules, type RuleChangeRow, type RuleRow } from '../../store/monitoring-rules.ts';
import { listUsers } from '../../store/org.ts';
import type { Finding } from './report-model.ts';
import { RULE_KINDS } from './rule-kinds.ts';
import { describeSchemeChange, schemeOf } from './scheme.ts';

/**
 * Changes to the monitors themselves (issue 18, item 4): every change of a monitoring rule
 * (Art. 13) and of the appraisal scheme (Art. 4) in the period — who proposed, who decided, when,
 * what changed — and, read from the rules and scheme versions actually in force, any that did not
 * come from a change a second person approved, or whose content differs from what was approved,
 * as 不符合. The supervision office cannot hide a change of its own yardsticks.
 */

/** Keys sorted at every level, so two JSON values compare by content. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

type Names = (id: string | null) => string;

async function namesOf(db: Knex, ids: Array<string | null>): Promise<Names> {
  const wanted = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  const users = wanted.length ? await listUsers(db, { ids: wanted }) : [];
  const byId = new Map(users.map((u) => [u.id, u.displayName]));
  return (id) => (id ? (byId.get(id) ?? id) : '（无）');
}

const inPeriod = (at: number | null, from: number, to: number) => at !== null && at >= from && at < to;
const touches = (c: { requestedAt: number; decidedAt: number | null }, from: number, to: number) => inPeriod(c.requestedAt, from, to) || inPeriod(c.decidedAt, from, to);

/** Who asked and who decided, in words: `王某于 2026-12-01 提出（理由：…）；李某于 2026-12-02 批准`. */
function proceedings(c: RuleChangeRow | SchemeChangeRow, name: Names, result = ''): string {
  const asked = `${name(c.requestedBy)} 于 ${beijingDate(c.requestedAt)} 提出（理由：${c.reason}）`;
  if (c.status === 'pending') return `${asked}，待局纪委审批`;
  const verb = c.status === 'approved' ? '批准' : '驳回';
  return `${asked}；${name(c.decidedBy)} 于 ${beijingDate(c.decidedAt ?? c.requestedAt)} ${verb}${c.comment ? `（${c.comment}）` : ''}${result}`;
}

const LEVEL: Record<string, string> = { yellow: '黄色', red: '红色' };
const show = (v: unknown) => (v === undefined || v === null || v === '' ? '无' : Array.isArray(v) ? v.join('、') : String(v));

/** A rule as a change records it (before / proposal). */
interface RuleShape {
  kind: string;
  name?: string;
  processKey?: string | null;
  elementId?: string | null;
  level?: string;
  params?: Record<string, unknown>;
  enabled?: boolean;
}

/** What a rule change changes, field by field, in the words of the rule page. Usage: `describeRuleDiff(change.before, change.proposal)`. */
export function describeRuleDiff(before: RuleShape | null, after: RuleShape): string {
  const kind = RULE_KINDS[after.kind];
  if (!before) {
    const params = Object.entries(after.params ?? {}).map(([k, v]) => `${kind?.params[k]?.label ?? k} ${show(v)}`).join('，');
    return `新建（${kind?.name ?? after.kind}；适用 ${after.processKey ?? '无'}${after.elementId ? ` / ${after.elementId}` : ''}；${LEVEL[after.level ?? ''] ?? after.level}；${params || '无参数'}）`;
  }
  const parts: string[] = [];
  if (before.name !== after.name) parts.push(`名称 ${show(before.name)}→${show(after.name)}`);
  if ((before.processKey ?? null) !== (after.processKey ?? null) || (before.elementId ?? null) !== (after.elementId ?? null)) parts.push(`适用 ${show(before.processKey)}/${show(before.elementId)}→${show(after.processKey)}/${show(after.elementId)}`);
  if (before.level !== after.level) parts.push(`级别 ${LEVEL[before.level ?? ''] ?? before.level}→${LEVEL[after.level ?? ''] ?? after.level}`);
  for (const k of new Set([...Object.keys(before.params ?? {}), ...Object.keys(after.params ?? {})])) {
    if (canon(before.params?.[k]) !== canon(after.params?.[k])) parts.push(`${kind?.params[k]?.label ?? k} ${show(before.params?.[k])}→${show(after.params?.[k])}`);
  }
  if ((before.enabled !== false) !== (after.enabled !== false)) parts.push(after.enabled === false ? '停用' : '重新启用');
  return parts.length ? `修改（${parts.join('；')}）` : '修改（内容无变化）';
}

const ruleContent = (r: { kind: unknown; name: unknown; processKey?: unknown; elementId?: unknown; level: unknown; params?: unknown; enabled?: unknown }) =>
  canon({ kind: r.kind, name: r.name, processKey: r.processKey ?? null, elementId: r.elementId ?? null, level: r.level, params: r.params ?? {}, enabled: r.enabled !== false });

/** Why a rule in force is not backed by a second person's approval of exactly its content, or null. */
function ruleBypass(r: RuleRow, change: RuleChangeRow | undefined): string | null {
  if (!change || change.ruleId !== r.id) return '没有对应的变更审批';
  if (change.status !== 'approved') return `对应的变更${change.status === 'pending' ? '尚未审批' : '已被驳回'}`;
  if (!change.decidedBy || change.decidedBy === change.requestedBy) return '由提出人本人审批';
  if (r.approvedBy !== change.decidedBy) return `记载的审批人 ${r.approvedBy} 与实际审批人 ${change.decidedBy} 不符`;
  if (ruleContent(r) !== ruleContent(change.proposal as RuleRow)) return '现行内容与批准的内容不一致';
  return null;
}

/**
 * Art. 13: the monitoring rules' changes in the period (each with proposer, approver, dates and
 * the difference) and 不符合 for every rule in force that no second person approved as it stands —
 * in every period until put right, since a direct edit need not leave a trustworthy date.
 * Usage: `...(await ruleChangeFindings(db, from, to))`.
 */
export async function ruleChangeFindings(db: Knex, from: number, to: number): Promise<Finding[]> {
  const all = await listRuleChanges(db);
  const byId = new Map(all.map((c) => [c.id, c]));
  const rules = await listRules(db);
  const changes = all.filter((c) => touches(c, from, to)).reverse();
  // A rule in force without its approval is a standing violation: shown in every period's report.
  const bypass = rules.flatMap((r) => {
    const why = ruleBypass(r, byId.get(r.changeId));
    return why ? [{ r, why }] : [];
  });
  const name = await namesOf(db, [...changes.flatMap((c) => [c.requestedBy, c.decidedBy]), ...bypass.flatMap((b) => [b.r.requestedBy, b.r.approvedBy])]);
  const findings: Finding[] = bypass.map(({ r, why }) => ({
    status: 'attention',
    text: `不符合：监察规则“${r.name}”第 ${r.version} 版（${beijingDate(r.updatedAt)} 生效）未经第二人审批：${why}（记载提出人 ${name(r.requestedBy)}，审批人 ${name(r.approvedBy)}）`,
  }));
  for (const c of changes) {
    const ruleName = String(c.proposal.name ?? c.before?.name ?? c.ruleId);
    const what = describeRuleDiff(c.before as RuleShape | null, c.proposal as RuleShape);
    findings.push({ status: c.status === 'approved' ? 'ok' : 'info', text: `监察规则变更“${ruleName}”${what}：${proceedings(c, name)}` });
  }
  if (!findings.length) findings.push({ status: 'info', text: '本期监察规则没有变更' });
  return findings;
}

/** Why a scheme version is not backed by a second person's approval of exactly its content, or null. */
function schemeBypass(v: SchemeRow, change: SchemeChangeRow | undefined): string | null {
  if (!change) return '没有对应的变更审批';
  if (change.status !== 'approved') return `对应的变更${change.status === 'pending' ? '尚未审批' : '已被驳回'}`;
  if (!change.decidedBy || change.decidedBy === change.requestedBy) return '由提出人本人审批';
  if (v.approvedBy !== change.decidedBy) return `记载的审批人 ${v.approvedBy} 与实际审批人 ${change.decidedBy} 不符`;
  if (canon(schemeOf(v.scheme)) !== canon(schemeOf(change.proposal))) return '该版内容与批准的内容不一致';
  return null;
}

/**
 * Art. 4: the appraisal scheme's changes in the period (proposer, approver, dates, weights and
 * deductions before → after) and 不符合 for every scheme version that no second person approved as
 * it stands (the version in force, one made in the period, or any whose content differs from its approval).
 * Usage: `...(await schemeChangeFindings(db, from, to))`.
 */
export async function schemeChangeFindings(db: Knex, from: number, to: number): Promise<Finding[]> {
  const versions = await schemeVersions(db);
  const bypass: Array<{ v: SchemeRow; why: string }> = [];
  for (const [i, v] of versions.entries()) {
    const why = schemeBypass(v, v.changeId ? await getSchemeChange(db, v.changeId) : undefined);
    // The version in force and altered versions always show; a superseded one in its own period.
    if (why && (i === 0 || inPeriod(v.createdAt, from, to) || why === '该版内容与批准的内容不一致')) bypass.push({ v, why });
  }
  const changes = (await listSchemeChanges(db)).filter((c) => touches(c, from, to)).reverse();
  const name = await namesOf(db, [...changes.flatMap((c) => [c.requestedBy, c.decidedBy]), ...bypass.flatMap((b) => [b.v.requestedBy, b.v.approvedBy])]);
  const findings: Finding[] = bypass.map(({ v, why }) => ({
    status: 'attention',
    text: `不符合：考核评分方案第 ${v.version} 版（${beijingDate(v.createdAt)} 生效）未经第二人审批：${why}（记载提出人 ${name(v.requestedBy)}，审批人 ${name(v.approvedBy)}）`,
  }));
  for (const c of changes) {
    const made = versions.find((v) => v.changeId === c.id);
    const what = describeSchemeChange(schemeOf(c.before), schemeOf(c.proposal));
    findings.push({ status: c.status === 'approved' ? 'ok' : 'info', text: `考核评分方案变更（${what}）：${proceedings(c, name, made ? `，形成第 ${made.version} 版` : '')}` });
  }
  if (!findings.length) findings.push({ status: 'info', text: '本期考核评分方案没有变更' });
  return findings;
}
