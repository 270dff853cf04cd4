/** Process design (流程设计): every process with its versions, download, and opening one in the modeler. */
import { api, type Definition } from '../api.ts';
import { ask, empty, h, loading, mount } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';
import { navigate, type PageContext } from '../router.ts';

export const title = '流程设计';

interface Versions {
  key: string;
  name: string | null;
  versions: Array<Definition & { resourceName?: string }>;
}

export function xmlUrl(key: string, version: number): string {
  return `/api/process-definitions/${encodeURIComponent(key)}/xml?version=${version}`;
}

/** Links to one version exported for Camunda 7 and Camunda 8 (GET …/versions/:v/export?target=). */
export function exportLinks(key: string, version: number): HTMLAnchorElement[] {
  const url = (target: string) => `/api/process-definitions/${encodeURIComponent(key)}/versions/${version}/export?target=${target}`;
  return [
    h('a', { href: url('camunda7'), download: `${key}-v${version}.camunda7.bpmn`, class: 'btn btn-small btn-ghost', title: '按 Camunda 7 方言（camunda: 属性）导出' }, '导出 Camunda 7'),
    h('a', { href: url('camunda8'), download: `${key}-v${version}.camunda8.bpmn`, class: 'btn btn-small btn-ghost', title: '按 Camunda 8 方言（zeebe: 扩展）导出' }, '导出 Camunda 8'),
  ];
}

/** A download link for one version's BPMN file. */
export function downloadLink(key: string, version: number, text = '下载 BPMN'): HTMLAnchorElement {
  return h('a', { href: xmlUrl(key, version), download: `${key}-v${version}.bpmn`, class: 'btn btn-small btn-ghost' }, text);
}

