import type { FieldError } from '../../errors.ts';

/**
 * The rules of the self-built project procedure (self-built-project.bpmn), pure. The thresholds are
 * data: camunda:properties of the procedure's 登记立项 service task, copied into each instance's
 * variables at 立项 (so a running project keeps the thresholds it started with, and the process
 * owner changes them by deploying a new version, approved by a second person).
 */
export interface ProjectThresholds {
  /** A lot at or above this (CNY) is procured by 公开招标; below it by 比选 or 询价. */
  tenderThreshold: number;
  /** Cumulative approved change orders above this share of the contract amount need the leaders' collective decision. */
  collectiveChangeRatio: number;
  /** The window (months) in which contracts with one vendor on one project are added up (化整为零). */
  splitWindowMonths: number;
}

export const DEFAULT_THRESHOLDS: ProjectThresholds = { tenderThreshold: 1_000_000, collectiveChangeRatio: 0.1, splitWindowMonths: 12 };

export const METHOD_NAMES: Record<string, string> = { 'public-tender': '公开招标', comparison: '比选', inquiry: '询价' };

const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

/** Reads thresholds from properties or variables, falling back to the defaults for what is missing or not a positive number. */
export function thresholdsOf(src: Record<string, unknown>): ProjectThresholds {
  const pick = (k: keyof ProjectThresholds) => {
    const n = num(src[k]);
    return Number.isFinite(n) && n > 0 ? n : DEFAULT_THRESHOLDS[k];
  };
  return { tenderThreshold: pick('tenderThreshold'), collectiveChangeRatio: pick('collectiveChangeRatio'), splitWindowMonths: pick('splitWindowMonths') };
}

export const cny = (n: number) => `${n.toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元`;

/** The 采购方式 a lot must use, and the problems of the one chosen. */
export function procurementProblems(input: { lotBudget: number; method: string; remaining: number }, t: ProjectThresholds): FieldError[] {
  const errors: FieldError[] = [];
  if (!(input.lotBudget > 0)) errors.push({ field: 'lotBudget', message: '“本次采购预算”应大于 0' });
  else if (input.lotBudget > input.remaining + 0.001) errors.push({ field: 'lotBudget', message: `本次采购预算超过项目剩余预算（${cny(input.remaining)}）` });
  if (input.lotBudget >= t.tenderThreshold && input.method !== 'public-tender') {
    errors.push({ field: 'procurementMethod', message: `采购预算 ${cny(input.lotBudget)} 达到公开招标限额（${cny(t.tenderThreshold)}），应当公开招标` });
  }
  return errors;
}

/** Bidder names, one per line (or separated by 、，,；;), trimmed, each once. */
export function bidderList(text: unknown): string[] {
  return [...new Set(String(text ?? '').split(/[\n\r、，,；;]+/).map((s) => s.trim()).filter(Boolean))];
}

/** Problems of a 招标/比选 record: at least three bidders, the winner among them, a price within the lot's budget. */
export function tenderProblems(v: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const bidders = bidderList(v.bidders);
  if (bidders.length < 3) errors.push({ field: 'bidders', message: '参加投标（比选、询价）的单位不得少于 3 家' });
  const winner = String(v.winner ?? '').trim();
  if (winner && !bidders.includes(winner)) errors.push({ field: 'winner', message: '中标（成交）单位应为参加单位之一' });
  const amount = num(v.bidAmount);
  const budget = num(v.lotBudget);
  if (Number.isFinite(amount) && Number.isFinite(budget) && amount > budget) errors.push({ field: 'bidAmount', message: `中标（成交）金额超过本次采购预算（${cny(budget)}）` });
  return errors;
}

export interface ContractLike {
  id: string;
  vendor: string;
  amount: number;
  signedOn: string;
  lotName: string;
  procurementMethod: string;
}

const monthsBetween = (a: string, b: string) => {
  const [ya, ma, da] = a.split('-').map(Number);
  const [yb, mb, db] = b.split('-').map(Number);
  return (yb - ya) * 12 + (mb - ma) - (db < da ? 1 : 0);
};

/**
 * 化整为零: the contracts of one project with the new contract's vendor, each below the tender
 * threshold, signed within `splitWindowMonths` of it, that together reach the threshold. Empty
 * when there is no such split.
 */
export function splitContracts(existing: ContractLike[], added: ContractLike, t: ProjectThresholds): ContractLike[] {
  if (added.amount >= t.tenderThreshold) return [];
  const vendor = added.vendor.trim();
  const group = [...existing, added].filter(
    (c) => c.vendor.trim() === vendor && c.amount < t.tenderThreshold && Math.abs(c.signedOn <= added.signedOn ? monthsBetween(c.signedOn, added.signedOn) : monthsBetween(added.signedOn, c.signedOn)) < t.splitWindowMonths,
  );
  const total = group.reduce((n, c) => n + c.amount, 0);
  return group.length >= 2 && total >= t.tenderThreshold ? group : [];
}

/** Whether cumulative changes (approved ones plus this one) exceed the collective-decision share of the contract amount. */
export function changeNeedsCollective(approved: number, change: number, contractTotal: number, t: ProjectThresholds): { cumulative: number; ratio: number; needsCollective: boolean } {
  const cumulative = approved + Math.abs(change);
  const ratio = contractTotal > 0 ? cumulative / contractTotal : Infinity;
  return { cumulative, ratio, needsCollective: ratio > t.collectiveChangeRatio + 1e-12 };
}

/** YYYY-MM of a Beijing date, and whether a report month may be filed now. */
export function reportMonthProblems(month: unknown, last: unknown, today: string): FieldError[] {
  const m = String(month ?? '');
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m)) return [{ field: 'reportMonth', message: '“报告月份”应为 YYYY-MM' }];
  if (m > today.slice(0, 7)) return [{ field: 'reportMonth', message: '不能提前报告尚未开始的月份' }];
  if (typeof last === 'string' && last && m <= last) return [{ field: 'reportMonth', message: `${m} 的进度已报告（上次报告 ${last}），请报告下一个月` }];
  return [];
}
