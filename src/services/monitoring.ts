import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { appendAudit } from '../domain/audit.ts';
import { completerOf } from '../domain/approvals.ts';
import { ACCOUNTABILITY_MESSAGE } from '../domain/supervision/cases.ts';
import { ruleSnapshot } from '../domain/supervision/rule-changes.ts';
import { RULE_KINDS } from '../domain/supervision/rule-kinds.ts';
import type { Handler } from '../engine/types.ts';
import type { WorkCalendar } from '../lib/workdays.ts';
import { insertSuggestions } from '../store/compliance.ts';
import { changeByApproval, decideRuleChange, getRule, getRuleWarning, saveRule, updateRuleWarning, type RuleWarningRow } from '../store/monitoring-rules.ts';
import { insertNotifications } from '../store/notifications.ts';
import { getUnit } from '../store/org.ts';
import { activeMembers } from '../store/warnings.ts';

/** Working days the responsible unit has to answer a 督办 case; the 黄牌 comes when they are used up. */
export const ANSWER_WORKDAYS = 5;
/** Further working days without an answer before the 红牌 goes to the discipline committee. */
export const RED_CARD_AFTER_WORKDAYS = 3;

let calendarOf: () => WorkCalendar = () => {
  throw new Error('预警纠错：工作日历未设置');
};
/** The working calendar the 督办 deadlines are counted in (set when handlers are registered). */
export function useRectificationCalendar(fn: () => WorkCalendar): void {
  calendarOf = fn;
}

// ---- monitoring-rule-change.bpmn: the second person's decision on a rule change ----

async function decidedChange(ctx: Parameters<Handler>[0]) {
  const change = await changeByApproval(ctx.trx, ctx.instance.id);
  if (!change || change.status !== 'pending') throw new Error('规则变更不存在或已处理');
  const approver = await completerOf(ctx.trx, ctx.instance.id, 'Task_Approval');
  if (!approver || approver === change.requestedBy) throw new Error('规则变更未经第二人审批');
  const comment = typeof ctx.variables.comment === 'string' && ctx.variables.comment ? ctx.variables.comment : null;
  return { change, approver, comment };
}

export const ruleChangeHandlers: Record<string, Handler> = {
  /** Approved: the rule is written as proposed (a new version), the change closed, both audited. */
  'monitoring.applyRuleChange': async (ctx) => {
    const { change, approver, comment } = await decidedChange(ctx);
    const before = await getRule(ctx.trx, change.ruleId);
    const p = change.proposal;
    const rule = {
      id: change.ruleId,
      kind: p.kind,
      name: p.name,
      processKey: p.processKey ?? null,
      elementId: p.elementId ?? null,
      level: p.level,
      params: p.params ?? {},
      enabled: p.enabled !== false,
      version: (before?.version ?? 0) + 1,
      createdAt: before?.createdAt ?? ctx.now,
      updatedAt: ctx.now,
      requestedBy: change.requestedBy,
      approvedBy: approver,
      changeId: change.id,
    };
    await saveRule(ctx.trx, rule);
    await decideRuleChange(ctx.trx, change.id, { status: 'approved', decidedBy: approver, comment, at: ctx.now });
    await appendAudit(ctx.trx, { actor: approver, action: 'monitoring-rule.change-approved', objectType: 'monitoring-rule', objectId: rule.id, instanceId: ctx.instance.id, before: before ? ruleSnapshot(before) : null, after: { ...ruleSnapshot(rule), changeId: change.id, requestedBy: change.requestedBy, approvedBy: approver, comment } }, ctx.now);
    return { applied: true, ruleVersion: rule.version };
  },

  /** Rejected: the rule stays as it was. */
  'monitoring.rejectRuleChange': async (ctx) => {
    const { change, approver, comment } = await decidedChange(ctx);
    await decideRuleChange(ctx.trx, change.id, { status: 'rejected', decidedBy: approver, comment, at: ctx.now });
    await appendAudit(ctx.trx, { actor: approver, action: 'monitoring-rule.change-rejected', objectType: 'monitoring-rule', objectId: change.ruleId, instanceId: ctx.instance.id, after: { changeId: change.id, requestedBy: change.requestedBy, rejectedBy: approver, comment } }, ctx.now);
    return { applied: false };
  },
};

// ---- warning-rectification.bpmn: 预警纠错 督办 with 黄牌 / 红牌 ----

async function warningOf(trx: Knex, variables: Record<string, unknown>): Promise<RuleWarningRow> {
  const w = typeof variables.warningId === 'string' ? await getRuleWarning(trx, variables.warningId) : undefined;
  if (!w) throw new Error('督办件对应的预警不存在');
  return w;
}

const iso = (ms: number) => new Date(ms).toISOString();

async function notify(trx: Knex, w: RuleWarningRow, to: Array<string | null | undefined>, n: { kind: string; level: 'yellow' | 'red'; title: string; body: string; instanceId: string }, now: number): Promise<string[]> {
  const people = [...new Set(to.filter((x): x is string => Boolean(x)))].sort();
  await insertNotifications(
    trx,
    people.map((userId) => ({ id: randomUUID(), userId, kind: n.kind, level: n.level, title: n.title, body: n.body, taskId: null, instanceId: n.instanceId, dedupeKey: `${n.kind}:${w.id}:${userId}`, createdAt: now, readAt: null })),
  );
  return people;
}

