/**
 * 监察规则 (issue 18, item 2): the rule library the supervision office configures per risk point or
 * per process. Every new rule, change or stop is a proposal: it takes effect only when a member of
 * the discipline committee other than the proposer approves it (in their 待办, or here).
 */
import { api, ApiError } from '../api.ts';
import { ask, empty, h, loading, mount, toast } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';
import type { PageContext } from '../router.ts';
import { user } from '../session.ts';
import { monitorTabs, pageHead } from './supervision-shared.ts';

export const title = '监察规则';

type ParamSpec = { type: 'int' | 'number' | 'time' | 'string' | 'elements'; label: string; min?: number; max?: number; default?: unknown };
interface Kind {
  kind: string;
  name: string;
  description: string;
  scope: 'step' | 'process';
  params: Record<string, ParamSpec>;
}
interface Rule {
  id: string;
  kind: string;
  kindName: string;
  name: string;
  processKey: string;
  elementId: string | null;
  level: 'yellow' | 'red';
  params: Record<string, unknown>;
  enabled: boolean;
  version: number;
  requestedBy: string;
  approvedBy: string;
  inactiveReason: string | null;
  pendingChangeId: string | null;
  updatedAt: string;
}
interface Change {
  id: string;
  ruleId: string;
  action: 'create' | 'update';
  proposal: Record<string, any>;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  reason: string;
  decidedBy: string | null;
  comment: string | null;
  requestedAt: string;
}

const LEVEL: Record<string, string> = { yellow: '黄色', red: '红色' };
const STATUS: Record<string, string> = { pending: '待局纪委审批', approved: '已同意', rejected: '未同意' };

/** Step id → name per process, from the process version in force (the API's `stepNames`). */
type StepNames = Record<string, Record<string, string>>;

function paramText(kind: Kind | undefined, params: Record<string, unknown>, step: (id: string) => string = (id) => id): string {
  return Object.entries(params)
    .map(([k, v]) => `${kind?.params[k]?.label ?? k}：${Array.isArray(v) ? v.map((x) => (kind?.params[k]?.type === 'elements' ? step(String(x)) : String(x))).join('、') : String(v)}`)
    .join('；');
}