export async function render(ctx: PageContext): Promise<void> {
  mount(ctx.root, loading());
  const [body, decisions] = await Promise.all([api.get<any>('/api/process-definitions'), api.get<{ items: DecisionSummary[] }>('/api/decision-definitions')]);
  if (!ctx.alive()) return;
  const defs: Definition[] = body.items ?? body;
  const newProcess = async () => {
    const key = await ask({ title: '新建流程', message: '流程编号只能用小写英文字母、数字和连字符，以字母开头；部署后不能修改。', input: '流程编号', required: true, ok: '下一步' });
    if (!key) return;
    if (!/^[a-z][a-z0-9-]{1,60}$/.test(key)) {
      await ask({ title: '流程编号无效', message: '只能使用英文小写字母、数字和连字符，并以字母开头。', ok: '知道了' });
      return;
    }
    navigate(`/modeler/processes/${encodeURIComponent(key)}?new=1`);
  };
  const rows = defs.map((d) => {
    const versionsCell = h('td', { class: 'versions-cell' }, h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false' }, `第 ${d.version} 版 · 查看全部版本`));
    const toggle = versionsCell.querySelector('button')!;
    toggle.addEventListener('click', async () => {
      if (toggle.getAttribute('aria-expanded') === 'true') {
        versionsCell.querySelector('.versions')?.remove();
        toggle.setAttribute('aria-expanded', 'false');
        return;
      }
      toggle.setAttribute('aria-expanded', 'true');
      const v = await api.get<Versions>(`/api/process-definitions/${encodeURIComponent(d.key)}`);
      versionsCell.appendChild(
        h(
          'ul',
          { class: 'versions' },
          v.versions.map((x) =>
            h(
              'li',
              h('strong', `第 ${x.version} 版`),
              h('span', { class: 'cell-sub' }, ` ${fmtDateTime(x.deployedAt)} · ${userLabel(x.deployedBy ?? null)}`),
              ' ',
              h('a', { href: `/modeler/processes/${encodeURIComponent(d.key)}?version=${x.version}`, class: 'btn btn-small btn-ghost' }, '打开'),
              downloadLink(d.key, x.version),
              ...exportLinks(d.key, x.version),
            ),
          ),
        ),
      );
    });
    return h(
      'tr',
      { 'data-process': d.key },
      h(
        'td',
        { class: 'cell-main' },
        h('a', { href: `/modeler/processes/${encodeURIComponent(d.key)}`}, d.name ?? d.key),
        d.executable === false ? h('span', { class: 'badge', title: '流程文件中所有流程都标记了 isExecutable="false"：已保存，可查看、下载，不能发起' }, ' 非可执行（仅保存）') : null,
      ),
      versionsCell,
      h('td', fmtDateTime(d.deployedAt)),
      h('td', userLabel(d.deployedBy ?? null)),
      h('td', { class: 'cell-actions' }, h('a', { href: `/modeler/processes/${encodeURIComponent(d.key)}`, class: 'btn btn-small btn-primary' }, '编辑'), downloadLink(d.key, d.version)),
    );
  });
  mount(
    ctx.root,
    h(
      'section',
      { class: 'page' },
      h(
        'div',
        { class: 'page-head' },
        h('div', h('h1', '流程设计'), h('p', { class: 'page-sub' }, '编辑流程图、表单和决策表，检查后部署为新版本；运行中的实例继续按原版本办理。')),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: newProcess }, '新建流程'),
      ),
      defs.length
        ? h(
            'table',
            { class: 'table processes-table' },
            h('caption', { class: 'sr-only' }, '流程定义'),
            h('thead', h('tr', ['流程', '版本', '最近部署', '部署人', ''].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', rows),
          )
        : empty('尚未部署任何流程。', '点击右上角“新建流程”画出流程图，检查通过后部署，经第二人审批后生效。'),
      decisionSection(decisions.items),
    ),
  );
}

interface DecisionSummary {
  key: string;
  name: string | null;
  version: number;
  hitPolicy: string;
  aggregation: string | null;
  rules: number;
  deployedAt: string;
  deployedBy: string;
}

/** Decision tables (决策表) that business rule tasks evaluate, e.g. the penalty discretion standard. */
/** DMN hit policies as the process owner reads them (the names dmn-js shows in Chinese). */
const HIT_POLICY: Record<string, string> = { UNIQUE: '唯一命中', FIRST: '首条命中', PRIORITY: '优先级', ANY: '任意命中', COLLECT: '汇总', 'RULE ORDER': '按规则顺序', 'OUTPUT ORDER': '按输出顺序' };
const AGGREGATION: Record<string, string> = { SUM: '求和', MIN: '最小值', MAX: '最大值', COUNT: '计数' };

function hitPolicyText(policy: string, aggregation?: string | null): string {
  const p = HIT_POLICY[policy] ?? policy;
  return aggregation ? `${p}（${AGGREGATION[aggregation] ?? aggregation}）` : p;
}

function decisionSection(items: DecisionSummary[]): HTMLElement {
  const newDecision = async () => {
    const key = await ask({ title: '新建决策表', message: '决策编号只能用英文字母、数字和连字符，以字母开头；业务规则任务按此编号引用（camunda:decisionRef）。', input: '决策编号', required: true, ok: '下一步' });
    if (!key) return;
    if (!/^[A-Za-z][A-Za-z0-9-]{1,60}$/.test(key)) {
      await ask({ title: '决策编号无效', message: '只能使用英文字母、数字和连字符，并以字母开头。', ok: '知道了' });
      return;
    }
    navigate(`/modeler/decisions/${encodeURIComponent(key)}`);
  };
  return h(
    'div',
    { class: 'decisions-section' },
    h('div', { class: 'page-head' }, h('h2', '决策表'), h('button', { type: 'button', class: 'btn btn-ghost', onclick: newDecision }, '新建决策表')),
    items.length
      ? h(
          'table',
          { class: 'table decisions-table' },
          h('caption', { class: 'sr-only' }, '决策表'),
          h('thead', h('tr', ['决策表', '版本', '命中策略', '规则数', '最近部署', '部署人', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            items.map((d) =>
              h(
                'tr',
                { 'data-decision': d.key },
                h('td', { class: 'cell-main' }, h('a', { href: `/modeler/decisions/${encodeURIComponent(d.key)}` }, d.name ?? d.key)),
                h('td', `第 ${d.version} 版`),
                h('td', hitPolicyText(d.hitPolicy, d.aggregation)),
                h('td', String(d.rules)),
                h('td', fmtDateTime(d.deployedAt)),
                h('td', userLabel(d.deployedBy ?? null)),
                h(
                  'td',
                  { class: 'cell-actions' },
                  h('a', { href: `/modeler/decisions/${encodeURIComponent(d.key)}`, class: 'btn btn-small btn-primary' }, '编辑'),
                  h('a', { href: `/api/decision-definitions/${encodeURIComponent(d.key)}/xml`, download: `${d.key}-v${d.version}.dmn`, class: 'btn btn-small btn-ghost' }, '下载 DMN'),
                ),
              ),
            ),
          ),
        )
      : empty('尚未部署决策表。', '业务规则任务按决策表判定（如行政处罚的自由裁量基准）；点击“新建决策表”编辑规则，部署后经第二人审批生效。'),
  );
}
