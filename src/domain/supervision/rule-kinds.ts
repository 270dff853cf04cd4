import { BadRequestError } from '../../errors.ts';

/**
 * The kinds of monitoring rule (监察规则) the supervision office configures as data (issue 18,
 * item 2): what each watches, its parameters with defaults and bounds, and whether it needs a
 * process or a step (risk point). A rule is `{kind, name, processKey, elementId?, level, params}`.
 */

type ParamSpec =
  | { type: 'int' | 'number'; label: string; min: number; max: number; default?: number }
  | { type: 'time'; label: string; default: string }
  | { type: 'string'; label: string; default?: string; max: number }
  | { type: 'elements'; label: string; minItems: number };

export interface RuleKind {
  name: string;
  description: string;
  /** `step`: a process and one of its steps (a risk point); `process`: a process, optionally a step. */
  scope: 'step' | 'process';
  params: Record<string, ParamSpec>;
  /** Art. 13 item a confirmed case is filed under. */
  category: number;
}

const LOOKBACK: ParamSpec = { type: 'int', label: '回溯天数', min: 1, max: 366, default: 30 };

export const RULE_KINDS: Record<string, RuleKind> = {
  'step-time-limit': {
    name: '高风险环节限时',
    description: '高风险环节比办理期限更严的时限：用时达到黄色期限即黄色预警，达到红色期限即红色预警（工作日）。',
    scope: 'step',
    params: { yellowWorkdays: { type: 'int', label: '黄色预警（工作日）', min: 1, max: 60 }, redWorkdays: { type: 'int', label: '红色预警（工作日）', min: 1, max: 120 }, lookbackDays: LOOKBACK },
    category: 2,
  },
  'tier-edge': {
    name: '裁量金额贴近档次边界',
    description: '罚款金额在高一档次起点或重大处罚金额之下一定比例以内（默认 5%），疑似规避更高档次或集体讨论。',
    scope: 'process',
    params: { percent: { type: 'number', label: '贴近比例（%）', min: 0.1, max: 50, default: 5 }, lookbackDays: LOOKBACK },
    category: 5,
  },
  'tier-distribution': {
    name: '裁量档次分布偏离',
    description: '某执法人员所办案件的裁量档次分布与本单位整体分布相差超过设定值（按档次占比，百分点）。',
    scope: 'process',
    params: {
      minCases: { type: 'int', label: '个人最少案件数', min: 1, max: 1000, default: 5 },
      deviation: { type: 'number', label: '偏离阈值（百分点）', min: 1, max: 100, default: 30 },
      lookbackDays: { type: 'int', label: '回溯天数', min: 1, max: 366, default: 90 },
    },
    category: 5,
  },
  'tier-vs-dmn': {
    name: '裁量档次与决策表结果不一致',
    description: '所选裁量档次与按案件事实运行 DMN 裁量决策表（输出 tier）的结果不一致。指定的决策表未部署时本规则不运行。',
    scope: 'process',
    params: { decision: { type: 'string', label: 'DMN 决策编号', max: 120, default: 'penalty-tier' }, lookbackDays: LOOKBACK },
    category: 5,
  },
  'same-person': {
    name: '同一人连续审查',
    description: '同一办件相邻的审查环节由同一人办理（如调查与审核、审核与决定）。',
    scope: 'process',
    params: { elements: { type: 'elements', label: '审查环节（按顺序）', minItems: 2 }, lookbackDays: LOOKBACK },
    category: 5,
  },
  returns: {
    name: '多次退回',
    description: '同一办件被退回的次数超过设定次数。',
    scope: 'process',
    params: { max: { type: 'int', label: '允许退回次数', min: 0, max: 50, default: 2 }, lookbackDays: LOOKBACK },
    category: 5,
  },
  'decision-changed': {
    name: '决定记录后被更改',
    description: '同一环节的决定已经记录后，再次办理时改为不同的决定。',
    scope: 'process',
    params: { field: { type: 'string', label: '决定字段', max: 60, default: 'decision' }, lookbackDays: LOOKBACK },
    category: 5,
  },
  'cancel-after-decision': {
    name: '作出决定后撤回或撤销',
    description: '办件在已记录决定之后被撤回、撤销或以撤回结束。',
    scope: 'process',
    params: { field: { type: 'string', label: '决定字段', max: 60, default: 'decision' }, lookbackDays: LOOKBACK },
    category: 5,
  },
  'after-hours': {
    name: '非工作时间审批',
    description: '在非工作日或工作时间以外办结审批环节（按工作日历和设定的上下班时间，北京时间）。',
    scope: 'process',
    params: { start: { type: 'time', label: '上班时间', default: '08:30' }, end: { type: 'time', label: '下班时间', default: '17:30' }, lookbackDays: LOOKBACK },
    category: 5,
  },
  'too-fast': {
    name: '办理用时过短',
    description: '环节从到达到办结的用时短于常人可能的最短用时。',
    scope: 'process',
    params: { minSeconds: { type: 'int', label: '最短用时（秒）', min: 1, max: 86_400, default: 60 }, lookbackDays: LOOKBACK },
    category: 5,
  },
};