export const rectificationHandlers: Record<string, Handler> = {
  /** Opens the 督办 case: who answers (the unit's head and contact), the deadlines in working days. */
  'rectification.open': async ({ trx, variables, instance, now }) => {
    const w = await warningOf(trx, variables);
    const unit = w.unitId ? await getUnit(trx, w.unitId) : undefined;
    const answerers = [...new Set([unit?.headUserId, unit?.contactUserId].filter((x): x is string => Boolean(x)))];
    const calendar = calendarOf();
    const answerDueAt = calendar.addWorkdays(now, ANSWER_WORKDAYS);
    const redCardAt = calendar.addWorkdays(answerDueAt - 1, RED_CARD_AFTER_WORKDAYS);
    await updateRuleWarning(trx, w.id, { stage: 'supervising', caseInstanceId: instance.id });
    return {
      answerers: answerers.length ? answerers : await activeMembers(trx, ['supervision']),
      unitName: unit?.name ?? '（未确定责任单位）',
      unitHead: unit?.headUserId ?? '',
      leaderInCharge: unit?.leaderUserId ?? '',
      yellowCardAt: iso(answerDueAt),
      redCardAt: iso(redCardAt),
    };
  },

  /** 黄牌: the answer is late — the unit's head and the leader in charge are told. */
  'rectification.yellowCard': async ({ trx, variables, instance, now }) => {
    const w = await warningOf(trx, variables);
    if (w.stage === 'closed' || w.stage === 'answered') return { yellowCard: false };
    await updateRuleWarning(trx, w.id, { stage: 'yellow-card', yellowCardAt: now });
    const unit = w.unitId ? await getUnit(trx, w.unitId) : undefined;
    const to = await notify(trx, w, [unit?.headUserId, unit?.leaderUserId, unit?.contactUserId], { kind: 'rule.yellow-card', level: 'yellow', title: `黄牌督办：${String(variables.ruleName ?? '监察预警')}逾期未答复`, body: `${w.summary}。${unit?.name ?? '责任单位'}未在 ${ANSWER_WORKDAYS} 个工作日内说明情况或整改，请单位负责人和分管领导督促；再逾期 ${RED_CARD_AFTER_WORKDAYS} 个工作日将报局纪委（红牌）。`, instanceId: instance.id }, now);
    return { yellowCard: true, yellowCardTo: to };
  },

  /** 红牌: still unanswered — the discipline committee is told and an accountability suggestion filed. */
  'rectification.redCard': async ({ trx, variables, instance, now }) => {
    const w = await warningOf(trx, variables);
    if (w.stage === 'closed' || w.stage === 'answered') return { redCard: false };
    await updateRuleWarning(trx, w.id, { stage: 'red-card', redCardAt: now });
    const unit = w.unitId ? await getUnit(trx, w.unitId) : undefined;
    const committee = await activeMembers(trx, ['discipline-committee']);
    const to = await notify(trx, w, [...committee, ...(await activeMembers(trx, ['supervision'])), unit?.headUserId, unit?.leaderUserId], { kind: 'rule.red-card', level: 'red', title: `红牌督办：${String(variables.ruleName ?? '监察预警')}经黄牌后仍未答复`, body: `${w.summary}。${unit?.name ?? '责任单位'}经黄牌督办仍未答复，已报局纪委并提出追责建议。`, instanceId: instance.id }, now);
    const subject = unit?.headUserId ?? w.people[0];
    if (subject) {
      await insertSuggestions(trx, [
        {
          id: randomUUID(),
          userId: subject,
          category: RULE_KINDS[w.ruleKind]?.category ?? 5,
          kind: 'rule-warning-red-card',
          reason: `监察预警督办逾期未答复（红牌）：${w.summary}。建议追究${unit?.name ?? '责任单位'}负责人的责任。`,
          evidence: { warningId: w.id, ruleId: w.ruleId, caseInstanceId: instance.id, watchedInstanceId: w.instanceId, unitId: w.unitId, createdAt: w.createdAt, yellowCardAt: w.yellowCardAt, redCardAt: now },
          status: 'open',
          dedupeKey: `rule-red-card:${w.id}`,
          createdAt: now,
          decidedBy: null,
          decidedAt: null,
          instanceId: null,
        },
      ]);
    }
    return { redCard: true, redCardTo: to };
  },

  /** The unit answered (说明 / 整改措施, attachments): supervision now reviews. */
  'rectification.answered': async ({ trx, variables, now }) => {
    const w = await warningOf(trx, variables);
    await updateRuleWarning(trx, w.id, { stage: 'answered', answeredAt: now });
    return { answered: true };
  },

  /** Supervision closes: 已整改 / 误报 / 立案 (立案 opens an accountability case). */
  'rectification.close': async (ctx) => {
    const w = await warningOf(ctx.trx, ctx.variables);
    const outcome = String(ctx.variables.closeOutcome);
    if (outcome !== 'rectified' && outcome !== 'false-alarm' && outcome !== 'filed') throw new Error(`结案结论无效：${outcome}`);
    const by = (await completerOf(ctx.trx, ctx.instance.id, 'Task_Close')) ?? 'system';
    await updateRuleWarning(ctx.trx, w.id, { stage: 'closed', outcome, closedAt: ctx.now, closedBy: by });
    if (outcome === 'filed') {
      await ctx.sendMessage(ACCOUNTABILITY_MESSAGE, {
        businessKey: `ZR-YJ-${w.id.slice(0, 8)}`,
        variables: {
          category: String(RULE_KINDS[w.ruleKind]?.category ?? 5),
          subjectKind: 'unit',
          subjectUnitId: w.unitId,
          facts: `监察预警（${String(ctx.variables.ruleName ?? w.ruleKind)}）：${w.summary}。监察室审核后决定立案。${typeof ctx.variables.closeComment === 'string' ? ctx.variables.closeComment : ''}`.slice(0, 4000),
          evidence: JSON.stringify({ warningId: w.id, evidence: w.evidence, people: w.people }).slice(0, 4000),
          source: 'rule-warning',
          sourceRef: w.id,
        },
      });
    }
    return { closed: true, closeOutcome: outcome };
  },
};
