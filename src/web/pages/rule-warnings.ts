/**
 * 规则预警与督办 on the monitor's 预警与追责 page (issue 18, items 2-3): counts per responsible unit
 * and per rule (督办中, 黄牌, 红牌, 已整改, 误报, 立案) and the latest warnings with their evidence,
 * each linked to the watched case and its 督办 case.
 */
import { api } from '../api.ts';
import { empty, h, mount } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';

interface Count {
  key: string | null;
  name: string;
  total: number;
  open: number;
  yellowCard: number;
  redCard: number;
  closed: number;
  rectified: number;
  falseAlarm: number;
  filed: number;
}
interface Warning {
  id: string;
  ruleName: string;
  level: 'yellow' | 'red';
  summary: string;
  unitName: string | null;
  people: string[];
  evidence: Record<string, unknown>;
  stage: string;
  outcome: string | null;
  instanceId: string | null;
  caseInstanceId: string | null;
  createdAt: string;
}

export const STAGE: Record<string, string> = {
  raised: '已预警',
  supervising: '督办中',
  answered: '已答复，待审核',
  'yellow-card': '黄牌',
  'red-card': '红牌',
  closed: '已结案',
};
export const OUTCOME: Record<string, string> = { rectified: '已整改', 'false-alarm': '误报', filed: '立案' };

function countTable(label: string, rows: Count[], cls: string): HTMLElement {
  const head = [label, '预警', '督办中', '黄牌', '红牌', '已整改', '误报', '立案'];
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: `table compact ${cls}` },
      h('thead', h('tr', head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', rows.map((r) => h('tr', { 'data-key': r.key ?? '' }, [r.name, r.total, r.open, r.yellowCard, r.redCard, r.rectified, r.falseAlarm, r.filed].map((v) => h('td', String(v)))))),
    ),
  );
}

function stageText(w: Warning): string {
  return w.stage === 'closed' && w.outcome ? `已结案：${OUTCOME[w.outcome] ?? w.outcome}` : (STAGE[w.stage] ?? w.stage);
}

/** Fills `host` with the figures and the latest 50 warnings. */
export async function loadRuleWarnings(host: HTMLElement, alive: () => boolean): Promise<void> {
  const [summary, { items }] = await Promise.all([
    api.get<{ byUnit: Count[]; byRule: Count[] }>('/api/rule-warnings/summary'),
    api.get<{ items: Warning[] }>('/api/rule-warnings'),
  ]);
  if (!alive()) return;
  if (!items.length) {
    mount(host, empty('监察规则尚未发现预警。', '规则命中时会在这里出现，并自动转为督办件。', { href: '/monitor/rules', label: '查看监察规则' }));
    return;
  }
  mount(
    host,
    h('div', { class: 'rule-warning-figures' }, h('h3', '按责任单位'), countTable('责任单位', summary.byUnit, 'by-unit'), h('h3', '按规则'), countTable('规则', summary.byRule, 'by-rule')),
    h('h3', '最新预警'),
    h(
      'ul',
      { class: 'suggestions rule-warnings' },
      items.slice(0, 50).map((w) =>
        h(
          'li',
          { class: `suggestion level-${w.level}`, 'data-warning': w.id, 'data-stage': w.stage },
          h(
            'div',
            { class: 'suggestion-head' },
            h('span', { class: `level-tag level-tag-${w.level}` }, w.level === 'red' ? '红色' : '黄色'),
            h('strong', w.ruleName),
            h('span', { class: 'tag stage-tag' }, stageText(w)),
            h('span', { class: 'cell-sub' }, `${w.unitName ?? '未确定责任单位'} · ${fmtDateTime(w.createdAt)}`),
          ),
          h('p', w.summary),
          h('p', { class: 'cell-sub' }, `涉及人员：${w.people.map((p) => userLabel(p)).join('、') || '—'}`),
          h('details', { class: 'evidence' }, h('summary', '证据'), h('pre', JSON.stringify(w.evidence, null, 2))),
          h(
            'div',
            { class: 'actions' },
            w.instanceId ? h('a', { class: 'btn btn-small', href: `/monitor/instances/${encodeURIComponent(w.instanceId)}` }, '查看办件') : null,
            w.caseInstanceId ? h('a', { class: 'btn btn-small', href: `/monitor/instances/${encodeURIComponent(w.caseInstanceId)}` }, '查看督办件') : null,
          ),
        ),
      ),
    ),
  );
}