export interface RuleInput {
  kind: string;
  name: string;
  processKey: string | null;
  elementId: string | null;
  level: 'yellow' | 'red';
  params: Record<string, unknown>;
  enabled: boolean;
}

/**
 * Checks a proposed rule and fills parameter defaults; 400 INVALID_RULE with a Chinese message per
 * field otherwise. Usage: `normalizeRule({kind: 'returns', processKey: 'penalty-case', params: {max: 2}, …})`.
 */
export function normalizeRule(input: Record<string, unknown>): RuleInput {
  const problems: Record<string, string> = {};
  const kind = typeof input.kind === 'string' ? RULE_KINDS[input.kind] : undefined;
  if (!kind) throw new BadRequestError(`规则类型“${String(input.kind ?? '')}”不存在`, { kind: `应为 ${Object.keys(RULE_KINDS).join('、')} 之一` }, 'INVALID_RULE');
  const str = (k: string, max: number) => (typeof input[k] === 'string' && (input[k] as string).trim() ? (input[k] as string).trim().slice(0, max + 1) : null);
  const name = str('name', 200) ?? kind.name;
  if (name.length > 200) problems.name = '规则名称不超过 200 字';
  const processKey = str('processKey', 120);
  const elementId = str('elementId', 120);
  if (!processKey) problems.processKey = '请指定规则适用的流程';
  if (kind.scope === 'step' && !elementId) problems.elementId = '该类规则须指定环节（廉政风险点）';
  const level = input.level === undefined ? 'yellow' : input.level;
  if (level !== 'yellow' && level !== 'red') problems.level = '预警级别应为 yellow 或 red';
  const enabled = input.enabled === undefined ? true : input.enabled;
  if (typeof enabled !== 'boolean') problems.enabled = '应为 true 或 false';
  const given = (input.params ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || Array.isArray(given)) problems.params = '参数应为对象';
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(given)) if (!kind.params[key]) problems[`params.${key}`] = `“${kind.name}”没有参数 ${key}`;
  for (const [key, spec] of Object.entries(kind.params)) {
    const v = given[key];
    const problem = checkParam(spec, v);
    if (problem) problems[`params.${key}`] = `${spec.label}：${problem}`;
    else params[key] = v === undefined || v === null || v === '' ? defaultOf(spec) : v;
  }
  if (input.kind === 'step-time-limit' && typeof params.yellowWorkdays === 'number' && typeof params.redWorkdays === 'number' && params.redWorkdays <= params.yellowWorkdays) {
    problems['params.redWorkdays'] = '红色预警期限应长于黄色预警期限';
  }
  if (input.kind === 'after-hours' && typeof params.start === 'string' && typeof params.end === 'string' && params.end <= params.start) problems['params.end'] = '下班时间应晚于上班时间';
  if (Object.keys(problems).length) throw new BadRequestError('监察规则填写有误', problems, 'INVALID_RULE');
  return { kind: input.kind as string, name, processKey, elementId, level: level as 'yellow' | 'red', params, enabled: enabled as boolean };
}

function defaultOf(spec: ParamSpec): unknown {
  if (spec.type === 'elements') return undefined;
  return 'default' in spec ? spec.default : undefined;
}

function checkParam(spec: ParamSpec, v: unknown): string | null {
  const missing = v === undefined || v === null || v === '';
  if (missing) return defaultOf(spec) === undefined && spec.type !== 'string' ? '必填' : null;
  switch (spec.type) {
    case 'int':
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) return spec.type === 'int' ? '应为整数' : '应为数字';
      return v < spec.min || v > spec.max ? `应在 ${spec.min}–${spec.max} 之间` : null;
    case 'time':
      return typeof v === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(v) ? null : '应为 HH:MM（如 08:30）';
    case 'string':
      return typeof v === 'string' && v.length <= spec.max ? null : `应为不超过 ${spec.max} 字的文字`;
    case 'elements':
      return Array.isArray(v) && v.length >= spec.minItems && v.length <= 20 && v.every((x) => typeof x === 'string' && /^[A-Za-z_][\w.-]{0,119}$/.test(x)) ? null : `应列出至少 ${spec.minItems} 个环节编号`;
  }
}
