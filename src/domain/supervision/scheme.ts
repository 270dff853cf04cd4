import { BadRequestError } from '../../errors.ts';

/**
 * The appraisal scoring scheme (issue 18, item 7; Art. 4 绩效考核 and 作风建设考评). A score sheet
 * has seven indicators, each scored 0–100; the total is their weighted sum (the weights add up to
 * 100), less the points accountability decisions deducted. The supervision office changes the
 * weights and deductions, a second person approves (appraisal-scheme-change.bpmn). Pure.
 */

export const INDICATORS = {
  powerOnTime: { label: '权力事项按时办结率', how: '按时办结（未进入黄色期限）的权力事项办理环节占比 × 100；无办件记满分' },
  internalOnTime: { label: '内部事务按时办结率', how: '内部流程（非权力清单事项）的办理环节按时占比 × 100，与权力事项分开计算' },
  warnings: { label: '电子监察预警', how: '100 − 每件预警扣分 × 预警件数（误报不计）' },
  rectification: { label: '整改时效', how: '100 − 黄牌扣分 × 黄牌件数 − 红牌扣分 × 红牌件数（督办逾期未答复）' },
  logins: { label: '登录值守', how: '100 − 每周未达标扣分 × 未达到登录要求的周数（监察室每周 3 次、联络员每周 1 次）' },
  dataQuality: { label: '数据质量', how: '100 − 每件退回扣分 × 本人办理的环节被退回重办的件数' },
  complaints: { label: '投诉举报查实', how: '100 − 每件查实扣分 × 经核查属实的投诉举报件数（按被投诉单位）' },
} as const;

export type IndicatorKey = keyof typeof INDICATORS;
export const INDICATOR_KEYS = Object.keys(INDICATORS) as IndicatorKey[];

export const DEDUCTIONS = {
  warning: '每件预警扣分',
  yellowCard: '每张黄牌扣分',
  redCard: '每张红牌扣分',
  loginShortWeek: '每周登录未达标扣分',
  returned: '每件退回扣分',
  complaintUpheld: '每件投诉查实扣分',
} as const;

export type DeductionKey = keyof typeof DEDUCTIONS;
export const DEDUCTION_KEYS = Object.keys(DEDUCTIONS) as DeductionKey[];

export interface Scheme {
  weights: Record<IndicatorKey, number>;
  deductions: Record<DeductionKey, number>;
}

/** In force until the supervision office's first approved change. */
export const DEFAULT_SCHEME: Scheme = {
  weights: { powerOnTime: 30, internalOnTime: 10, warnings: 20, rectification: 15, logins: 10, dataQuality: 5, complaints: 10 },
  deductions: { warning: 10, yellowCard: 20, redCard: 40, loginShortWeek: 25, returned: 10, complaintUpheld: 25 },
};

/**
 * A scheme from input: every weight and deduction a whole number 0–100, the weights adding up to
 * 100; what is not given stays as in `base`. 400 INVALID_SCHEME with the fields at fault.
 * Usage: `normalizeScheme({ weights: { warnings: 25, complaints: 5 } }, current)`.
 */
export function normalizeScheme(input: unknown, base: Scheme): Scheme {
  const body = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const problems: Record<string, string> = {};
  const part = <K extends string>(name: 'weights' | 'deductions', keys: readonly K[], from: Record<K, number>): Record<K, number> => {
    const given = body[name];
    if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) {
      problems[name] = '应为对象';
      return { ...from };
    }
    const out = { ...from };
    for (const [k, v] of Object.entries((given as Record<string, unknown>) ?? {})) {
      if (!keys.includes(k as K)) problems[`${name}.${k}`] = '未知项目';
      else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) problems[`${name}.${k}`] = '应为 0–100 的整数';
      else out[k as K] = v;
    }
    return out;
  };
  for (const k of Object.keys(body)) if (k !== 'weights' && k !== 'deductions') problems[k] = '未知字段';
  const scheme = { weights: part('weights', INDICATOR_KEYS, base.weights), deductions: part('deductions', DEDUCTION_KEYS, base.deductions) };
  const sum = INDICATOR_KEYS.reduce((s, k) => s + scheme.weights[k], 0);
  if (!Object.keys(problems).length && sum !== 100) problems.weights = `各项权重之和应为 100（现为 ${sum}）`;
  if (Object.keys(problems).length) throw new BadRequestError('考核评分方案填写有误', problems, 'INVALID_SCHEME');
  return scheme;
}

/** A stored scheme read leniently (missing parts from the default). */
export function schemeOf(stored: Record<string, unknown> | undefined): Scheme {
  const s = (stored ?? {}) as Partial<Scheme>;
  return { weights: { ...DEFAULT_SCHEME.weights, ...(s.weights ?? {}) }, deductions: { ...DEFAULT_SCHEME.deductions, ...(s.deductions ?? {}) } };
}

/** What changes, in words, for the approver: `权重：电子监察预警 20→25；…`. */
export function describeSchemeChange(before: Scheme, after: Scheme): string {
  const w = INDICATOR_KEYS.filter((k) => before.weights[k] !== after.weights[k]).map((k) => `${INDICATORS[k].label} ${before.weights[k]}→${after.weights[k]}`);
  const d = DEDUCTION_KEYS.filter((k) => before.deductions[k] !== after.deductions[k]).map((k) => `${DEDUCTIONS[k]} ${before.deductions[k]}→${after.deductions[k]}`);
  const parts = [w.length ? `权重：${w.join('；')}` : '', d.length ? `扣分标准：${d.join('；')}` : ''].filter(Boolean);
  return parts.length ? parts.join('。') : '无变化';
}