export async function render(ctx: PageContext): Promise<void> {
  const rulesHost = h('div', loading());
  const changesHost = h('div', loading());
  const formHost = h('div');
  const isCommittee = user().groups.includes('discipline-committee');
  let kinds: Kind[] = [];
  let processes: Array<{ key: string; name: string }> = [];
  const processName = (key: string) => processes.find((p) => p.key === key)?.name ?? key;
  let stepNames: StepNames = {};
  // A step as the process names it; the id only when the process version in force no longer has it.
  const stepName = (key: string, id: string) => stepNames[key]?.[id] ?? id;
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page rules-page' },
      monitorTabs(),
      pageHead('监察规则', '监察规则按廉政风险点或流程配置，命中即产生预警并转为督办件。新建、修改或停用规则须经局纪委中提出人以外的人员审批同意后生效。'),
      h('div', { class: 'card' }, h('h2', '规则库'), rulesHost),
      h('div', { class: 'card' }, h('h2', '规则变更申请'), changesHost),
      h('div', { class: 'card' }, h('h2', '提出新规则'), formHost),
    ),
  );

  async function load(): Promise<void> {
    const [lib, changes, defs] = await Promise.all([
      api.get<{ items: Rule[]; kinds: Kind[]; stepNames?: StepNames }>('/api/monitoring-rules'),
      api.get<{ items: Change[] }>('/api/monitoring-rule-changes'),
      api.get<{ items: Array<{ key: string; name: string }> }>('/api/process-definitions').catch(() => ({ items: [] })),
    ]);
    if (!ctx.alive()) return;
    kinds = lib.kinds;
    stepNames = lib.stepNames ?? {};
    processes = defs.items.map((d) => ({ key: d.key, name: d.name || d.key }));
    const kindOf = (k: string) => kinds.find((x) => x.kind === k);
    mount(
      rulesHost,
      lib.items.length
        ? h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'table compact rules-table' },
              h('thead', h('tr', ['规则', '适用流程 / 环节', '级别', '参数', '状态', '审批', ''].map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                lib.items.map((r) =>
                  h(
                    'tr',
                    { 'data-rule': r.id },
                    h('td', r.name, h('div', { class: 'cell-sub' }, r.kindName)),
                    h('td', processName(r.processKey), r.elementId ? h('div', { class: 'cell-sub', 'data-step': r.elementId }, `环节：${stepName(r.processKey, r.elementId)}`) : null),
                    h('td', h('span', { class: `level-tag level-tag-${r.level}` }, LEVEL[r.level])),
                    h('td', paramText(kindOf(r.kind), r.params, (id) => stepName(r.processKey, id))),
                    h('td', r.pendingChangeId ? '变更审批中' : !r.enabled ? '已停用' : r.inactiveReason ? `未运行：${r.inactiveReason}` : '生效中', h('div', { class: 'cell-sub' }, `第 ${r.version} 版`)),
                    h('td', h('div', { class: 'cell-sub' }, `提出：${userLabel(r.requestedBy)}`), h('div', { class: 'cell-sub' }, `同意：${userLabel(r.approvedBy)}`)),
                    h('td', { class: 'cell-actions' }, r.pendingChangeId ? null : h('button', { type: 'button', class: 'btn btn-small', onclick: () => void toggle(r) }, r.enabled ? '申请停用' : '申请启用')),
                  ),
                ),
              ),
            ),
          )
        : empty('规则库中还没有规则。', '在下方提出新规则，经局纪委审批同意后生效。'),
    );
    mount(changesHost, changes.items.length ? h('ul', { class: 'suggestions' }, changes.items.slice(0, 30).map((c) => changeItem(c, kindOf(c.proposal.kind)))) : empty('没有规则变更申请。'));
    if (!formHost.firstChild) mount(formHost, ruleForm());
  }

  function changeItem(c: Change, kind: Kind | undefined): HTMLElement {
    const decide = async (decision: 'approve' | 'reject') => {
      const comment = await ask({ title: decision === 'approve' ? '同意规则变更' : '不同意规则变更', input: '审批意见', required: decision === 'reject', ok: decision === 'approve' ? '同意' : '不同意' });
      if (comment === null) return;
      try {
        await api.post(`/api/monitoring-rule-changes/${encodeURIComponent(c.id)}/${decision}`, comment ? { comment } : {});
        toast(decision === 'approve' ? '已同意，规则变更生效' : '已驳回，规则保持不变');
        await load();
      } catch (err) {
        if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
      }
    };
    const p = c.proposal;
    return h(
      'li',
      { class: 'suggestion', 'data-change': c.id },
      h('div', { class: 'suggestion-head' }, h('strong', `${c.action === 'create' ? '新建' : '修改'}：${p.name}`), h('span', { class: 'tag' }, STATUS[c.status]), h('span', { class: 'cell-sub' }, `${userLabel(c.requestedBy)} 于 ${fmtDateTime(c.requestedAt)} 提出`)),
      h('p', `${kind?.name ?? p.kind}；${processName(p.processKey)}${p.elementId ? ` / 环节：${stepName(p.processKey, p.elementId)}` : ''}；${LEVEL[p.level] ?? p.level}；${paramText(kind, p.params ?? {}, (id) => stepName(p.processKey, id))}${p.enabled === false ? '；停用' : ''}`),
      h('p', { class: 'cell-sub' }, `理由：${c.reason}`),
      c.status === 'pending'
        ? isCommittee && c.requestedBy !== user().user.id
          ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: () => void decide('approve') }, '同意'), h('button', { type: 'button', class: 'btn btn-small', onclick: () => void decide('reject') }, '不同意'))
          : h('p', { class: 'cell-sub' }, '等待局纪委（提出人以外）审批')
        : h('p', { class: 'cell-sub' }, `${STATUS[c.status]}：${userLabel(c.decidedBy)}${c.comment ? `，${c.comment}` : ''}`),
    );
  }

  async function toggle(r: Rule): Promise<void> {
    const reason = await ask({ title: r.enabled ? '申请停用规则' : '申请启用规则', message: '经局纪委审批同意后生效。', input: '理由', required: true, ok: '提交' });
    if (reason === null) return;
    try {
      await api.put(`/api/monitoring-rules/${encodeURIComponent(r.id)}`, { enabled: !r.enabled, reason });
      toast('已提交，待局纪委审批');
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) toast(err.message, 'error');
    }
  }

  function ruleForm(): HTMLElement {
    const kind = h('select', { id: 'rule-kind' }, kinds.map((k) => h('option', { value: k.kind }, k.name)));
    const name = h('input', { id: 'rule-name', type: 'text', maxlength: '200' });
    const processKey = h('select', { id: 'rule-process' }, processes.map((p) => h('option', { value: p.key }, p.name)));
    const points = h('datalist', { id: 'rule-points' });
    const elementId = h('input', { id: 'rule-element', type: 'text', list: 'rule-points', placeholder: '廉政风险点所在环节的编号' });
    // The process's 廉政风险点 are offered as the steps a rule may watch.
    const loadPoints = async () => {
      const d = await api.get<{ riskPoints?: Array<{ elementId: string; elementName?: string; level: string; description: string }> }>(`/api/process-definitions/${encodeURIComponent(processKey.value)}`).catch(() => ({ riskPoints: [] }));
      const LV: Record<string, string> = { high: '高', medium: '中', low: '低' };
      mount(points, (d.riskPoints ?? []).map((r) => h('option', { value: r.elementId }, `${r.elementName ?? r.elementId}（廉·${LV[r.level] ?? r.level}）${r.description}`)));
    };
    processKey.addEventListener('change', () => void loadPoints());
    if (processes.length) void loadPoints();
    const level = h('select', { id: 'rule-level' }, h('option', { value: 'yellow' }, '黄色'), h('option', { value: 'red' }, '红色'));
    const reason = h('textarea', { id: 'rule-reason', rows: '2', maxlength: '1000' });
    const about = h('p', { class: 'page-sub' });
    const params = h('div', { class: 'rule-params' });
    const inputs = new Map<string, HTMLInputElement>();
    const drawParams = () => {
      const k = kinds.find((x) => x.kind === kind.value)!;
      about.textContent = k.description;
      inputs.clear();
      mount(
        params,
        Object.entries(k.params).map(([key, spec]) => {
          const input = h('input', { id: `rule-param-${key}`, type: spec.type === 'int' || spec.type === 'number' ? 'number' : 'text', value: spec.default === undefined ? '' : String(spec.default), placeholder: spec.type === 'elements' ? '环节编号，以逗号分隔' : '' });
          inputs.set(key, input);
          return h('div', { class: 'field' }, h('label', { for: input.id }, spec.label), input);
        }),
      );
    };
    kind.addEventListener('change', drawParams);
    drawParams();
    const submit = async (ev: Event) => {
      ev.preventDefault();
      const k = kinds.find((x) => x.kind === kind.value)!;
      const values: Record<string, unknown> = {};
      for (const [key, input] of inputs) {
        const spec = k.params[key];
        if (input.value.trim() === '') continue;
        values[key] = spec.type === 'int' || spec.type === 'number' ? Number(input.value) : spec.type === 'elements' ? input.value.split(/[,，、\s]+/).filter(Boolean) : input.value.trim();
      }
      try {
        await api.post('/api/monitoring-rules', { kind: kind.value, name: name.value || undefined, processKey: processKey.value.trim(), elementId: elementId.value.trim() || undefined, level: level.value, params: values, reason: reason.value });
        toast('已提交，待局纪委审批同意后生效');
        name.value = '';
        reason.value = '';
        await load();
      } catch (err) {
        if (err instanceof ApiError && err.status !== 401) toast(err.message + (err.details && typeof err.details === 'object' ? `：${Object.values(err.details as Record<string, string>).join('；')}` : ''), 'error');
      }
    };
    return h(
      'form',
      { class: 'rule-form', onsubmit: submit },
      h('div', { class: 'field' }, h('label', { for: 'rule-kind' }, '规则类型'), kind),
      about,
      h('div', { class: 'field' }, h('label', { for: 'rule-name' }, '规则名称（不填则用类型名称）'), name),
      h('div', { class: 'field' }, h('label', { for: 'rule-process' }, '适用流程'), processKey),
      h('div', { class: 'field' }, h('label', { for: 'rule-element' }, '适用环节（可不填；高风险环节限时必填）'), elementId, points),
      h('div', { class: 'field' }, h('label', { for: 'rule-level' }, '预警级别'), level),
      params,
      h('div', { class: 'field' }, h('label', { for: 'rule-reason' }, '理由（必填）'), reason),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, '提交审批')),
    );
  }

  try {
    await load();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    mount(rulesHost, h('p', { class: 'form-error' }, (err as Error).message));
  }
}
